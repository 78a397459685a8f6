"""Typo tolerance: unknown words are corrected to close known words, and only then."""

from __future__ import annotations

import gc
import weakref

import pytest

from index import spelling
from index.spelling import Speller, deletes, edit_distance

COUNTS = {"shoulder": 40, "achilles": 30, "tendinitis": 10, "running": 50, "pain": 90, "hiking": 2,
          "biking": 9, "plain": 1, "knee": 80}


@pytest.fixture
def speller():
    return Speller(COUNTS)


@pytest.mark.parametrize(("typo", "word"), [
    ("sholder", "shoulder"), ("achilis", "achilles"), ("tendinitus", "tendinitis"), ("runnin", "running"),
    ("pian", "pain"),
])
def test_spelling_corrects_common_slips(speller, typo, word):
    assert speller.correct_word(typo) == word


@pytest.mark.parametrize("word", ["hiking", "knee", "the", "kne", "zzzzzzzz", "liking"])
def test_spelling_leaves_known_short_and_distant_words_alone(speller, word):
    assert speller.correct_word(word) == word


def test_spelling_requires_the_first_letter_to_agree(speller):
    assert speller.correct_word("hiking") == "hiking"
    assert speller.correct_word("xiking") == "xiking"


def test_spelling_correct_rewrites_a_whole_message(speller):
    assert speller.correct("Sholder pian") == "shoulder pain"


def test_spelling_dropped_speller_is_freed_with_its_cache():
    """Each index reload builds a Speller; the old one (and the index holding it) must go."""
    speller = Speller(COUNTS)
    assert speller.correct("Sholder pian, achilis") == "shoulder pain, achilles"
    assert speller.correct_word("runnin") == "running"
    freed = weakref.ref(speller)
    del speller
    gc.collect()
    assert freed() is None


def test_spelling_cache_stops_growing_at_its_bound(speller, monkeypatch):
    monkeypatch.setattr(spelling, "CACHE_WORDS", 3)
    words = ["sholder", "achilis", "runnin", "pian", "tendinitus"]
    assert [speller.correct_word(w) for w in words] == ["shoulder", "achilles", "running", "pain", "tendinitis"]
    assert [speller.correct_word(w) for w in words] == ["shoulder", "achilles", "running", "pain", "tendinitis"]
    assert len(speller._corrections) == 3


def test_spelling_edit_distance_counts_transpositions_once():
    assert edit_distance("pian", "pain", 2) == 1
    assert edit_distance("abcdef", "ghijkl", 2) == 3


def test_spelling_deletes_include_the_word_and_its_shortenings():
    assert {"knee", "kne", "nee", "ke"} <= deletes("knee", 2)


def test_spelling_index_corrects_messages_and_can_be_switched_off(built_index_dir):
    from index import search
    index = search.load(built_index_dir)
    assert "shoulder" in index.correct("my sholder hurts")
    index.correct_typos = False
    assert index.correct("my sholder hurts") == "my sholder hurts"


def test_spelling_overlong_word_is_left_alone_quickly():
    import time

    from index.spelling import MAX_WORD_CHARS, Speller

    speller = Speller({"knee": 3, "pain": 2})
    started = time.perf_counter()
    assert speller.correct_word("x" * 2000) == "x" * 2000
    assert speller.correct_word("k" + "n" * MAX_WORD_CHARS) == "k" + "n" * MAX_WORD_CHARS
    assert time.perf_counter() - started < 1.0
