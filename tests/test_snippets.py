"""Snippets: the sentences of a section that explain a match, with the message's telling words marked."""

from __future__ import annotations

import re
import tomllib

import pytest

from bot import snippets
from bot.chat import respond
from bot.settings import BotSettings
from index import analysis, search

MARK = re.compile(r"<mark>(.*?)</mark>", re.IGNORECASE)


@pytest.fixture(scope="module")
def index(built_index_dir):
    return search.load(built_index_dir)


def lexicon_named_stems() -> set[str]:
    """Stems the lexicon reads on their own as a body region, condition, symptom or activity.

    A one-word term names one; a class slot ($pain, $grip, $inner...) names one in every member.
    """
    lexicon = analysis.lexicon()
    named: set[str] = set()
    for candidates in lexicon.patterns.values():
        for concept_id, slots, _ in candidates:
            if lexicon.concepts[concept_id].kind in ("topic", "service"):
                continue
            if len(slots) == 1:
                named |= slots[0]
            named |= {stem for slot in slots if len(slot) > 1 for stem in slot}
    return named


def test_plain_words_every_word_reaches_the_analyzer_and_none_names_a_complaint():
    data = tomllib.loads(snippets.PLAIN_WORDS.read_text(encoding="utf-8"))
    listed = [word for group in data["words"].values() for word in group]
    assert len(listed) > 150
    assert [w for w in listed if not analysis.stems(w)] == []  # a stop word is dropped before; listing it is dead
    named = lexicon_named_stems()
    # "typing" stems to "type" and "lateral" to "later": listing either would hide a complaint word.
    assert sorted(w for w in listed if set(analysis.stems(w)) & named) == []


def test_query_stems_leave_out_everyday_words():
    stems = snippets.query_stems("my knee has been going downhill since I started trying to run more after work, "
                                 "is that normal?")
    assert {"knee", "run", analysis.stem("downhill")} <= stems
    plain = {analysis.stem(w) for w in ("going", "since", "started", "trying", "after", "work", "normal")}
    assert stems & plain == set()


def test_query_stems_keep_every_complaint_word_of_the_lexicon():
    message = "sharp pain on the inner elbow when gripping or typing, and my lateral knee aches"
    expected = {analysis.stem(w) for w in ("sharp", "pain", "inner", "elbow", "gripping", "typing", "lateral",
                                           "knee", "aches")}
    assert expected <= snippets.query_stems(message)


def test_best_sentences_cuts_the_snippet_from_the_complaint_not_the_small_talk():
    text = ("Most people who start going to the gym after a long break feel better within a week. "
            "Pain on the inner elbow when gripping is the classic sign of golfer's elbow.")
    stems = snippets.query_stems("I started going to the gym again after a break and my inner elbow hurts when I grip")
    snippet = snippets.best_sentences(text, stems, max_chars=90)
    assert snippet.startswith("Pain on the inner elbow")


@pytest.mark.parametrize("message, telling", [
    ("my knee has been going downhill since I started trying to run more after work, is that normal?",
     {"knee", "run"}),
    ("my heel hurts first thing in the morning after I get out of bed", {"heel"}),
    ("what should I expect at my first visit, do I need a referral?", {"visit"}),
    ("my achilles has been sore for months, does shockwave actually help?", {"achill", "shockwav"}),
])
def test_mark_highlights_the_complaint_and_never_an_everyday_word(index, message, telling):
    data = tomllib.loads(snippets.PLAIN_WORDS.read_text(encoding="utf-8"))
    plain = {stem for group in data["words"].values() for word in group for stem in analysis.stems(word)}
    answer = respond(message, index, BotSettings())
    assert answer["results"]
    # A mark may hold a term of two words ("Achilles tendinopathy"): each word counts.
    marked = {analysis.stem(w.lower()) for r in answer["results"] for m in MARK.findall(r["snippet_html"])
              for w in m.split()}
    assert marked & plain == set()
    assert telling <= marked


def test_mark_escapes_everything_but_its_own_tags():
    html = str(snippets.mark('Grip <b>hard</b> & "pain"', snippets.query_stems("grip pain")))
    assert html == "<mark>Grip</mark> &lt;b&gt;hard&lt;/b&gt; &amp; &#34;<mark>pain</mark>&#34;"
