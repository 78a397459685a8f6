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


def test_corpus_composition_of_a_presentation_ignores_the_others():
    """Rows added to one presentation leave every other presentation's composed rows unchanged."""
    compose = load("compose")
    parts = compose.read_parts()
    header = {"family": "spine", "presentation": "cauda_equina", "label": "emergency",
              "source": "NHS", "lookalike_of": None}
    group = [compose.make_record(header, f"My back hurts and I cannot feel the toilet paper, day {n}.", "plain")
             for n in range(10)]
    alone = compose.composed_for(group, parts, compose.rng_for("spine", "cauda_equina"), set())
    other = dict(header, family="pregnancy", presentation="ectopic")
    compose.composed_for([compose.make_record(other, "Pregnant with shoulder tip pain.", "plain")] * 5,
                         parts, compose.rng_for("pregnancy", "ectopic"), set())
    again = compose.composed_for(group, parts, compose.rng_for("spine", "cauda_equina"), set())
    assert [r["text"] for r in alone] == [r["text"] for r in again]
    assert len(alone) == 6


def test_corpus_spanish_composition_of_a_presentation_ignores_the_others():
    """compose_es: a row added under one header changes no other header's composed rows."""
    compose_es = load("compose_es")
    cauda = ("spine", "cauda_equina", "emergency", None)
    ectopic = ("pregnancy", "ectopic", "emergency", None)
    items = [(cauda, "plain", f"Me duele la espalda y no siento al limpiarme, dia {n}", "x") for n in range(4)]
    items += [(ectopic, "plain", f"Estoy embarazada y me duele la punta del hombro, dia {n}", "x") for n in range(4)]
    before = [r for r in compose_es.compose(items, compose_es.redflag_plan) if r[0] == cauda]
    items.append((ectopic, "plain", "Prueba positiva y me desmaye con dolor de un lado", "x"))
    after = compose_es.compose(items, compose_es.redflag_plan)
    assert [r for r in after if r[0] == cauda] == before
    assert len([r for r in after if r[0] == ectopic]) == 5
