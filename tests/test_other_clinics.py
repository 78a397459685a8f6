"""Another clinic's blog (three WordPress category feeds): lay questions get its posts, or an honest no.

The product must work for any clinic's feed by configuration. These questions are
written the way patients write, about what those posts cover and what they do not;
the bot must answer the first kind with the right post and abstain on the second
rather than stretch a passing mention into an answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import chat
from bot.settings import BotSettings
from index import search
from index.live import build_from_feed
from tests.conftest import shared_path

FEEDS = {"back": "atsurgical-category-back-pain.rss.xml", "guides": "atsurgical-category-guides-primers.rss.xml",
         "sports": "atsurgical-category-sports-injuries.rss.xml"}


@pytest.fixture(scope="module")
def clinics(tmp_path_factory):
    other = Path(shared_path("extern", "other-feeds"))
    built = {}
    for name, feed in FEEDS.items():
        folder = tmp_path_factory.mktemp(name) / "index"
        build_from_feed(str(other / feed), folder)
        built[name] = search.load(folder)
    return built


def first_title(answer: dict) -> str:
    return answer["results"][0]["post_title"] if answer["results"] else ""


@pytest.mark.parametrize(("feed", "message", "title_words"), [
    ("back", "my back hurts when I bend to pick things up", "back"),
    ("back", "my lower back aches since I got pregnant", "pregnan"),
    ("back", "is a heating pad any good for a sore back", "heating pad"),
    ("guides", "I sprained my wrist, how do I wrap it", "wrist"),
    ("guides", "rolled my ankle yesterday and it's swollen", "ankle"),
    ("guides", "the bottom of my foot hurts in the morning", "plantar fasciitis"),
    ("guides", "back of my heel hurts when I run", "achilles"),
    ("sports", "my elbow hurts after pitching", "pitching"),
    # A fresh head knock with a headache in a child is now "see a doctor today" (the learned red-flag
    # screen; CDC HEADS UP: a suspected concussion is seen by a health care provider): the matching
    # question is the return to play.
    ("sports", "how long until my daughter can play soccer again after her concussion", "concussion"),
])
def test_lay_question_gets_that_clinics_post(clinics, feed, message, title_words):
    answer = chat.respond(message, clinics[feed], BotSettings())
    assert answer["matched"], f"{message!r} abstained on the {feed} feed"
    assert title_words in first_title(answer).lower(), first_title(answer)


@pytest.mark.parametrize(("feed", "message"), [
    ("back", "the bottom of my foot hurts in the morning"),   # pregnancy posts mention swollen feet in passing
    ("back", "my elbow hurts after pitching"),
    ("back", "I rolled my ankle yesterday and it's swollen"),
    ("guides", "shoulder pain from throwing a baseball"),
    ("sports", "back pain during pregnancy, what exercises can I do"),
])
def test_question_the_clinic_never_wrote_about_gets_an_honest_no(clinics, feed, message):
    answer = chat.respond(message, clinics[feed], BotSettings())
    assert not answer["matched"] and answer["results"] == [], first_title(answer)
    assert answer["reply"].startswith("We don't have an article on that")
