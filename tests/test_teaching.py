"""Lessons applied to later messages (bot/teaching.py): the same meaning, never the red-flag screen.

Messages here are written for these tests, not taken from the labelled eval sets.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot import teaching as lessons
from bot.chat import respond
from bot.redact import redact
from bot.settings import BotSettings
from index import search

CORRECTED = "the front of my lower leg aches after every jog"
PARAPHRASE = "my lower leg hurts at the front when I jog"
UNRELATED = "my shoulder hurts when I reach overhead"
TARGET_POST = "shockwave-therapy-for-runners-culver-city"
TARGET_HEADING = "Shin Splints (Medial Tibial Stress Syndrome)"
SETTINGS = BotSettings()


@pytest.fixture(scope="module")
def index(built_index_dir):
    """The bundled index, loaded once."""
    return search.load(built_index_dir)


@pytest.fixture(scope="module")
def target(index) -> dict:
    """A section that is not what the bot answers the shin messages with on its own."""
    return next(s for s in index.sections if s["post_slug"] == TARGET_POST and s["heading"] == TARGET_HEADING)


def correction(index, text: str, section: dict, number: int = 1) -> lessons.Correction:
    """A correction as the console makes it (redacted, read through the index)."""
    lang, terms, concepts = lessons.read_message(index, redact(text))
    return lessons.Correction(number, lang, terms, concepts, section["section_url"], section["post_slug"],
                              section["heading"])


def test_read_message_takes_the_reading_not_a_second_tokenising(index, monkeypatch):
    """A correction keeps the lexicon analyzer's terms of the corrected message, from its Reading."""
    from index import analysis

    message = redact("the front of my lowr leg aches after every jog")
    lang, terms, concepts = lessons.read_message(index, message)
    corrected = index.correct(message)
    assert terms == dict(Counter(analysis.analyze(corrected)))
    assert concepts == tuple(dict.fromkeys(analysis.concepts(corrected)))
    phrase = analysis.read("shin splints").stems

    def again(*args):
        raise AssertionError("the message was tokenised again")

    monkeypatch.setattr(analysis, "_tokens", again)
    assert lessons.read_message(index, message) == (lang, terms, concepts)
    assert lessons.check_phrase("shin splints") == lessons.Phrase(1, "en", "shin splints").stems == phrase


def first(answer: dict) -> tuple[str, str | None] | None:
    """The first card's post and heading."""
    return (answer["results"][0]["post_slug"], answer["results"][0]["section_heading"]) if answer["results"] else None


def ask(index, message: str, teaching=None) -> dict:
    return respond(message, index, SETTINGS, teaching=teaching)


def test_teaching_corrected_message_gets_the_chosen_section(index, target):
    assert first(ask(index, CORRECTED)) != (TARGET_POST, TARGET_HEADING)
    taught = lessons.Teaching([correction(index, CORRECTED, target)])
    answer = ask(index, CORRECTED, taught)
    assert answer["matched"] and first(answer) == (TARGET_POST, TARGET_HEADING)
    assert answer["follow_up"] is None  # the clinic said what answers it


def test_teaching_paraphrase_of_a_corrected_message_is_fixed(index, target):
    assert first(ask(index, PARAPHRASE)) != (TARGET_POST, TARGET_HEADING)
    taught = lessons.Teaching([correction(index, CORRECTED, target)])
    assert first(ask(index, PARAPHRASE, taught)) == (TARGET_POST, TARGET_HEADING)


@pytest.mark.parametrize("message", [UNRELATED, "my knee hurts going down stairs", "do you take insurance?",
                                     "me duele la espinilla cuando corro"])
def test_teaching_unrelated_or_other_language_message_is_unaffected(index, target, message):
    taught = lessons.Teaching([correction(index, CORRECTED, target)])
    assert ask(index, message, taught) == ask(index, message)


