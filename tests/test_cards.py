"""Answer cards (bot/cards.py) and clarifying questions (bot/clarify.py): why a card was chosen, one card per
post, a few marks at the terms that carried the match, and a question instead of cards for a vague message."""

from __future__ import annotations

import re
import tomllib

import pytest

from bot import cards, clarify
from bot.chat import respond
from bot.settings import BotSettings
from index import analysis, search

MARK = re.compile(r"<mark>(.*?)</mark>")
GOLFERS = "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"


@pytest.fixture(scope="module")
def index(built_index_dir):
    return search.load(built_index_dir)


def card(slug: str, heading: str, more: list[dict] | None = None) -> dict:
    """A minimal card of a post's section."""
    out = {"post_slug": slug, "section_heading": heading, "parent_heading": None,
           "section_url": f"https://blog.example/{slug}#{heading}", "score": 0.2}
    if more is not None:
        out["more_sections"] = more
    return out


def test_group_makes_one_card_per_post_best_section_first_in_first_seen_order():
    grouped = cards.group([card("a", "A1"), card("b", "B1"), card("a", "A2"), card("c", "C1"), card("a", "A3")])
    assert [(c["post_slug"], c["section_heading"]) for c in grouped] == [("a", "A1"), ("b", "B1"), ("c", "C1")]
    assert [s["section_heading"] for s in grouped[0]["more_sections"]] == ["A2", "A3"]
    assert grouped[1]["more_sections"] == []


def test_group_is_idempotent_and_merges_cards_that_already_have_links():
    once = cards.group([card("a", "A1"), card("a", "A2"), card("b", "B1")])
    assert cards.group(once) == once
    # A follow-up re-orders: a new lead section of post a, then a's earlier card with its link.
    merged = cards.group([card("a", "A3"), *once])
    assert [s["section_heading"] for s in merged[0]["more_sections"]] == ["A1", "A2"]
    assert len(merged) == 2


def test_flat_reads_cards_in_order_each_section_then_its_links():
    grouped = cards.group([card("a", "A1"), card("b", "B1"), card("a", "A2")])
    assert [(s["post_slug"], s["section_heading"]) for s in cards.flat(grouped)] == [
        ("a", "A1"), ("a", "A2"), ("b", "B1")]


def test_flat_leaves_out_a_link_the_page_cannot_draw():
    # static/chat.js draws a card's links only when they have an address: the scored order is what is drawn.
    grouped = cards.group([card("a", "A1"), {**card("a", "A2"), "section_url": None}, card("b", "B1")])
    assert [s["section_heading"] for s in cards.flat(grouped)] == ["A1", "B1"]


def test_answer_groups_sections_of_one_post_into_one_card(index):
    answer = respond("pain on the inside of my elbow when I grip things", index, BotSettings())
    slugs = [r["post_slug"] for r in answer["results"]]
    assert slugs[0] == GOLFERS and len(slugs) == len(set(slugs))
    assert answer["results"][0]["more_sections"]
    assert all(s["section_url"] for r in answer["results"] for s in r["more_sections"])


def test_reason_names_the_concepts_that_carried_the_match_in_plain_words(index):
    answer = respond("pain on the inside of my elbow when I grip things", index, BotSettings())
    first = answer["results"][0]
    assert first["reason"] == "Matched: inside of the elbow, gripping"
    assert first["matched_terms"] == ["inside of the elbow", "gripping"]
    # Never a stem, never a pain word.
    terms = {t for r in answer["results"] for t in r["matched_terms"]}
    assert not terms & {"elbow pain", "pain", "grip", "insid"}


def test_reason_uses_a_condition_s_name_only_when_the_visitor_did(index):
    named = respond("I think I have tennis elbow", index, BotSettings())["results"][0]
    assert "tennis elbow" in named["matched_terms"]
    described = respond("the outside of my elbow hurts when I lift my coffee", index, BotSettings())["results"][0]
    assert "tennis elbow" not in described["matched_terms"]
    assert "outside of the elbow" in described["matched_terms"]


def test_reason_is_in_the_answer_s_language(index):
    answer = respond("me duele el codo cuando agarro cosas", index, BotSettings())
    assert answer["lang"] == "es" and answer["results"]
    reason = answer["results"][0]["reason"]
    assert reason.startswith("Coincide con: ") and "codo" in reason


