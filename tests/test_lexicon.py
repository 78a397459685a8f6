"""The lay-language lexicon: the bundled file loads, bad files fail clearly, patterns match as documented."""

from __future__ import annotations

import pytest

from index import analysis, lexicon
from index.lexicon import LexiconError
from tests import oracles


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


def test_lexicon_match_shortcuts_find_exactly_what_trying_every_pattern_finds():
    import random

    from index import analysis

    lexicon = analysis.lexicon()
    vocabulary = sorted({stem for slots in (s for entries in lexicon.patterns.values() for _, s, _ in entries)
                         for slot in slots for stem in slot})
    filler = ["the", "walk", "day", "sharp", "after", "left", "work"]
    rng = random.Random(8)
    matched = 0
    for _ in range(3000):
        stems = [rng.choice(vocabulary if rng.random() < 0.6 else filler) for _ in range(rng.randint(1, 14))]
        want = oracles.lexicon_match(lexicon, stems)
        assert lexicon.match(stems) == want, stems
        matched += bool(want)
        cut = rng.randint(0, len(stems))
        # stop=k: the occurrences starting before k, which is how a build reuses a field's matches.
        assert lexicon.match(stems, stop=cut) + lexicon.match(stems[cut:]) == want
    assert matched > 1000  # the sequences exercise the patterns, not just the fast path


@pytest.mark.parametrize(("text", "concept", "absent"), [
    # Sciatica is named apart from a sore low back, in UK and US lay words.
    ("the GP says it is a trapped nerve", "sciatica", "low_back_pain"),
    ("pinched nerve with pain shooting down my leg", "sciatica", "low_back_pain"),
    ("put my back out lifting a box", "low_back_pain", "sciatica"),
    ("can I do the exercises at home, is there a video?", "home_exercise", None),
    ("my knees hurt on long walks in the hills", "walking", None),
    ("hillwalking with trekking poles", "walking", None),
    # Ice or heat at home, said in phrases: the ice on a pavement is not it.
    ("heating pad or ice pack for a stiff back?", "ice_heat", None),
    ("slipped on the ice and hurt my wrist", "wrist_hand", "ice_heat"),
    # What people rub on or soak in at home is a care topic of its own.
    ("do epsom salt baths help sore muscles?", "rubs_and_soaks", None),
    ("is tiger balm any good for a stiff neck", "rubs_and_soaks", None),
    # "keep getting hurt" is said in that order: "getting out of bed hurts" is no running injury.
    ("I keep getting hurt when I play", "running_injury", None),
    ("getting out of bed hurts my back", "back", "running_injury"),
])
def test_lexicon_general_vocabulary_names_the_concept(text, concept, absent):
    found = analysis.concepts(text)
    assert concept in found
    assert absent is None or absent not in found