@pytest.mark.parametrize("message", [
    "the front of my lower leg aches after every jog and now I have crushing chest pain and can't breathe",
    "the front of my lower leg aches after jogging and my calf is hot, red and swollen since my long flight",
])
def test_teaching_never_overrides_the_red_flag_screen(index, target, message):
    taught = lessons.Teaching([correction(index, CORRECTED, target), correction(index, message, target, 2)])
    alone, with_lessons = ask(index, message), ask(index, message, taught)
    assert alone["triage"]["level"] in ("emergency", "urgent")
    assert with_lessons["triage"] == alone["triage"] and with_lessons["results"] == []


def test_teaching_contradicting_condition_is_not_a_paraphrase(index):
    golfers = next(s for s in index.sections if "golfers-elbow" in s["post_slug"])
    taught = lessons.Teaching([correction(index, "pain on the inside of my elbow when I grip a racket", golfers)])
    message = "tennis elbow pain on the outside of my elbow when I grip a racket"
    assert ask(index, message, taught) == ask(index, message)


def test_teaching_content_gap_question_in_words_the_blog_lacks_is_recognised_again(index):
    referral = next(s for s in index.sections if "referral" in (s["heading"] or "").lower())
    gap = "do you sell gift cards?"
    assert not ask(index, gap)["matched"]
    taught = lessons.Teaching([correction(index, gap, referral)])
    answer = ask(index, "can I buy a gift card for my mum", taught)
    assert answer["matched"] and answer["results"][0]["section_url"] == referral["section_url"]
    # Another shop question naming a body region is not the gift-card question again.
    braces = "do you sell knee braces?"
    assert ask(index, braces, taught) == ask(index, braces)


def test_teaching_spanish_correction_applies_to_spanish_only(index, target):
    spanish = "me duele la espinilla cuando corro"
    taught = lessons.Teaching([correction(index, spanish, target)])
    assert taught.corrections[0].lang == "es"
    assert first(ask(index, "me duele mucho la espinilla al correr", taught)) == (TARGET_POST, TARGET_HEADING)
    assert ask(index, "my shin hurts when I run", taught) == ask(index, "my shin hurts when I run")


def test_teaching_section_gone_from_the_index_is_skipped(index, target):
    gone = {**target, "section_url": "https://example.org/gone", "heading": "Not in this blog"}
    taught = lessons.Teaching([correction(index, CORRECTED, gone)])
    assert ask(index, CORRECTED, taught) == ask(index, CORRECTED)


def test_teaching_phrase_reads_as_its_concept(index):
    message = "my zinger flares up after a long run"
    assert "achilles" not in ask(index, message)["results"][0]["post_slug"]
    taught = lessons.Teaching([], [lessons.Phrase(1, "en", "zinger", concept_id="achilles")])
    answer = ask(index, message, taught)
    assert answer["matched"] and "achilles" in answer["results"][0]["post_slug"]
    # Not in another language, and not when the phrase is absent.
    assert ask(index, "el zinger me duele", taught) == ask(index, "el zinger me duele")
    assert ask(index, UNRELATED, taught) == ask(index, UNRELATED)


def test_teaching_phrase_meaning_a_post_leads_with_that_post(index):
    taught = lessons.Teaching([], [lessons.Phrase(1, "en", "squeaky hinge", post_slug=TARGET_POST)])
    answer = ask(index, "my squeaky hinge is acting up again", taught)
    assert answer["matched"] and answer["results"][0]["post_slug"] == TARGET_POST


@pytest.mark.parametrize("stems, wanted, found", [
    (["heel", "cord", "sore"], ("heel", "cord"), True),
    (["cord", "at", "heel"], ("heel", "cord"), True),
    (["heel", "a", "b", "c", "d", "cord"], ("heel", "cord"), False),
    (["heel"], ("heel", "cord"), False),
])
def test_teaching_contains_finds_phrase_words_close_together(stems, wanted, found):
    assert lessons.contains(stems, wanted) is found


@pytest.mark.parametrize("phrase", ["", "the of and", "   "])
def test_teaching_phrase_without_content_words_is_refused(phrase):
    with pytest.raises(lessons.TeachingError):
        lessons.check_phrase(phrase)


def test_teaching_concept_term_reads_as_its_concept():
    assert lessons.concept_term("achilles")
    with pytest.raises(lessons.TeachingError):
        lessons.concept_term("no_such_concept")
