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
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.safety import long_messages
from bot import redflag_model, scope, triage
from bot.triage import prefilter, reading, screening
from tests import oracles

ROOT = Path(__file__).resolve().parent.parent
FILES = [*sorted((ROOT / "data" / "redflag_corpus").glob("*.jsonl")),
         ROOT / "tests" / "data" / "redflag_phrasings.jsonl"]


def _rows(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


SETS = {path.name: _rows(path) for path in FILES if path.exists()}
SETS["long_stories"] = long_messages([t for texts in SETS.values() for t in texts])


def _verdict(message: str, ruleset, model) -> tuple:
    result = triage.screen(message, rules=ruleset, learned=model if model is not None else False)
    read = reading.read_once(message, ruleset)
    score = model.predict(redflag_model.features(read.text, read.negated)).score if model is not None else None
    return result.level, result.rule_ids, result.family, result.message, result.learned_score, result.source, score


def _fired(found: dict, ruleset) -> list[str]:
    return [rule.id for rule in ruleset.rules if screening._fires(rule, found)]


@pytest.mark.parametrize("name", sorted(SETS))
def test_reading_fires_the_reference_rules_on_every_row(name):
    """Every row: the prefiltered reading fires exactly the rules the whole-text reference reading fires."""
    ruleset = triage.load_rules()
    for text in SETS[name]:
        read = reading.read_once(text, ruleset)
        assert _fired(reading.present(read, ruleset), ruleset) == _fired(oracles.present(read, ruleset), ruleset), text


_ALL = sorted({t for texts in SETS.values() for t in texts})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_ALL), min_size=1, max_size=12), st.integers(0, 2000),
       st.sampled_from([" ", ". ", ", "]))
def test_prefiltered_reading_fires_what_every_rule_fires_on_any_story(parts, cut, joint):
    """Stories cut from any rows at any length: the reading that skips patterns and rules whose strings are
    missing (prefilter.needs, anchors) fires exactly the rules of every pattern run over the whole text."""
    ruleset = triage.load_rules()
    read = reading.read_once(joint.join(parts)[:cut + 40], ruleset)
    assert _fired(reading.present(read, ruleset), ruleset) == _fired(oracles.present(read, ruleset), ruleset)


@pytest.mark.parametrize("name", ["long_stories", "redflag_phrasings.jsonl"])
def test_prefilter_candidates_are_every_anchor_occurrence(name):
    """The trie pass finds each anchor at each word start, as a brute-force search of every anchor does."""
    ruleset = triage.load_rules()
    _, patterns, finder, always = reading._read_plan(ruleset)
    for text in SETS[name]:
        read = reading.read_once(text, ruleset)
        anchored, possible, _ = prefilter.candidates(read.text, finder, always)
        starts = {pid: set(prefilter.starts(patterns[pid], anchored)) for pid in possible - always}
        assert {pid: pos for pid, pos in starts.items() if pos} == oracles.anchor_starts(read.text, patterns), text
        assert always <= possible and all(starts.values()), text


def test_screen_matches_reference_verdicts(monkeypatch):
    """A sample of rows screened whole: level, rule ids, family, message, source and learned score agree."""
    ruleset = triage.load_rules()
    model = redflag_model.load_default()
    texts = [t for texts in SETS.values() for t in texts[::7]]
    fast = [_verdict(t, ruleset, model) for t in texts]
    monkeypatch.setattr(screening, "present", oracles.present)
    for text, got in zip(texts, fast, strict=True):
        want = _verdict(text, ruleset, model)
        assert got[:-1] == want[:-1], text
        if want[-1] is not None:
            assert got[-1] == pytest.approx(want[-1], abs=1e-9), text


@pytest.mark.parametrize("name", sorted(SETS))
def test_model_features_and_probabilities_match_reference(name):
    """Every row: the learned layer's features are those of the reference code, exactly, and its class
    probabilities to 1e-12 (summed in vocabulary-id order, not the reference's order of first occurrence)."""
    ruleset = triage.load_rules()
    model = redflag_model.load_default()
    for text in SETS[name]:
        read = reading.read_once(text, ruleset)
        feats = redflag_model.features(read.text, read.negated)
        assert feats == oracles.features(read.text, read.negated), text
        if model is not None:
            want = oracles.probabilities(model, feats)
            assert model.probabilities(feats) == pytest.approx(want, rel=0, abs=1e-12), text


