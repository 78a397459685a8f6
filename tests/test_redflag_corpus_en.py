"""The English red-flag training corpus keeps to the shared contract (issue 14).

The model is trained on these files; a malformed line, a wrong level or a stale
build would silently teach it the wrong thing, so the checks run on the files
as committed.
"""

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "data" / "redflag_corpus"


def load(name):
    """Import a script from the corpus folder (it is data tooling, not a package)."""
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", CORPUS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records():
    """Every record of both English files."""
    out = []
    for name in ("en_redflags.jsonl", "en_routine.jsonl"):
        out.extend(json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines())
    return out


def test_corpus_records_follow_the_contract(records):
    validate = load("validate_en")
    bad = [(r["text"][:50], validate.problems(r)) for r in records if validate.problems(r)]
    assert bad == []


def test_corpus_has_no_duplicates(records):
    counts = Counter(r["text"].strip().lower() for r in records)
    assert [t for t, n in counts.items() if n > 1] == []


def test_corpus_covers_every_presentation(records):
    validate = load("validate_en")
    per = Counter((r["family"], r["presentation"]) for r in records if r["label"] != "routine")
    thin = {f"{f}/{p}": per[(f, p)] for f, ps in validate.PRESENTATIONS.items() for p in ps if per[(f, p)] < 40}
    assert thin == {}
    assert sum(per.values()) >= 2400


def test_corpus_routine_lookalikes_cover_every_family(records):
    validate = load("validate_en")
    routine = [r for r in records if r["label"] == "routine"]
    assert len(routine) >= 1600
    assert {r["lookalike_of"] for r in routine} == set(validate.PRESENTATIONS)


def test_corpus_build_is_deterministic_and_committed():
    compose = load("compose")
    for name, rows in compose.build().items():
        committed = (CORPUS / name).read_text(encoding="utf-8")
        assert committed == "".join(json.dumps(compose.public(r), ensure_ascii=False) + "\n" for r in rows)


def test_corpus_composed_share_stays_under_forty_percent():
    compose = load("compose")
    sources = compose.read_sources()
    hand = sum(len(compose.parse_hand(p, sources)) for p in (CORPUS / "hand").glob("en_*.txt"))
    total = sum(len(rows) for rows in compose.build().values())
    assert (total - hand) / total < 0.40
