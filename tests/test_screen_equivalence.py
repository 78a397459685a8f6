"""The screen's fast paths give the verdicts of the plain reference code (tests/oracles.py), row for row.

Every labelled corpus row (data/redflag_corpus/*.jsonl), the phrasings set and
long stories built the way bench/safety.py builds them are screened twice: by the
product, and with its prefiltered reading swapped for oracles.present (every
pattern over the whole text). Level, rule ids, family, message and the learned
score (to 1e-9) must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.safety import long_messages
from bot import redflag_model, triage
from bot.triage import prefilter, reading, screening
from tests import oracles

ROOT = Path(__file__).resolve().parent.parent
FILES = [*sorted((ROOT / "data" / "redflag_corpus").glob("*.jsonl")),
         ROOT / "tests" / "data" / "redflag_phrasings.jsonl"]


def _texts() -> list[str]:
    texts = []
    for path in FILES:
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                texts += [json.loads(line)["text"] for line in fh if line.strip()]
    return texts + long_messages(texts)


TEXTS = _texts()


def _verdict(message: str, ruleset, model) -> tuple:
    result = triage.screen(message, rules=ruleset, learned=model if model is not None else False)
    read = reading.read_once(message, ruleset)
    score = model.predict(redflag_model.features(read.text, read.negated)).score if model is not None else None
    return result.level, result.rule_ids, result.family, result.message, result.learned_score, result.source, score


def test_screen_matches_reference_on_every_corpus_row(monkeypatch):
    ruleset = triage.load_rules()
    model = redflag_model.load_default()
    fast = [_verdict(t, ruleset, model) for t in TEXTS]
    monkeypatch.setattr(screening, "present", oracles.present)
    for text, got in zip(TEXTS, fast, strict=True):
        want = _verdict(text, ruleset, model)
        assert got[:-1] == want[:-1], text
        if want[-1] is not None:
            assert got[-1] == pytest.approx(want[-1], abs=1e-9), text


def test_prefilter_candidates_find_every_anchor_occurrence():
    ruleset = triage.load_rules()
    _, patterns, finder, always = reading._read_plan(ruleset)
    for text in TEXTS:
        normalised = reading.normalise(text, ruleset)
        starts, whole = prefilter.candidates(normalised, finder, always)
        assert {pid: set(pos) for pid, pos in starts.items()} == oracles.anchor_starts(normalised, patterns), text
        assert whole == set(always)
