"""Content gaps: group the questions the blog could not answer by what they are about.

Questions are vectorised with the index's tokenising and stemming
(index.analysis.words and stem), unigrams only: questions are short, and two of
them about parking share "park", rarely a bigram. They are grouped by
average-linkage agglomerative clustering on cosine distance, cut
at a fixed distance (Manning, Raghavan & Schütze, Introduction to Information
Retrieval, ch. 17, hierarchical agglomerative clustering). Unlike k-means it
needs no number of clusters and leaves one-off questions as groups of one.

A Spanish question is read in English first (index.spanish.gloss, as the chat
reads it) and every question also carries the lexicon concepts it names, so
"do you take insurance?" and "¿aceptan mi seguro?" fall in one group. Pure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from index import spanish
from index.analysis import concepts, stem, words

#: Questions closer than this (1 - cosine similarity) share a group; 0.8 groups
#: questions that share their main content words ("gift card", "parking").
DISTANCE_THRESHOLD = 0.8
MAX_EXAMPLES = 3
#: Words that say nothing about the topic: redaction placeholders and front-desk note phrasing.
LABEL_NOISE = frozenset({
    "name", "phone", "email", "address", "date", "want", "wants", "wanted", "help", "know", "called", "call",
    "left", "ask", "asked", "asks", "please", "hi", "hello", "thanks", "thank", "need", "wondering", "question",
    "no", "not", "yes",
})


@dataclass(frozen=True)
class Gap:
    """One group of similar unanswered questions, with how many were asked in each language."""

    label: str
    count: int
    examples: tuple[str, ...]
    languages: tuple[tuple[str, int], ...] = ()


@lru_cache(maxsize=4096)
def _reading(text: str) -> tuple[str, str]:
    """(language, the question in English): a Spanish question through its gloss."""
    lang = spanish.detect(text)
    return lang, (spanish.gloss(text) if lang == "es" else text)


def stems(text: str) -> list[str]:
    """Stemmed English content words of a question and the concepts it names (module-level: picklable)."""
    english = _reading(text)[1]
    return [stem(w) for w in words(english)] + [f"concept:{c}" for c in concepts(english)]


def _label(texts: list[str]) -> str:
    """The two or three content words the group's questions share most (in English)."""
    counts = Counter()
    for text in texts:
        counts.update(set(words(_reading(text)[1])) - LABEL_NOISE)
    common = [w for w, n in counts.most_common(3) if n >= max(1, (len(texts) + 1) // 2)]
    return ", ".join(common or [w for w, _ in counts.most_common(2)]) or "(no content words)"


def cluster(texts: list[str], threshold: float = DISTANCE_THRESHOLD) -> list[Gap]:
    """Groups of similar questions, largest first; each with a count and example wordings."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return []
    contentful = [t for t in texts if stems(t)]
    empty = [t for t in texts if not stems(t)]
    groups: list[list[str]] = []
    if len(contentful) == 1:
        groups.append(contentful)
    elif contentful:
        matrix = TfidfVectorizer(analyzer=stems, sublinear_tf=True).fit_transform(contentful)
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=threshold).fit_predict(np.asarray(matrix.todense()))
        by_label: dict[int, list[str]] = {}
        for label, text in zip(labels, contentful, strict=True):
            by_label.setdefault(int(label), []).append(text)
        groups.extend(by_label.values())
    if empty:
        groups.append(empty)
    gaps = []
    for group in groups:
        distinct = list(dict.fromkeys(group))
        langs = Counter(_reading(t)[0] for t in group)
        gaps.append(Gap(_label(group), len(group), _examples(distinct), tuple(sorted(langs.items()))))
    return sorted(gaps, key=lambda g: (-g.count, g.label))


def _examples(distinct: list[str]) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES wordings, at least one in each language the group was asked in."""
    firsts = list({_reading(t)[0]: t for t in reversed(distinct)}.values())[::-1]
    rest = [t for t in distinct if t not in firsts]
    return tuple(sorted((firsts + rest)[:MAX_EXAMPLES], key=distinct.index))
