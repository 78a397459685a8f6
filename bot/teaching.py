"""What the clinic taught the bot, applied to later messages with the same meaning.

Two kinds of lesson, made by staff on the console (web/staff/teaching.py) and
kept in the database (store/teaching.py); this module is pure (no Flask, no IO):

- A correction: "this message should have been answered with that section".
  The corrected message is kept as its reading (the analyzer's terms and the
  lexicon concepts), and a later message whose TF-IDF vector over the live
  index's vocabulary is close enough to it (cosine >= SIMILARITY, naming no
  condition, service or region it did not) gets the chosen section first. Weights come from the live
  index's idf at the time of use, so a rebuilt index needs no re-teaching.
- A phrase: "heel cord" means the concept ``achilles`` (the message is read
  with one of the concept's own lexicon terms added, as a lexicon synonym
  would be), or means a post (its title is added and its best section leads).

Both only ever act on the ranking of a message the red-flag screen let through
(bot/chat.py calls them after screening), and only for messages in the
language the lesson was made in: a Spanish message is not read through an
English lesson nor the other way round.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from bot import matcher
from index import analysis, spanish
from index.lexicon import PREFIX
from index.search import QUERY_CONCEPT_WEIGHT

#: Cosine between a message and a corrected message above which the correction applies.
#: Calibrated by `python -m bench.teaching --calibrate` on the "tuning" and "tuning-2"
#: lay phrasings (tests/data/lay_phrasings.jsonl; the validation set and the labelled eval
#: sets are not used): at 0.40 none of 3,040 pairs of questions about different posts reaches
#: it (3 at 0.35), against 40 % of the pairs about the same post (docs/teaching.md).
SIMILARITY = 0.40
#: Kinds of concept that must agree: a message about tennis elbow is not a paraphrase of one
#: about golfer's elbow however many other words they share.
EXCLUSIVE_KINDS = (("condition", "service"), ("region",))
#: Sections a message may have pinned first by corrections (the closest first).
MAX_PINNED = 2
#: Words within which a phrase's words must all appear (any order), beyond the phrase's own length.
PHRASE_SLACK = 2


class TeachingError(ValueError):
    """A lesson that cannot be made (an empty phrase, an unknown concept); the message says why."""


@dataclass(frozen=True)
class Correction:
    """A corrected message's reading and the section it should get."""

    id: int
    lang: str
    #: Analyzer term -> count in the (redacted) corrected message.
    terms: dict[str, int]
    concepts: tuple[str, ...]
    section_url: str
    post_slug: str
    heading: str | None = None


@dataclass(frozen=True)
class Phrase:
    """A clinic's own phrase and what it means: a lexicon concept or a post."""

    id: int
    lang: str
    phrase: str
    concept_id: str | None = None
    post_slug: str | None = None

    @property
    def stems(self) -> tuple[str, ...]:
        """The phrase's content words, stemmed as the analyzer does."""
        return analysis.read(self.phrase).stems


def reading(heard: analysis.Reading) -> tuple[dict[str, int], tuple[str, ...]]:
    """A message as a correction keeps it: analyzer term counts and lexicon concepts.

    ``heard`` is the message read against the index (analysis.read: typos corrected, a Spanish
    message's English gloss); the lexicon analyzer's terms of its corrected text, not tokenised again.
    """
    terms = analysis.analyze_stems(list(heard.corrected_stems), concepts=list(heard.concepts))
    concepts = tuple(dict.fromkeys(t[len(PREFIX):] for t in terms if t.startswith(PREFIX)))
    return dict(Counter(terms)), concepts


def read_message(index, redacted: str) -> tuple[str, dict[str, int], tuple[str, ...]]:
    """A message to correct as a correction keeps it: its language, term counts and concepts.

    Read as the chat reads it: typos corrected against the index, a Spanish message through its gloss.
    """
    lang = spanish.detect(redacted)
    terms, concepts = reading(analysis.read(spanish.gloss(redacted) if lang == "es" else redacted, index))
    return lang, terms, concepts


def concept_term(concept_id: str) -> str:
    """A term of the concept that the analyzer reads as that concept: what a phrase adds to a message."""
    concept = analysis.lexicon().concepts.get(concept_id)
    if concept is None:
        raise TeachingError(f"there is no concept {concept_id!r} in the lexicon")
    for term in concept.terms:
        if concept_id in analysis.concepts(term):
            return term
    raise TeachingError(f"no term of the concept {concept_id!r} reads as it")


def check_phrase(phrase: str) -> tuple[str, ...]:
    """The phrase's stems; TeachingError when it has no content word to look for."""
    stems = analysis.read(phrase).stems
    if not stems:
        raise TeachingError("the phrase needs at least one word that is not a stop word")
    return stems


