"""Suggestion chips: chosen from what the clinic's posts cover, and every chip offered gets an article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import chat, starters
from bot.settings import BotSettings
from index import search
from index.live import build_from_feed
from tests.conftest import shared_path

WORDPRESS = ["atsurgical-category-back-pain.rss.xml", "atsurgical-category-guides-primers.rss.xml",
             "atsurgical-category-sports-injuries.rss.xml"]
CHIP = re.compile(r'<button type="button" class="chip">([^<]*)</button>')


class NothingCovered:
    def covers(self, concept_id: str) -> bool:
        return False


class Covers:
    def __init__(self, *ids: str):
        self.ids = set(ids)

    def covers(self, concept_id: str) -> bool:
        return concept_id in self.ids


def test_starters_file_is_valid_and_names_only_known_concepts():
    loaded = starters.load()
    assert len(loaded) >= 10
    assert {s.kind for s in loaded} == {"complaint", "question"}


@pytest.mark.parametrize("data, fault", [
    ({}, "at least one"),
    ({"starter": [{"text": "Knee pain", "needs": ["no_such_concept"]}]}, "unknown concept"),
    ({"starter": [{"text": "", "needs": ["knee"]}]}, "'text'"),
    ({"starter": [{"text": "Knee pain", "needs": []}]}, "'needs'"),
    ({"starter": [{"text": "Knee pain", "needs": ["knee"], "kind": "joke"}]}, "'kind'"),
])
def test_starters_file_faults_are_named(data, fault):
    with pytest.raises(starters.StartersError, match=fault):
        starters.parse(data)


def test_pick_offers_covered_complaints_then_one_question():
    candidates = starters.parse({"starter": [
        {"text": "Elbow hurts", "needs": ["golfers_elbow"]},
        {"text": "Knee hurts", "needs": ["it_band", "patellofemoral"]},
        {"text": "Referral?", "needs": ["direct_access"], "kind": "question"},
        {"text": "How long?", "needs": ["treatment_duration"], "kind": "question"},
        {"text": "Heel hurts", "needs": ["achilles"]},
    ]})
    index = Covers("patellofemoral", "achilles", "treatment_duration", "direct_access")
    assert starters.pick(index, candidates=candidates) == ["Knee hurts", "Heel hurts", "Referral?"]
    assert starters.pick(index, shown=2, candidates=candidates) == ["Knee hurts", "Referral?"]
    assert starters.pick(NothingCovered(), candidates=candidates) == []
    assert starters.pick(None, candidates=candidates) == []


def test_pick_configured_list_replaces_the_choice():
    assert starters.pick(NothingCovered(), " Sore  wrist | |Opening hours?") == ["Sore wrist", "Opening hours?"]
    assert starters.pick(NothingCovered(), ["a", "b", "c", "d", "e"]) == ["a", "b", "c", "d"]
    assert starters.pick(Covers("golfers_elbow"), "") == ["Inner elbow pain when I grip"]


def assert_every_chip_is_answered(index, chips):
    for text in chips:
        answer = chat.respond(text, index, BotSettings())
        assert answer["matched"] and answer["results"], f"chip {text!r} gets no article"
        assert answer["triage"]["level"] == "routine", f"chip {text!r} screens as {answer['triage']}"


def test_bundled_feed_chips_each_get_an_article(built_index_dir):
    index = search.load(built_index_dir)
    chips = starters.pick(index)
    assert len(chips) == starters.SHOWN
    assert_every_chip_is_answered(index, chips)


@pytest.fixture(scope="module")
def wordpress_indexes(tmp_path_factory):
    other = shared_path("extern", "other-feeds")
    indexes = {}
    for name in WORDPRESS:
        folder = tmp_path_factory.mktemp("wp") / "index"
        build_from_feed(str(Path(other) / name), folder)
        indexes[name] = search.load(folder)
    return indexes


@pytest.mark.parametrize("name", WORDPRESS)
def test_another_clinics_feed_gets_its_own_chips_each_answered(wordpress_indexes, name):
    index = wordpress_indexes[name]
    chips = starters.pick(index)
    assert chips, "a clinic blog about injuries should be offered at least one chip"
    assert_every_chip_is_answered(index, chips)
    covered = [s.text for s in starters.load() if any(index.covers(c) for c in s.needs)]
    assert set(chips) <= set(covered)
    complaints = [text for text in covered if text in {s.text for s in starters.load() if s.kind == "complaint"}]
    assert [chip for chip in chips if chip in complaints] == complaints[:len(chips) - (chips[-1] not in complaints)]


def test_chips_differ_by_feed(wordpress_indexes):
    back = starters.pick(wordpress_indexes["atsurgical-category-back-pain.rss.xml"])
    assert "Inner elbow pain when I grip" not in back
    assert any("back" in chip.lower() for chip in back)


@pytest.mark.parametrize("path", ["/", "/widget/frame"])
def test_pages_render_the_chips_picked_for_the_live_index(client, built_index_dir, path):
    html = client.get(path).get_data(as_text=True)
    assert CHIP.findall(html) == starters.pick(search.load(built_index_dir))


@pytest.mark.parametrize("path", ["/", "/widget/frame"])
def test_pages_render_configured_chips_escaped(app, path):
    app.config["STARTERS"] = "Sore <b>wrist</b>|Opening hours?"
    html = app.test_client().get(path).get_data(as_text=True)
    assert CHIP.findall(html) == ["Sore &lt;b&gt;wrist&lt;/b&gt;", "Opening hours?"]


@pytest.mark.parametrize("path", ["/", "/widget/frame"])
def test_pages_without_covered_chips_hide_the_chip_row(app, monkeypatch, path):
    monkeypatch.setattr(starters, "load", lambda path=None: ())
    html = app.test_client().get(path).get_data(as_text=True)
    assert CHIP.findall(html) == []
    assert re.search(r'<div class="starters" id="starters"[^>]*\bhidden>', html)
