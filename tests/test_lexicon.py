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
