"""Follow-up questions for region-only complaints, and the client-carried context of the second turn."""

from __future__ import annotations

import base64

import pytest

from bot import followup
from bot.chat import respond
from bot.settings import BotSettings
from index import analysis, search


@pytest.fixture(scope="module")
def index(built_index_dir):
    return search.load(built_index_dir)


def test_followup_asks_about_a_region_named_alone(index):
    answer = respond("elbow pain", index, BotSettings())
    assert answer["matched"] is True
    assert answer["region"] == "elbow"
    assert answer["follow_up"]["question"] == analysis.lexicon().concepts["elbow"].question
    assert len(answer["follow_up"]["options"]) >= 2
    assert answer["results"], "a follow-up comes with the best results so far"
    assert answer["context"]


def test_followup_not_asked_when_the_condition_is_named(index):
    answer = respond("golfer's elbow", index, BotSettings())
    assert answer["follow_up"] is None
    assert answer["context"] is None
    assert answer["region"] == "elbow"


@pytest.mark.parametrize(("option_index", "slug_part"), [(0, "golfers-elbow"), (1, "tennis-elbow")])
def test_followup_second_turn_is_read_with_the_first_message(index, option_index, slug_part):
    first = respond("elbow pain", index, BotSettings())
    option = first["follow_up"]["options"][option_index]
    second = respond(option, index, BotSettings(), context=first["context"])
    assert second["matched"] is True
    assert slug_part in second["results"][0]["post_slug"]
    assert second["follow_up"] is None
    assert second["region"] == "elbow"


@pytest.mark.parametrize("context", [
    "", "not base64 !!", base64.urlsafe_b64encode(b"[1,2]").decode(),
    base64.urlsafe_b64encode(b'{"v": 99, "m": "elbow"}').decode(),
    base64.urlsafe_b64encode(b'{"v": 1, "m": 5}').decode(), "A" * 5000,
])
def test_followup_decode_context_ignores_foreign_or_malformed_strings(context):
    assert followup.decode_context(context) is None


def test_followup_context_round_trips_and_drops_unknown_regions():
    assert followup.decode_context(followup.encode_context("knee pain", "knee")) == {
        "message": "knee pain", "region": "knee"}
    assert followup.decode_context(followup.encode_context("knee pain", "nowhere"))["region"] is None


def test_followup_context_never_skips_screening(index):
    first = respond("elbow pain", index, BotSettings())
    answer = respond("I'm thinking about ending my life", index, BotSettings(), context=first["context"])
    assert answer["triage"]["level"] == "emergency"
    assert answer["results"] == []


def test_followup_api_accepts_context_and_returns_it(client):
    first = client.post("/api/chat", json={"message": "knee pain"})
    assert first.status_code == 200
    body = first.get_json()
    assert body["follow_up"] and body["context"] and body["region"] == "knee"
    second = client.post("/api/chat", json={"message": body["follow_up"]["options"][0], "context": body["context"]})
    assert second.status_code == 200
    assert second.get_json()["matched"] is True


def test_followup_snippets_mark_the_clinical_words_a_lay_message_matched(index):
    answer = respond("the pinky side of my elbow hurts when I carry groceries", index, BotSettings())
    marked = " ".join(r["snippet_html"] for r in answer["results"]).lower()
    assert "<mark>golfer" in marked or "<mark>medial" in marked