@pytest.mark.parametrize("message", [
    "pain on the inside of my elbow when I grip things",
    "my knee hurts going down stairs and when I squat, worse after long runs on hills",
    "my achilles has been sore for months, does shockwave actually help?",
    "what should I expect at my first visit, do I need a referral?",
])
def test_cards_mark_at_most_four_terms_and_never_a_pain_or_everyday_word(index, message):
    answer = respond(message, index, BotSettings())
    assert answer["results"]
    generic = cards.generic_stems()
    for result in answer["results"]:
        marks = MARK.findall(result["snippet_html"])
        assert len(marks) <= cards.MAX_MARKS
        assert not {analysis.stem(w.lower()) for m in marks for w in m.split()} & generic


def test_mark_spans_keeps_a_two_word_term_together():
    reading = cards.read("golfer's elbow", "golfer's elbow", "en", analysis.concepts("golfer's elbow"))
    found = [cards.Carrier("concept", "golfers_elbow", 1.0)]
    snippet = "Tennis elbow affects the outside. Golfer's elbow (medial epicondylitis) affects the inside."
    html = str(cards.mark(snippet, cards.mark_spans(snippet, found, reading)))
    assert MARK.findall(html) == ["Golfer&#39;s elbow"]


def test_every_lexicon_concept_has_plain_words_in_both_languages():
    data = tomllib.loads(cards.WORDS_PATH.read_text(encoding="utf-8"))
    labels = data["concept"]
    lexicon = analysis.lexicon()
    assert set(labels) <= set(lexicon.concepts), "card_words.toml names a concept the lexicon lacks"
    missing = [c for c in lexicon.concepts if not (labels.get(c, {}).get("en") and labels.get(c, {}).get("es"))]
    assert missing == []


@pytest.mark.parametrize("message", ["it hurts", "pain", "sore", "I'm in so much pain", "my whole body aches",
                                     "the pain is getting worse", "me duele mucho", "tengo dolor"])
def test_vague_message_gets_a_question_with_regions_instead_of_cards(index, message):
    answer = respond(message, index, BotSettings())
    assert answer["clarify"] is True
    assert answer["results"] == [] and answer["matched"] is False
    assert answer["follow_up"]["options"] and answer["context"]
    if answer["lang"] == "es":
        assert answer["follow_up"]["question"] == "¿Dónde lo siente?" and "Codo" in answer["follow_up"]["options"]
    else:
        assert "Elbow" in answer["follow_up"]["options"]


def test_a_tapped_option_is_answered_normally_with_the_vague_message(index):
    first = respond("I'm in so much pain", index, BotSettings())
    second = respond("Elbow", index, BotSettings(), context=first["context"])
    assert second["clarify"] is False and second["matched"] is True
    assert all("elbow" in r["post_slug"] or "elbow" in (r["section_heading"] or "").lower()
               for r in second["results"][:1])


@pytest.mark.parametrize("message", [
    "tendon pain", "pain while running", "tight hips and hamstrings", "are you open on weekends?",
    "my heel hurts first thing in the morning", "elbow pain", "do you take insurance?",
])
def test_ordinary_complaints_and_questions_are_never_asked_back(index, message):
    assert respond(message, index, BotSettings())["clarify"] is False


def test_is_vague_reads_concepts_and_words():
    assert clarify.is_vague("it really hurts a lot", [])
    assert not clarify.is_vague("it hurts when I type", [])  # a word that may match
    assert not clarify.is_vague("it hurts", ["knee"])


def test_red_flags_are_never_turned_into_a_question(index):
    answer = respond("crushing chest pain and short of breath", index, BotSettings())
    assert answer["triage"]["level"] == "emergency" and answer["clarify"] is False


def test_follow_up_cards_keep_one_card_per_post_and_say_why(index):
    from bot import followup, memory
    from web.conversation import stay_on_topic

    topic = memory.Topic("pain on the inside of my elbow when I grip things", ("elbow", "golfers_elbow"), "elbow")
    message = "what exercises can I do for it?"
    reply = respond(message, index, BotSettings(), context=followup.encode_context(topic.query(), topic.region))
    results = stay_on_topic(reply, index, topic, message)["results"]
    slugs = [r["post_slug"] for r in results]
    assert slugs[0] == GOLFERS and len(slugs) == len(set(slugs))
    assert results[0]["reason"].startswith("Matched: ") and "inside of the elbow" in results[0]["reason"]
