"""Messages that are not a complaint: recognised whole, answered in their own words, after screening."""

from __future__ import annotations

import pytest

from bot import intents
from bot.chat import respond
from bot.followup import decode_context
from bot.settings import BotSettings
from index import search

SETTINGS = BotSettings(clinic_name="Victory PT", booking_url="https://example.com/book", phone="310-555-0100")


@pytest.fixture(scope="module")
def index(built_index_dir):
    return search.load(built_index_dir)


@pytest.mark.parametrize(("message", "intent"), [
    ("Hi!", "greeting"), ("hello there", "greeting"), ("Good morning", "greeting"),
    ("thanks!", "thanks"), ("Thank you so much for your help", "thanks"), ("ok", "thanks"),
    ("bye", "goodbye"), ("that's all, thanks", "goodbye"),
    ("Are you a real person?", "identity"), ("who am I talking to", "identity"),
    ("what can you do?", "capability"), ("how does this work", "capability"), ("help", "capability"),
    ("book an appointment", "booking"), ("I'd like to book an appointment please", "booking"),
    ("can I make an appointment", "booking"),
    ("what's your phone number", "contact"), ("how do I contact you", "contact"),
    ("can I talk to a real person", "contact"),
    ("it hurts", "where_it_hurts"), ("pain", "where_it_hurts"), ("I'm sore", "where_it_hurts"),
    ("I've got a lot of pain", "where_it_hurts"), ("ouch", "where_it_hurts"),
])
def test_recognise_whole_messages(message, intent):
    found = intents.recognise(message)
    assert found is not None and found.id == intent


@pytest.mark.parametrize("message", [
    "hi, my knee hurts", "thanks, but my elbow still hurts when I grip", "book an appointment for my shin splints",
    "it hurts on the outside of my knee", "pain in my heel in the morning", "can PT help with pain that won't go away",
    "my knee", "do you take insurance", "", "   ", "x" * 200,
])
def test_recognise_leaves_complaints_and_questions_to_matching(message):
    assert intents.recognise(message) is None


def test_bundled_intents_load_and_every_pattern_compiles():
    loaded = intents.load()
    assert {i.id for i in loaded} >= {"greeting", "thanks", "goodbye", "identity", "capability", "booking", "contact",
                                      "where_it_hurts"}
    assert all(i.patterns for i in loaded)


@pytest.mark.parametrize(("entry", "complaint"), [
    ({"id": "x", "kind": "reply", "patterns": ["hi"]}, "needs a reply"),
    ({"id": "x", "kind": "where", "patterns": ["hi"]}, "needs a question"),
    ({"id": "x", "kind": "shout", "patterns": ["hi"], "reply": "r"}, "'kind' must be one of"),
    ({"id": "x", "kind": "reply", "patterns": ["(unclosed"], "reply": "r"}, "does not compile"),
    ({"id": "x", "kind": "reply", "patterns": [], "reply": "r"}, "non-empty list"),
    ({"id": "not an id", "kind": "reply", "patterns": ["hi"], "reply": "r"}, "new identifier"),
])
def test_parse_rejects_malformed_intents_naming_the_problem(entry, complaint):
    with pytest.raises(intents.IntentsError, match=complaint):
        intents.parse({"intent": [entry]})


def test_parse_rejects_a_duplicate_id():
    entry = {"id": "x", "kind": "reply", "patterns": ["hi"], "reply": "r"}
    with pytest.raises(intents.IntentsError, match="new identifier"):
        intents.parse({"intent": [entry, entry]})


def test_reply_text_fills_clinic_booking_and_phone_only_when_known():
    booking = next(i for i in intents.load() if i.id == "booking")
    full = intents.reply_text(booking, "Victory PT", "https://example.com/book", "310-555-0100")
    assert "Victory PT" in full and "booking button" in full and "310-555-0100" in full
    bare = intents.reply_text(booking, "Victory PT", None, None)
    assert "booking button" not in bare and "call us" not in bare
    assert "button below to contact the clinic" in bare
    assert "{" not in full + bare


@pytest.mark.parametrize(("message", "intent"), [("Hi!", "greeting"), ("thanks", "thanks"),
                                                  ("book an appointment", "booking"),
                                                  ("what's your phone number", "contact")])
def test_respond_answers_an_intent_with_its_reply_buttons_and_notice_but_no_articles(index, message, intent):
    answer = respond(message, index, SETTINGS)
    assert answer["intent"] == intent
    assert answer["results"] == [] and answer["matched"] is False
    assert "don't have an article" not in answer["reply"]
    assert answer["triage"]["level"] == "none"
    assert answer["cta"]["url"] == "https://example.com/book"
    assert answer["disclaimer"]


def test_respond_asks_where_it_hurts_with_the_regions_the_posts_cover(index):
    answer = respond("it hurts", index, SETTINGS)
    assert answer["intent"] == "where_it_hurts" and answer["results"] == []
    options = answer["follow_up"]["options"]
    assert answer["follow_up"]["question"] == "Where do you feel it?"
    assert answer["reply"] != answer["follow_up"]["question"]  # the page shows both
    assert {"Knee", "Elbow", "Shoulder"} <= set(options)
    assert "Jaw" not in options and "Neck" not in options  # no post is about them
    assert decode_context(answer["context"]) == {"message": "it hurts", "region": None}


def test_respond_a_tapped_region_is_read_with_the_message_before_it_then_asks_which_part(index):
    first = respond("it hurts", index, SETTINGS)
    second = respond("Knee", index, SETTINGS, context=first["context"])
    assert second["intent"] is None and second["matched"] is True
    assert second["region"] == "knee"
    assert all("knee" in (r["post_title"] + r["section_heading"] + r["snippet_html"]).lower()
               for r in second["results"][:3])
    outside = "On the outside of the knee"
    assert outside in second["follow_up"]["options"]
    third = respond(outside, index, SETTINGS, context=second["context"])
    top = " ".join(f"{r['post_title']} {r['section_heading']}" for r in third["results"][:3]).lower()
    assert "it band" in top or "lateral knee" in top  # the outer-knee sections, from whichever post
    assert third["follow_up"] is None  # asked once per region


def test_respond_an_answer_to_a_follow_up_is_never_small_talk(index):
    first = respond("elbow pain", index, SETTINGS)
    assert first["follow_up"]
    second = respond("ok", index, SETTINGS, context=first["context"])
    assert second["intent"] is None


@pytest.mark.parametrize("message", ["help, I can't breathe", "help", "ok"])
def test_respond_screens_before_small_talk(index, message):
    answer = respond(message, index, SETTINGS)
    if "breathe" in message:
        assert answer["triage"]["level"] == "emergency" and answer["intent"] is None
    else:
        assert answer["triage"]["level"] == "none" and answer["intent"] is not None


def test_api_chat_answers_hi_with_a_greeting_and_logs_it_apart_from_unanswered(client, app):
    from datetime import timedelta

    from store import reports
    from store.models import utcnow
    from web import db

    today = utcnow().date()
    week = reports.Period(today - timedelta(days=6), today)

    response = client.post("/api/chat", json={"message": "Hi!"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["intent"] == "greeting" and body["results"] == []
    assert client.post("/api/chat", json={"message": "do you make custom orthotics for flat feet?"}).status_code == 200
    with db.session_scope(app) as session:
        report = reports.build(session, week)
        gaps = [text for _, text, _ in reports.gap_texts(session, week)]
    assert report.turns == 2 and report.small_talk == 1 and report.unmatched == 1
    assert gaps == ["do you make custom orthotics for flat feet?"]
