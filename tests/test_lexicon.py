"""The lay-language lexicon: the bundled file loads, bad files fail clearly, patterns match as documented."""

from __future__ import annotations

import pytest

from index import analysis, lexicon
from index.lexicon import LexiconError


def test_lexicon_bundled_file_loads_with_regions_conditions_and_questions():
    loaded = analysis.lexicon()
    kinds = {c.kind for c in loaded.concepts.values()}
    assert {"region", "condition", "activity", "symptom", "topic", "service"} <= kinds
    for concept in loaded.concepts.values():
        if concept.region:
            assert loaded.concepts[concept.region].kind == "region"
    assert loaded.concepts["elbow"].question
    assert loaded.concepts["golfers_elbow"].option


@pytest.mark.parametrize(("data", "message"), [
    ({"concept": [{"id": "x", "kind": "nope", "terms": ["knee"]}]}, "'kind' must be one of"),
    ({"concept": [{"id": "x", "kind": "region", "terms": []}]}, "'terms' must be a non-empty list"),
    ({"concept": [{"id": "x", "kind": "region", "terms": ["$missing knee"]}]}, "unknown class $missing"),
    ({"concept": [{"id": "x", "kind": "region", "terms": ["the of and"]}]}, "has no content words"),
    ({"concept": [{"id": "x", "kind": "region", "terms": ["knee"]},
                  {"id": "x", "kind": "region", "terms": ["hip"]}]}, "defined twice"),
    ({"concept": [{"id": "x", "kind": "condition", "region": "y", "terms": ["knee"]}]}, "not a region concept"),
    ({"settings": {"window": 9}, "concept": []}, "settings.window"),
    ({"concept": [{"id": "x", "kind": "topic", "terms": ["go away"]}]}, "'go away' is only .*away.* without"),
    ({"concept": [{"id": "x", "kind": "topic", "terms": ["^keep running"]}]}, "'keep running' is only .*run.* without"),
])
def test_lexicon_parse_rejects_malformed_entries_naming_the_problem(data, message):
    with pytest.raises(LexiconError, match=message.replace("$", r"\$").replace("(", r"\(")):
        lexicon.parse(data, analysis.stems)


def test_lexicon_load_reports_unreadable_file(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text("[[concept]\n")
    with pytest.raises(LexiconError, match="cannot read lexicon"):
        lexicon.load(path, analysis.stems)


@pytest.fixture
def small():
    return lexicon.parse({
        "settings": {"window": 2},
        "classes": {"inner": ["inner", "inside", "medial"]},
        "concept": [
            {"id": "elbow", "kind": "region", "terms": ["elbow"]},
            {"id": "golfers", "kind": "condition", "region": "elbow", "terms": ["$inner elbow", "golfer's elbow"]},
        ],
    }, analysis.stems)


@pytest.mark.parametrize("text", [
    "the inner part of my elbow", "elbow, on the inside", "medial elbow pain", "Golfer’s elbow",
])
def test_lexicon_match_finds_pattern_in_any_order_within_window(small, text):
    assert "golfers" in small.match(analysis.stems(text))


def test_lexicon_match_ignores_words_too_far_apart(small):
    text = "inside the house I tripped over boxes, scraped elbow"
    assert "golfers" not in small.match(analysis.stems(text))


def test_lexicon_match_counts_each_occurrence_once(small):
    assert small.match(analysis.stems("golfer's elbow")).count("golfers") == 1


def test_lexicon_exact_term_needs_its_words_adjacent_and_in_order():
    exact = lexicon.parse({
        "classes": {"pain": ["pain", "hurt", "hurts", "sore"]},
        "concept": [{"id": "back", "kind": "region", "terms": ["^back $pain"]}],
    }, analysis.stems)
    assert exact.match(analysis.stems("my back hurts")) == ["back"]
    assert exact.match(analysis.stems("my back is sore")) == ["back"]
    assert exact.match(analysis.stems("back to running and my knee hurts")) == []
    assert exact.match(analysis.stems("it hurts in my back")) == []
    assert exact.match(analysis.stems("back")) == []


def test_lexicon_bundled_terms_never_reduce_to_one_common_word():
    """The bundled file loads under the rule; a regression would raise at start."""
    bundled = analysis.lexicon()
    single = {next(iter(slots[0])) for entries in bundled.patterns.values() for _, slots, _ in entries
              if len(slots) == 1}
    assert {"run", "hurt", "long", "away", "weight", "tight"}.isdisjoint(single)


@pytest.mark.parametrize(("text", "region"), [
    ("my back hurts when I bend to pick things up", "back"),
    ("I hurt my back lifting a box", "back"),
    ("my back is killing me", "back"),
    ("pain in the back of my knee", "knee"),
    ("the back of my left heel is sore", "heel_ankle"),
    ("back of the thigh feels tight", "thigh"),
])
def test_lexicon_bare_back_is_the_back_but_back_of_a_part_is_that_part(text, region):
    regions = [c for c in analysis.concepts(text) if analysis.lexicon().concepts[c].kind == "region"]
    assert regions and regions[0] == region, regions