def contains(stems: list[str], wanted: tuple[str, ...]) -> bool:
    """True when every wanted stem appears within a window of len(wanted) + PHRASE_SLACK words."""
    if not wanted or len(stems) < len(wanted):
        return False
    need = Counter(wanted)
    width = len(wanted) + PHRASE_SLACK
    for start, stem in enumerate(stems):
        if stem not in need:
            continue
        if not need - Counter(stems[start:start + width]):
            return True
    return False


def compatible(message: Iterable[str], corrected: Iterable[str]) -> bool:
    """False when a message names a condition, service or region that the corrected message does not.

    "Do you sell knee braces?" is not "do you sell gift cards?" again, however alike the two
    read; "my lower leg hurts when I jog" may be "my lower leg aches after every jog".
    """
    concepts = analysis.lexicon().concepts
    message, corrected = set(message), set(corrected)
    for kinds in EXCLUSIVE_KINDS:
        x = {c for c in message if c in concepts and concepts[c].kind in kinds}
        y = {c for c in corrected if c in concepts and concepts[c].kind in kinds}
        if x and not x & y:
            return False
    return True


@dataclass
class _Compiled:
    """The corrections as one sparse matrix over one index version's columns, and its section maps."""

    matrix: sp.csr_matrix
    #: Terms of corrections the index has no column for -> [(row, weight)]: a content gap's words.
    unseen: dict[str, list[tuple[int, float]]]
    rows: list[Correction]
    by_url: dict[str, int]
    by_heading: dict[tuple[str, str], int]
    by_post: dict[str, int]


@dataclass
class Lesson:
    """What the lessons did to one message: its reading, the sections pinned first and why."""

    read: str
    pinned: list[int] = field(default_factory=list)
    corrections: list[int] = field(default_factory=list)
    phrases: list[int] = field(default_factory=list)
    similarity: float = 0.0


class Teaching:
    """The active lessons of a clinic, applied to messages (bot/chat.py)."""

    def __init__(self, corrections: Iterable[Correction] = (), phrases: Iterable[Phrase] = (), version=None):
        self.corrections = list(corrections)
        self.phrases = list(phrases)
        self.version = version
        self._compiled: dict[str, _Compiled] = {}

    def __bool__(self) -> bool:
        return bool(self.corrections or self.phrases)

    def _compile(self, index) -> _Compiled:
        """Correction vectors weighted by this index's idf, and where each target section now is."""
        found = self._compiled.get(index.version)
        if found is not None:
            return found
        by_url: dict[str, int] = {}
        by_heading: dict[tuple[str, str], int] = {}
        by_post: dict[str, int] = {}
        for number, section in enumerate(index.sections):
            by_url.setdefault(section["section_url"], number)
            by_heading.setdefault((section["post_slug"], section["heading"] or ""), number)
            by_post.setdefault(section["post_slug"], number)
        rows, cols, data = [], [], []
        unseen: dict[str, list[tuple[int, float]]] = {}
        for row, correction in enumerate(self.corrections):
            weights, others = _weights(index, correction.terms)
            for col, weight in weights.items():
                rows.append(row)
                cols.append(col)
                data.append(weight)
            for term, weight in others.items():
                unseen.setdefault(term, []).append((row, weight))
        matrix = sp.csr_matrix((np.array(data, dtype=np.float32), (rows, cols)),
                               shape=(len(self.corrections), index.matrix.shape[1]))
        found = _Compiled(matrix, unseen, self.corrections, by_url, by_heading, by_post)
        self._compiled = {index.version: found}  # one live version at a time
        return found

    def section_of(self, index, correction: Correction) -> int | None:
        """The correction's section in this index: by link, else by post and heading; None when gone."""
        compiled = self._compile(index)
        found = compiled.by_url.get(correction.section_url)
        if found is None:
            found = compiled.by_heading.get((correction.post_slug, correction.heading or ""))
        return found

    def read(self, index, message: str, read: str, lang: str) -> Lesson:
        """The message as the ranking should read it: ``read`` plus what the clinic's phrases mean.

        ``message`` is the visitor's own words (phrases are found there, in its
        language); ``read`` is what the index reads (an English gloss for Spanish).
        """
        lesson = Lesson(read)
        if not self.phrases:
            return lesson
        said = list(analysis.read(message).stems)
        added = []
        for phrase in self.phrases:
            if phrase.lang != lang or not contains(said, phrase.stems):
                continue
            if phrase.concept_id:
                try:
                    added.append(concept_term(phrase.concept_id))
                except TeachingError:  # the concept left the lexicon: the phrase means nothing now
                    continue
            elif phrase.post_slug:
                number = self._compile(index).by_post.get(phrase.post_slug)
                if number is None:
                    continue
                added.append(index.sections[number]["post_title"])
            lesson.phrases.append(phrase.id)
        if added:
            lesson.read = f"{read} {' '.join(added)}"
        return lesson

    def similarity(self, index, text: str) -> tuple[np.ndarray, list[str]]:
        """Cosine of a message (as the index reads it) to every correction, and the message's concepts."""
        compiled = self._compile(index)
        terms = Counter(analysis.read(text, index).terms)
        weights, others = _weights(index, terms)
        vector = np.zeros(index.matrix.shape[1], dtype=np.float32)
        if weights:
            vector[np.fromiter(weights, dtype=np.int64)] = np.fromiter(weights.values(), dtype=np.float32)
        found = np.asarray(compiled.matrix @ vector, dtype=np.float64)
        for term, weight in others.items():
            for row, own in compiled.unseen.get(term, ()):
                found[row] += weight * own
        return found, [t[len(PREFIX):] for t in terms if t.startswith(PREFIX)]

    def pins(self, index, lesson: Lesson, lang: str) -> Lesson:
        """Fill ``lesson.pinned``: sections of phrases' posts and of corrections close enough to the message."""
        compiled = self._compile(index) if (self.corrections or lesson.phrases) else None
        if compiled is None:
            return lesson
        for phrase in self.phrases:
            if phrase.id in lesson.phrases and phrase.post_slug:
                best = _best_of_post(index, compiled.by_post[phrase.post_slug], lesson.read)
                if best is not None:
                    lesson.pinned.append(best)
        if self.corrections:
            similarity, concepts = self.similarity(index, lesson.read)
            for row in np.argsort(-similarity, kind="stable"):
                correction = compiled.rows[int(row)]
                score = float(similarity[row])
                if score < SIMILARITY or len(lesson.corrections) >= MAX_PINNED:
                    break
                if correction.lang != lang or not compatible(concepts, correction.concepts):
                    continue
                section = self.section_of(index, correction)
                if section is None:
                    continue
                lesson.corrections.append(correction.id)
                lesson.similarity = max(lesson.similarity, score)
                lesson.pinned.append(section)
        lesson.pinned = list(dict.fromkeys(lesson.pinned))[:MAX_PINNED]
        return lesson


