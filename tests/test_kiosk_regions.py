"""The kiosk's region picker data: validation and the taps-to-message rule."""

from __future__ import annotations

import itertools

import pytest

from bot.kiosk_regions import (
    MAX_FOLLOW_UPS,
    RegionsError,
    compose_query,
    load_regions,
    parse_regions,
)

EXPECTED_LABELS = [
    "Neck", "Shoulder", "Elbow", "Wrist and hand", "Upper back", "Lower back", "Hip", "Thigh", "Knee",
    "Shin", "Calf", "Ankle and foot", "Heel and Achilles", "Something else",
]


def _region(**overrides) -> dict:
    """A valid region entry to break one field at a time."""
    entry = {"id": "elbow", "label": "Elbow", "words": "elbow pain",
             "follow_up": [{"question": "Which side?", "option": [{"label": "Inside", "words": "inner"},
                                                                 {"label": "Outside", "words": "outer"}]}]}
    entry.update(overrides)
    return entry


def test_load_regions_bundled_file_has_every_issue_region_in_order():
    regions = load_regions()
    assert [r.label for r in regions] == EXPECTED_LABELS
    assert len({r.id for r in regions}) == len(regions)
    for region in regions:
        assert len(region.follow_ups) <= MAX_FOLLOW_UPS
        for follow_up in region.follow_ups:
            assert follow_up.question.endswith("?")
            assert len(follow_up.options) >= 2


def test_load_regions_bundled_paths_compose_non_empty_messages_except_unsure_something_else():
    for region in load_regions():
        choices = [[None, *range(len(f.options))] for f in region.follow_ups]
        for answers in itertools.product(*choices):
            message = compose_query(region, list(answers))
            if region.id == "other" and answers == (None,):
                assert message == ""  # the kiosk asks the visitor to type instead
            else:
                assert message.strip(), (region.id, answers)


@pytest.mark.parametrize(("entry", "error"), [
    (_region(id="Elbow!"), "'id' must be lowercase"),
    (_region(label=""), "'label' must not be empty"),
    (_region(label=3), "'label' must be a string"),
    (_region(words="", follow_up=[]), "needs a follow-up question"),
    (_region(follow_up=[{"question": "Q?", "option": [{"label": "a", "words": "a"}]}]), "at least two options"),
    (_region(follow_up=[_region()["follow_up"][0]] * 3), "at most 2 follow-up questions"),
    (_region(follow_up=[{"question": "", "option": _region()["follow_up"][0]["option"]}]),
     "'question' must not be empty"),
])
def test_parse_regions_rejects_bad_entry_naming_it(entry, error):
    with pytest.raises(RegionsError, match=error):
        parse_regions({"region": [entry]})


def test_parse_regions_rejects_duplicate_ids_and_empty_file():
    with pytest.raises(RegionsError, match="duplicate id 'elbow'"):
        parse_regions({"region": [_region(), _region()]})
    with pytest.raises(RegionsError, match="no \\[\\[region\\]\\] entries"):
        parse_regions({})


def test_load_regions_bad_toml_and_missing_file_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[region]\nid = ")
    with pytest.raises(RegionsError, match="not valid TOML"):
        load_regions(bad)
    with pytest.raises(RegionsError, match="cannot read regions file"):
        load_regions(tmp_path / "missing.toml")


def test_compose_query_joins_region_and_chosen_words_skipping_unsure():
    region = parse_regions({"region": [_region(follow_up=[
        _region()["follow_up"][0],
        {"question": "When?", "option": [{"label": "Gripping", "words": "gripping carrying"},
                                          {"label": "No", "words": ""}]},
    ])]})[0]
    assert compose_query(region, []) == "elbow pain"
    assert compose_query(region, [0, 0]) == "elbow pain inner gripping carrying"
    assert compose_query(region, [None, 0]) == "elbow pain gripping carrying"
    assert compose_query(region, [1, 1]) == "elbow pain outer"
    with pytest.raises(ValueError, match="more answers"):
        compose_query(region, [0, 0, 0])


def test_parse_regions_normalises_whitespace_in_words():
    region = parse_regions({"region": [_region(words="  elbow \n  pain ")]})[0]
    assert region.words == "elbow pain"
    assert region.public()["follow_ups"][0]["options"][0] == {"label": "Inside", "words": "inner"}


def test_one_regions_file_for_kiosk_and_desk_with_lexicon_ids():
    """Each fact once: the kiosk's and the desk's regions are one file's entries, ids spelled the lexicon's way."""
    from bot import desk, regions
    from index import analysis

    entries = regions.load()
    ids = [e["id"] for e in entries]
    assert [r.id for r in load_regions()] == [i for i in ids if "kiosk" in entries[ids.index(i)]]
    assert [r.id for r in desk.load_regions()] == [i for i in ids if "desk" in entries[ids.index(i)]]
    lexicon = {c.id for c in analysis.lexicon().by_kind("region")}
    for entry in entries:
        assert set(entry.get("lexicon", [])) <= lexicon, entry["id"]
        assert entry["id"] in lexicon or entry.get("lexicon") or entry["id"] == "other", entry["id"]
    assert desk.RegionsError is regions.RegionsError is RegionsError  # one error class