@pytest.mark.parametrize("name", sorted(SETS))
def test_model_predict_text_is_predict_of_features(name):
    """Every row: the one-pass scoring the screen uses gives predict(features(...)) exactly, twice (cache warm)."""
    ruleset = triage.load_rules()
    model = redflag_model.load_default()
    if model is None:
        pytest.skip("no model artifact")
    for text in SETS[name] + [t.upper() + " 1234 55555" for t in SETS[name][::50]]:
        read = reading.read_once(text, ruleset)
        want = model.predict(redflag_model.features(read.text, read.negated))
        assert model.predict_text(read.text, read.negated) == want, text
        assert model.predict_text(read.text, read.negated) == want, text


@pytest.mark.parametrize("name", sorted(SETS))
def test_negated_spans_are_the_reference_spans(name):
    """Every row: clauses that deny nothing skip their pseudo-negation search, and the spans stay the same."""
    ruleset = triage.load_rules()
    for text in SETS[name]:
        read = reading.read_once(text, ruleset)
        want = oracles.negated_spans(read.text, read.clauses, ruleset.cues, reading.NEGATION_REACH)
        assert read.negated == want, text


@pytest.mark.parametrize("name", sorted(SETS))
def test_normalise_is_the_reference_normalise(name):
    """Every row, and its typo'd copy: the split-and-join spelling repair gives the per-match re.sub's text."""
    ruleset = triage.load_rules()
    for text in SETS[name]:
        typo = " ".join(w[:2] + w[3:] if len(w) > 5 else w for w in text.split())
        for message in (text, typo, text + "\r\n\n" + typo):
            assert reading.normalise(message, ruleset) == oracles.normalise(message, ruleset), message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000ab'-.é", max_size=40))
def test_normalise_collapses_any_whitespace_as_the_reference(message):
    """Every kind of whitespace (isspace(), as re's \\s), at the ends and in runs: one space, as re.sub gave."""
    ruleset = triage.load_rules()
    assert reading.normalise(message, ruleset) == oracles.normalise(message, ruleset)


# Characters outside ASCII that \w, \d or \s match (a letter, a superscript digit, a no-break space ...), and
# others that none does (Spanish marks, a dash, a euro): only the first make a reading keep Unicode classes.
_UNICODE_CLASS = ["ß", "ø", "é", "²", "\u00a0", "\u2003", "ж", "µ"]
_OTHER = ["¿", "¡", "–", "€", "«", "·"]


@pytest.mark.parametrize("name", sorted(SETS))
def test_ascii_classes_read_every_row_as_unicode_classes_do(name):
    """Every row read with the patterns' ASCII forms (reading._compiled) and with the rules as compiled: the
    same clauses, negated spans, sentences and fired rules."""
    ruleset = triage.load_rules()
    for text in SETS[name]:
        fast = reading.read_once(text, ruleset)
        plain = reading.Reading(fast.text, scope.clause_spans(fast.text, ruleset.cues["boundary"]), ruleset.cues)
        assert fast.ascii or not fast.text.isascii(), text
        assert (fast.clauses, fast.negated) == (plain.clauses, plain.negated), text
        assert _fired(reading.present(fast, ruleset), ruleset) == _fired(reading.present(plain, ruleset), ruleset)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALL), min_size=1, max_size=6), st.lists(st.sampled_from(_UNICODE_CLASS + _OTHER),
       min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_a_reading_keeps_unicode_classes_exactly_when_a_character_needs_them(parts, extra, rng):
    """Non-ASCII characters put anywhere in a story: read with ASCII classes only when none of them is one that
    \\w, \\d or \\s matches, and the verdict then is the one the Unicode classes give."""
    ruleset = triage.load_rules()
    words = " ".join(parts).split(" ")
    for char in extra:
        at = rng.randrange(len(words))
        words[at] = words[at][:rng.randrange(len(words[at]) + 1)] + char + words[at][rng.randrange(len(words[at]) + 1):]
    fast = reading.read_once(" ".join(words), ruleset)
    assert fast.ascii is not any(not c.isascii() and (c.isalnum() or c.isspace() or c == "_") for c in fast.text)
    plain = reading.Reading(fast.text, scope.clause_spans(fast.text, ruleset.cues["boundary"]), ruleset.cues)
    assert (fast.clauses, fast.negated) == (plain.clauses, plain.negated)
    assert _fired(reading.present(fast, ruleset), ruleset) == _fired(reading.present(plain, ruleset), ruleset)