def _weights(index, terms: dict[str, int]) -> tuple[dict[int, float], dict[str, float]]:
    """A term-count reading as one unit TF-IDF vector: weights of the index's columns, and of other terms.

    Columns weigh as Index.query_vector weighs them (concepts QUERY_CONCEPT_WEIGHT times their idf).
    A word the blog never uses (a content gap's "gift", "card") gets the idf of a term in no section,
    so a question the blog cannot answer can still be recognised when it comes again; word pairs
    the blog never uses are left out.
    """
    names = list(terms)
    unseen_idf = math.log(1 + index.matrix.shape[0]) + 1.0
    weights: dict[int, float] = {}
    others: dict[str, float] = {}
    for name, col in zip(names, index.columns(names), strict=True):
        tf = 1.0 + math.log(terms[name])
        if col is not None:
            weights[col] = weights.get(col, 0.0) + tf * float(index.query_idf[col])
        elif " " not in name:  # a word pair the blog never uses is chance, not meaning
            others[name] = tf * unseen_idf * (QUERY_CONCEPT_WEIGHT if name.startswith(PREFIX) else 1.0)
    norm = math.sqrt(sum(w * w for w in weights.values()) + sum(w * w for w in others.values()))
    if not norm:
        return {}, {}
    return {col: w / norm for col, w in weights.items()}, {term: w / norm for term, w in others.items()}


def _best_of_post(index, first: int, read: str) -> int | None:
    """The post's section that scores best for the message (its first when none scores)."""
    rows = index.rows_of_post(int(index.section_posts[first]))
    if not len(rows):
        return None
    scores = index.vector_scores(index.terms_vector(analysis.read(read, index).terms))[rows]
    return int(rows[int(np.argmax(scores))]) if scores.max() > 0 else int(rows[0])


def pin(index, ranking: matcher.Ranking, sections: list[int], limit: int) -> matcher.Ranking:
    """The ranking with the taught sections first; it is an answer even where the bot abstained.

    Sections of the same passage group as a pinned one are dropped (one card per section).
    """
    if not sections:
        return ranking
    groups = getattr(index, "section_groups", None)

    def group(section_id: int):
        return int(groups[section_id]) if groups is not None else section_id

    taken = {group(s) for s in sections}
    own = {m.section_id: m.score for m in ranking.matches}
    top = max(ranking.best_score, matcher.MIN_SCORE)
    pinned = [matcher.Match(s, own.get(s, top)) for s in sections]
    rest = [m for m in ranking.matches if group(m.section_id) not in taken]
    return replace(ranking, matches=(pinned + rest)[:limit], best_score=top, uncovered=[],
                   names_covered_condition=True)
