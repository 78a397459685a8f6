"""The one text analyzer used to index sections and to read visitor messages.

It is a module-level function so a fitted vectorizer that refers to it loads in
any process, and so indexing and querying can never drift apart. Only NLTK's
data-free parts are used (regexp tokenising, the Snowball stemmer): nothing is
downloaded at build, run or test time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_STEMMER = SnowballStemmer("english")

#: Stop words that carry meaning in a pain description: where ("back", "front",
#: "side", "behind"), direction ("up", "down" stairs or hills), and negation.
KEEP = {
    "back", "front", "side", "behind", "up", "down", "over", "under", "top", "bottom",
    "inside", "outside", "across", "around", "before", "after", "first", "above", "below",
    "no", "not", "never", "without", "off", "out", "fire", "full", "bill", "well", "move",
}
STOP_WORDS = frozenset(w for w in ENGLISH_STOP_WORDS if w not in KEEP) | {
    "im", "ive", "id", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "really", "just",
    "lot", "lately", "like", "feel", "feels", "thing", "things", "got", "get", "gets", "s",
}
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_TOKENS = 400


def fold(text: str) -> str:
    """Lowercase, strip accents and unify quotes so 'Golfer’s' == "golfer's"."""
    if text.isascii():  # nothing to decompose or unify: skip the per-character pass (build speed)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem, cached: the vocabulary is small and repeats constantly."""
    return _STEMMER.stem(word)


def words(text: str) -> list[str]:
    """Content words of a text, unstemmed, possessives and stop words removed."""
    out = []
    for token in TOKEN.findall(fold(text)):
        if token.endswith("'s"):
            token = token[:-2]
        token = token.replace("'", "")
        if token and token not in STOP_WORDS and not (len(token) == 1 and not token.isdigit()):
            out.append(token)
        if len(out) >= MAX_TOKENS:
            break
    return out


def analyze(text: str) -> list[str]:
    """Stemmed unigrams plus adjacent-pair bigrams ("tennis elbow", "outer knee").

    Bigrams let "tennis elbow" outrank a section that merely says "tennis" and
    "elbow" far apart, without a phrase dictionary.
    """
    stems = [stem(w) for w in words(text)]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]
