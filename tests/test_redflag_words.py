"""The learned layer's word table (bot/redflag_words.py): the ids of the words it holds, however it grew."""

import threading

import numpy as np
import pytest

from bot import redflag_model as rm
from bot import redflag_words

VOCABULARY = {w: i for i, w in enumerate(
    ["knee", "swollen", "~fever", "#<kne", "#knee", "#wol", "#len>", "knee swollen", "12345"])}


def _table() -> redflag_words.WordTable:
    return redflag_words.WordTable(VOCABULARY, rm._grams)


def test_word_table_gives_each_word_its_ids_denied_form_and_grams():
    table = _table()
    words = ["knee", "fever", "swollen", "knee", "abc", "12345"]
    slots = table.slots(words)
    assert table.word[slots].tolist() == [0, -1, 1, 0, -1, 8]
    assert table.denied[slots].tolist() == [-1, 2, -1, -1, -1, -1]
    assert table.counts[slots].tolist() == [1, 1, 1, 1, 1, 0]  # a number is not a word
    want = [VOCABULARY.get(g, -1) for w in words if len(w) > 3 for g in rm._grams(w)]
    assert table.gram_ids_of(slots).tolist() == want
    assert table.gram_ids_of(slots[:0]).tolist() == []


def test_word_table_keeps_its_slots_while_it_grows():
    table = _table()
    first = table.slots(["knee", "swollen"]).tolist()
    many = [f"word{i}" for i in range(3000)]  # past the first arrays' size
    table.slots(many)
    assert table.slots(["knee", "swollen"]).tolist() == first
    assert table.gram_ids_of(table.slots(["swollen"])).tolist() == [VOCABULARY.get(g, -1) for g in rm._grams("swollen")]


def test_word_table_refuses_to_overfill(monkeypatch):
    monkeypatch.setattr(redflag_words, "CAPACITY", 3)
    table = _table()
    assert table.slots(["a", "b", "a"]) is not None
    assert table.slots(["c", "d"]) is None  # the caller starts a new table


def test_word_table_added_to_from_threads_gives_every_word_its_own_row():
    table = _table()
    batches = [[f"w{t}x{i}" for i in range(400)] + ["knee", "swollen"] for t in range(4)]
    threads = [threading.Thread(target=table.slots, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(table.slot.values()) == list(range(len(table.slot)))
    assert table.word[table.slots(["knee", "swollen", "w3x7"])].tolist() == [0, 1, -1]


@pytest.mark.parametrize("capacity", [2, 7, 65536])
def test_predict_text_is_predict_of_features_when_the_table_fills(monkeypatch, capacity):
    """A full table is replaced, and the scores stay those of predict(features())."""
    monkeypatch.setattr(redflag_words, "CAPACITY", capacity)
    size = len(VOCABULARY)
    rng = np.random.default_rng(1)
    model = rm.Model(dict(VOCABULARY), rng.random(size) + 1, rng.normal(size=(3, size)), rng.normal(size=3),
                     ["emergency/spine", "routine/routine", "urgent/infection"])
    for text, negated in [("knee swollen and sore", []), ("no fever, knee swollen 12345", [(2, 9)]),
                          ("swollen knee knee swollen", []), ("one two three four five six seven eight", [])]:
        assert model.predict_text(text, negated) == model.predict(rm.features(text, negated)), text
