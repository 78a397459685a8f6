"""Each word's vocabulary ids for the learned red-flag layer, looked up once per process and kept as arrays.

bot/redflag_model.py scores a message from its words' features: the word, the
word pair, its character 4-grams, or "~word" when denied. A long story holds
some 400 words, mostly words seen before; a Python step per word and feature
would cost more than the scoring. Here each word seen gets a row (a slot):
its id, its denied form's id, whether it counts as a word, and where its
4-grams' ids lie in one flat array. A message's ids are then a few numpy
gathers over its words' slots, whatever its length.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import repeat

import numpy as np

#: Words kept; visitor text is unbounded, so a full table is replaced by an empty one (Model.predict_text).
CAPACITY = 65536


class WordTable:
    """Slots for the words seen so far, with their ids as arrays (-1: not in the vocabulary).

    Safe across threads: words are added under a lock, each row written before
    its slot is published, and arrays only grow, so a slot read once stays
    valid; a full table is never cleared but replaced (slots() gives None).
    """

    def __init__(self, vocabulary: dict[str, int], grams: Callable[[str], tuple[str, ...]]) -> None:
        self.vocabulary, self.grams = vocabulary, grams
        self.slot: dict[str, int] = {}
        size = 1024
        self.word = np.empty(size, dtype=np.int64)     # the word's id
        self.denied = np.empty(size, dtype=np.int64)   # the id of "~word"
        self.counts = np.empty(size, dtype=np.int64)   # 1 when it counts as a word (not all digits)
        self.start = np.empty(size, dtype=np.int64)    # where its 4-grams' ids begin in gram_ids
        self.length = np.empty(size, dtype=np.int64)   # how many 4-grams (none for words of 3 letters or fewer)
        self.gram_ids = np.empty(4 * size, dtype=np.int64)
        self.used = 0  # ids in gram_ids
        self._lock = threading.Lock()

    def slots(self, words: list[str]) -> np.ndarray | None:
        """Each word's slot, adding the words not seen before; None when they would overfill the table (an empty
        table takes any one message's words)."""
        found = np.fromiter(map(self.slot.get, words, repeat(-1)), dtype=np.intp, count=len(words))
        if len(found) and found.min() < 0:
            with self._lock:
                new = {w for w in words if w not in self.slot}
                if self.slot and len(self.slot) + len(new) > CAPACITY:
                    return None
                for word in sorted(new):
                    self._add(word)
            found = np.fromiter(map(self.slot.__getitem__, words), dtype=np.intp, count=len(words))
        return found

    def _add(self, word: str) -> None:
        vocabulary, n = self.vocabulary, len(self.slot)
        grams = [vocabulary.get(g, -1) for g in self.grams(word)] if len(word) > 3 else []
        if n == len(self.word):
            for name in ("word", "denied", "counts", "start", "length"):
                setattr(self, name, np.resize(getattr(self, name), 2 * n))
        if self.used + len(grams) > len(self.gram_ids):
            self.gram_ids = np.resize(self.gram_ids, 2 * (self.used + len(grams)))
        self.word[n], self.denied[n] = vocabulary.get(word, -1), vocabulary.get("~" + word, -1)
        self.counts[n], self.start[n], self.length[n] = not word.isdigit(), self.used, len(grams)
        self.gram_ids[self.used:self.used + len(grams)] = grams
        self.used += len(grams)
        self.slot[word] = n  # last: a reader that finds the slot finds its row written

    def gram_ids_of(self, slots: np.ndarray) -> np.ndarray:
        """The 4-grams' ids of the words in these slots, word after word."""
        length = self.length[slots]
        ends = np.cumsum(length)
        # each word's run of positions in gram_ids: its start, then one more per gram
        offsets = np.repeat(self.start[slots] - (ends - length), length)
        return self.gram_ids[offsets + np.arange(int(ends[-1]) if len(ends) else 0)]
