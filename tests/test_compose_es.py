"""The Spanish red-flag corpus: the committed JSONL is what compose_es.py builds, and it fits the contract."""

import importlib.util
import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "data" / "redflag_corpus"


@pytest.fixture(scope="module")
def compose():
    """The build script, loaded from its file (data/ is not a package)."""
    spec = importlib.util.spec_from_file_location("compose_es", CORPUS / "compose_es.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name):
    """Records of one committed JSONL file."""
    return [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["es_redflags.jsonl", "es_routine.jsonl"])
def test_compose_es_rebuild_matches_committed_files(compose, tmp_path, monkeypatch, name):
    """Someone who edits es_src/ and forgets to rebuild would train the model on stale data."""
    monkeypatch.setattr(compose, "HERE", tmp_path)
    (tmp_path / "es_src").symlink_to(CORPUS / "es_src")
    compose.main()
    assert (tmp_path / name).read_text(encoding="utf-8") == (CORPUS / name).read_text(encoding="utf-8")


def test_compose_es_check_passes_on_committed_files(compose, capsys):
    """Every line parses, fits the contract's ids and levels, no text repeats, 12+ per presentation."""
    compose.check_files()
    assert capsys.readouterr().out.rstrip().endswith("at least 12")


def test_compose_es_covers_every_presentation_of_every_family(compose):
    """Spanish must reach every family (issue 14, part 4), not only the common ones."""
    seen = {(r["family"], r["presentation"]) for r in read("es_redflags.jsonl")}
    wanted = {(f, p) for f, presentations in compose.CONTRACT.items() for p in presentations}
    assert wanted <= seen


def test_compose_es_negated_routine_messages_negate(compose):
    """A 'negated' look-alike has to list what is absent, or it teaches nothing about negation scope."""
    words = ("no ", "sin ", "nunca", "ni ", "niega", "nada", "nadie")
    negated = [r["text"] for r in read("es_routine.jsonl") if r["pattern"] == "negated"]
    assert len(negated) >= 60
    assert [t for t in negated if not any(w in t.lower() for w in words)] == []


def test_compose_es_typo_version_drops_accents_and_is_deterministic(compose):
    """Typed-on-the-phone copies carry no accents; the same seed gives the same copy."""
    import random

    text = "Tengo dolor de cabeza y no puedo mover el brazo, ¿qué hago? También vomité."
    first = compose.typo_version(text, random.Random(1))
    assert first == compose.typo_version(text, random.Random(1))
    assert not set("áéíóú¿") & set(first)
