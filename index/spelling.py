"""Typo tolerance: correct a visitor's misspelt words against the words the index knows.

Visitors type "sholder", "achilis", "tendinitus", "runnin". A word the index has
never seen cannot match anything, so before analysis each unknown word is
replaced by the closest known word (the clinic's own posts plus the lexicon),
when one is close enough to be a slip of the fingers and not a different word:

- Damerau-Levenshtein distance (adjacent transpositions count 1): at most 1 for
  words of 4 to 6 letters, 2 from 7 letters on; shorter words are left alone;
- the first letter must agree (people rarely mistype it, and it keeps "hiking"
  from turning into "biking");
- ties go to the word used most often in the posts.

Candidates come from a symmetric-delete index (SymSpell, Garbe 2012): every
known word is stored under each string obtained by deleting up to two letters,
so a lookup costs a few dictionary probes instead of a scan of the vocabulary.
"""

from __future__ import annotations

import re
from itertools import combinations

from index.analysis import STOP_WORDS, fold

WORD = re.compile(r"[a-z]+")
MIN_LENGTH = 4


#: Longest word typo correction looks at ("electrophysiological" is 20).
MAX_WORD_CHARS = 24

#: Corrections a Speller remembers; visitor text is unbounded, its cache is not.
CACHE_WORDS = 4096


def max_distance(word: str) -> int:
    """How many edits a word of this length may be away from its correction."""
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) <= 6 else 2


#: Letter keys of a keyboard by row (QWERTY; Spanish keyboards put "ñ" after "l"), each row
#: shifted half a key right of the one above.
KEY_ROWS = ("qwertyuiop", "asdfghjklñ", "zxcvbnm")
_KEYS = {key: (row, col + row / 2) for row, keys in enumerate(KEY_ROWS) for col, key in enumerate(keys)}


def slip(a: str, b: str) -> bool:
    """True when ``b`` typed for ``a`` is a slip of the finger: the keys touch ("espakda" for "espalda")."""
    if a not in _KEYS or b not in _KEYS:
        return False
    (row_a, col_a), (row_b, col_b) = _KEYS[a], _KEYS[b]
    return abs(row_a - row_b) <= 1 and abs(col_a - col_b) <= 1


def deletes(word: str, distance: int) -> set[str]:
    """All strings made by deleting up to ``distance`` letters of word (the word included)."""
    out = {word}
    for k in range(1, distance + 1):
        if len(word) - k < 2:
            break
        for positions in combinations(range(len(word)), k):
            out.add("".join(ch for i, ch in enumerate(word) if i not in positions))
    return out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up (returning limit + 1) past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Speller:
    """Corrects unknown words to known ones; built from word counts, queried per message."""

    def __init__(self, counts: dict[str, int]):
        self.counts = {w: c for w, c in counts.items() if w.isalpha()}
        self._index: dict[str, list[str]] | None = None
        # The instance's own cache, so it goes with the Speller: a functools.lru_cache on the
        # method kept every Speller (and its index) alive across index reloads.
        self._corrections: dict[str, str] = {}

    def _deletes_index(self) -> dict[str, list[str]]:
        """Built on first use: most messages are spelt well enough not to need it."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for word in self.counts:
                for key in deletes(word, max_distance(word) or 1):
                    index.setdefault(key, []).append(word)
            self._index = index
        return self._index

    def known(self, word: str) -> bool:
        """True when the word needs no correction."""
        return word in self.counts or word in STOP_WORDS or len(word) < MIN_LENGTH

    def correct_word(self, word: str) -> str:
        """The closest known word, or the word itself when none is close enough."""
        corrected = self._corrections.get(word)
        if corrected is None:
            corrected = self._closest(word)
            if len(self._corrections) < CACHE_WORDS:
                self._corrections[word] = corrected
        return corrected

    def _closest(self, word: str) -> str:
        """correct_word's answer, computed."""
        if self.known(word) or not word.isalpha() or len(word) > MAX_WORD_CHARS:
            # Past MAX_WORD_CHARS no real word is meant, and the delete variants of a long
            # string grow with its length squared: "x" * 2000 took minutes to not correct.
            return word
        limit = max_distance(word)
        index = self._deletes_index()
        best: tuple[int, int, str] | None = None
        for key in deletes(word, limit):
            for candidate in index.get(key, ()):
                if candidate[0] != word[0]:
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance > limit:
                    continue
                rank = (distance, -self.counts[candidate], candidate)
                if best is None or rank < best:
                    best = rank
        return best[2] if best else word

    def correct(self, text: str) -> str:
        """The text with each unknown word replaced by its correction, folded to lower case."""
        known = self._corrections  # answered without a call when already corrected once
        return WORD.sub(lambda m: known.get(m.group(0)) or self.correct_word(m.group(0)), fold(text))
