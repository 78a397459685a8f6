"""Answer cards a patient can trust at a glance: why each was chosen, a few marks, one card per post.

A card used to mark every word it shared with the message (ten marks, "pain"
among them) and say nothing of why it was offered; three sections of one post
came as three cards. Here:

- ``carriers``: the message's lexicon concepts and words that a section's score
  actually rests on (the section's TF-IDF weight of the term times the query's
  idf weight), strongest first; everyday and pain words never count.
- ``reason``: "Matched: inside of the elbow, gripping", the strongest carriers in
  plain words (data/card_words.toml), in the answer's language. A condition is
  described by where it is felt unless the visitor named it.
- ``mark``: at most MAX_MARKS marks in the snippet, one per carrier, at the
  words where it occurs (a concept where the lexicon finds it: "medial
  epicondylitis" is one mark).
- ``group``: sections of one post become one card, best section first, the
  others as links (``more_sections``).

Pure: no Flask, no IO beyond the data files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from markupsafe import Markup, escape

from bot import snippets
from index import analysis
from index.datafile import read_toml
from index.lexicon import PREFIX

WORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "card_words.toml"
LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.toml"
#: Marks in one snippet at most: the terms that carried the match, not every shared word.
MAX_MARKS = 4
#: Terms a reason names at most.
MAX_REASON_TERMS = 3
#: A term weighing less than this share of the strongest one did not carry the match: it is neither named nor marked.
CARRIER_FLOOR = 0.1
#: Longest run of words one mark covers ("medial epicondylitis", "lower back pain").
MAX_MARK_WORDS = 3
#: Words after a concept's first word that lexicon matching may need (its slots plus the window).
MATCH_REACH = 10


@lru_cache(maxsize=1)
def words() -> dict:
    """data/card_words.toml, read once."""
    return read_toml(WORDS_PATH, what="card words")


@lru_cache(maxsize=1)
def pain_stems() -> frozenset[str]:
    """Stems of the lexicon's pain words ("hurts", "sore"): every complaint has one, so none explains a card."""
    data = read_toml(LEXICON_PATH, what="lexicon")
    return frozenset(s for word in data.get("classes", {}).get("pain", []) for s in analysis.stems(word))


def generic_stems() -> frozenset[str]:
    """Stems that never carry a card: everyday words and pain words."""
    return snippets.plain_stems() | pain_stems()


@lru_cache(maxsize=1)
def concept_universe() -> dict[str, frozenset[str]]:
    """Every stem that can fill a slot of one of a concept's terms, by concept id."""
    universe: dict[str, set[str]] = {}
    for candidates in analysis.lexicon().patterns.values():
        for concept_id, slots, _ in candidates:
            universe.setdefault(concept_id, set()).update(*slots)
    return {concept_id: frozenset(stems) for concept_id, stems in universe.items()}


@dataclass
class Reading:
    """What a message said that can explain a card, read once per answer.

    ``words``: stem -> the word as the visitor wrote it (English only: a Spanish
    message's English gloss is not the visitor's wording). ``stems``: what a
    snippet's sentences are chosen by (the message's words and its conditions'
    terms, as before). ``message``: the visitor's own text, to tell whether they
    named a condition themselves.
    """

    concepts: tuple[str, ...]
    words: dict[str, str]
    stems: set[str]
    lang: str = "en"
    message: str = ""
    #: The stems of ``message`` when already read (analysis.Reading.stems), so no card reads it again.
    said: tuple[str, ...] | None = None
    _columns: dict = field(default_factory=dict, repr=False)

    def terms(self) -> list[tuple[str, str]]:
        """(kind, key) of every term that may carry a card: ("concept", id) and ("word", stem)."""
        found = [("concept", c) for c in dict.fromkeys(self.concepts)]
        return found + [("word", s) for s in self.words]

    def columns(self, index) -> tuple[list[tuple[str, str]], list[int]]:
        """The terms the index has, with their matrix columns (looked up once per index)."""
        key = id(index)
        if key not in self._columns:
            terms = self.terms()
            names = [PREFIX + k if kind == "concept" else k for kind, k in terms]
            pairs = [(t, c) for t, c in zip(terms, index.columns(names), strict=True) if c is not None]
            self._columns[key] = ([t for t, _ in pairs], [c for _, c in pairs])
        return self._columns[key]


def read(text: str | analysis.Reading, message: str | analysis.Reading, lang: str, concepts) -> Reading:
    """The Reading of a message: ``text`` is what was ranked (corrected, a Spanish message's gloss).

    Either may be given as its analysis.Reading (bot/chat.py does): ``text``'s corrected
    words and ``message``'s stems are then taken from it, not tokenised again.
    """
    generic = generic_stems()
    found: dict[str, str] = {}
    ranked = text.corrected_words if isinstance(text, analysis.Reading) else analysis.words(text)
    for word in ranked:
        stemmed = analysis.stem(word)
        if stemmed not in generic and not stemmed.isdigit():
            found.setdefault(stemmed, word)
    stems = set(found) | snippets.concept_stems(list(concepts))
    said = None
    if isinstance(message, analysis.Reading):
        message, said = message.text, message.stems
    return Reading(tuple(concepts), found if lang == "en" else {}, stems, lang, message, said)


@dataclass(frozen=True)
class Carrier:
    """One term a section's score rests on: a concept or a message word, how much, and how to say it."""

    kind: str
    key: str
    weight: float


def _weight(index, col: int, section_id: int) -> float:
    """A section's TF-IDF weight of one term, read from the column-major matrix's arrays (no sparse slicing)."""
    matrix = index.matrix_csc
    start, end = int(matrix.indptr[col]), int(matrix.indptr[col + 1])
    rows = matrix.indices[start:end]
    if matrix.has_sorted_indices:
        at = int(np.searchsorted(rows, section_id))
        return float(matrix.data[start + at]) if at < len(rows) and rows[at] == section_id else 0.0
    hits = np.flatnonzero(rows == section_id)
    return float(matrix.data[start + hits[0]]) if len(hits) else 0.0


def carriers(index, section_id: int, reading: Reading) -> list[Carrier]:
    """The message's terms the section contains, by their share of its score, strongest first.

    A word the visitor wrote that a carrying concept already reads ("grip" of
    gripping, "elbow" of golfer's elbow) is left to the concept.
    """
    terms, cols = reading.columns(index)
    if not cols:
        return []
    found = [Carrier(kind, key, _weight(index, col, section_id) * float(index.query_idf[col]))
             for (kind, key), col in zip(terms, cols, strict=True)]
    found = [c for c in found if c.weight > 0]
    found.sort(key=lambda c: -c.weight)
    if found:
        found = [c for c in found if c.weight >= CARRIER_FLOOR * found[0].weight]
    universe = concept_universe()
    concepts = [c.key for c in found if c.kind == "concept"]
    covered = set().union(*(universe.get(c, frozenset()) for c in concepts)) if concepts else set()
    return [c for c in found if c.kind == "concept" or c.key not in covered]


def _named(concept_id: str, entry: dict, reading: Reading) -> bool:
    """True when the visitor used the condition's own name ("tennis elbow"), words in order."""
    name = entry.get(f"named_{reading.lang}")
    if not name:
        return False
    if reading.lang == "en":
        said = list(reading.said) if reading.said is not None else analysis.stems(reading.message)
        wanted = _name_stems(name)
    else:
        said, wanted = analysis.fold(reading.message).split(), analysis.fold(name).split()
    return bool(wanted) and any(said[i:i + len(wanted)] == wanted for i in range(len(said)))


@lru_cache(maxsize=1024)
def _name_stems(name: str) -> list[str]:
    """A condition's own name (data/card_words.toml), stemmed once per process."""
    return analysis.stems(name)


def label(carrier: Carrier, reading: Reading) -> str | None:
    """A carrier in plain words in the answer's language, or None when it cannot be said there."""
    if carrier.kind == "word":
        return reading.words.get(carrier.key)
    entry = words().get("concept", {}).get(carrier.key)
    if entry is None:
        concept = analysis.lexicon().concepts.get(carrier.key)
        return concept.label if concept is not None and reading.lang == "en" else None
    if _named(carrier.key, entry, reading):
        return entry[f"named_{reading.lang}"]
    return entry.get(reading.lang)


def said_regions(found: list[Carrier]) -> set[str]:
    """The regions that a carrying condition already says ("inside of the elbow" says elbow)."""
    lexicon = analysis.lexicon()
    return {lexicon.concepts[c.key].region for c in found
            if c.kind == "concept" and c.key in lexicon.concepts and lexicon.concepts[c.key].region}


def reason_terms(found: list[Carrier], reading: Reading) -> list[str]:
    """The few plain terms a card's reason names: no region a carrying condition of it already says."""
    said = said_regions(found)
    out: list[str] = []
    for carrier in found:
        if carrier.kind == "concept" and carrier.key in said:
            continue
        text = label(carrier, reading)
        if text and text not in out:
            out.append(text)
        if len(out) == MAX_REASON_TERMS:
            break
    return out


def reason(terms: list[str], lang: str) -> str | None:
    """"Matched: inside of the elbow, gripping" in the answer's language; None with nothing to name."""
    if not terms:
        return None
    template = words()["reason"].get(lang) or words()["reason"]["en"]
    return template.format(terms=", ".join(terms))


def _tokens(snippet: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) of each content word of a snippet, in order (stop words left out)."""
    out = []
    for match in snippets.WORD.finditer(snippet):
        stemmed = snippets.token_stem(match.group(0))
        if stemmed is not None:
            out.append((match.start(), match.end(), stemmed))
    return out


def _concept_starts(stems: list[str]) -> list[set[str]]:
    """For each word, the concepts whose occurrence begins there (the lexicon's own matching)."""
    lexicon = analysis.lexicon()
    return [set(lexicon.match(stems[i:i + MATCH_REACH], stop=1)) if stems[i] in lexicon.patterns else set()
            for i in range(len(stems))]


def _telling(concept_id: str) -> frozenset[str]:
    """The stems that can say a concept: its own, less pain and everyday words."""
    return concept_universe().get(concept_id, frozenset()) - generic_stems()


@lru_cache(maxsize=1)
def _spread() -> dict[str, int]:
    """How many concepts each stem can fill a slot of: the fewer, the more a word says which concept it is."""
    counts: dict[str, int] = {}
    for stems in concept_universe().values():
        for stem in stems:
            counts[stem] = counts.get(stem, 0) + 1
    return counts


def _concept_at(carrier: Carrier, stems: list[str], starts: list[set[str]], used: set[int],
                reading: Reading) -> int | None:
    """Where to mark a concept: the telling word of its first occurrence that says most which concept it is.

    The lexicon files an occurrence under its leftmost word, often a pain or
    place word ("pain around the kneecap"), or a word of the sentence before
    ("... the extensor tendons. Golfer's elbow"): the mark goes on the word of
    the window that belongs to fewest concepts ("kneecap", "Golfer's"), the
    visitor's own word first.
    """
    telling = _telling(carrier.key)
    spread = _spread()
    for i in range(len(stems)):
        if carrier.key not in starts[i]:
            continue
        spots = [j for j in range(i, min(len(stems), i + MATCH_REACH)) if j not in used and stems[j] in telling]
        if spots:
            return min(spots, key=lambda j: (stems[j] not in reading.stems, spread.get(stems[j], 0), j))
    return None


@lru_cache(maxsize=4096)
def _analysed(snippet: str) -> tuple[list, list[str], list[set[str]]]:
    """A snippet's words, stems and concept starts, cached by its text: the clinic's sections are few
    and come back answer after answer (as snippets.sentences_of)."""
    tokens = _tokens(snippet)
    stems = [s for _, _, s in tokens]
    return tokens, stems, _concept_starts(stems)


def mark_spans(snippet: str, found: list[Carrier], reading: Reading,
               limit: int = MAX_MARKS) -> list[tuple[int, int]]:
    """Character spans to mark: the first occurrence of each carrier, strongest first, at most ``limit``."""
    tokens, stems, starts = _analysed(snippet)
    universe = concept_universe()
    generic = generic_stems()
    used: set[int] = set()
    spans: list[tuple[int, int]] = []
    said = said_regions(found)
    for carrier in found:
        if len(spans) == limit:
            break
        if carrier.kind == "concept" and carrier.key in said:
            continue
        if carrier.kind == "concept":
            at = _concept_at(carrier, stems, starts, used, reading)
            reach = universe.get(carrier.key, frozenset()) - generic
        else:
            at = next((i for i in range(len(stems)) if i not in used and stems[i] == carrier.key), None)
            reach = frozenset({carrier.key})
        if at is None:
            continue
        end = at
        # "medial epicondylitis": the next words of the same term, if they follow with nothing between.
        while (end + 1 < len(stems) and end + 1 - at < MAX_MARK_WORDS and end + 1 not in used
               and stems[end + 1] in reach and snippet[tokens[end][1]:tokens[end + 1][0]].strip(" -") == ""):
            end += 1
        used.update(range(at, end + 1))
        spans.append((tokens[at][0], tokens[end][1]))
    return sorted(spans)


def mark(snippet: str, spans: list[tuple[int, int]]) -> Markup:
    """HTML of the snippet with the spans in <mark>; everything else escaped."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [escape(snippet[last:start]), "<mark>", escape(snippet[start:end]), "</mark>"]
        last = end
    out.append(escape(snippet[last:]))
    return Markup("".join(out))


def explain(index, section_id: int, snippet: str, reading: Reading) -> dict:
    """The card fields that say why a section was chosen: reason, its terms, and the marked snippet."""
    found = carriers(index, section_id, reading)
    terms = reason_terms(found, reading)
    return {
        "reason": reason(terms, reading.lang),
        "matched_terms": terms,
        "snippet_html": str(mark(snippet, mark_spans(snippet, found, reading))),
    }


def section_link(card: dict) -> dict:
    """A card reduced to a link to its section, for the card of its post."""
    return {key: card.get(key) for key in ("section_heading", "parent_heading", "section_url", "score")}


def group(cards: list[dict]) -> list[dict]:
    """One card per post, in order of each post's first card; its other sections become ``more_sections``.

    Idempotent: cards that already carry more_sections (an answer re-ordered
    after the fact) are merged, each section once.
    """
    out: list[dict] = []
    by_post: dict[str, dict] = {}
    for card in cards:
        slug = card.get("post_slug") or card.get("post_url")
        links = list(card.get("more_sections") or [])
        lead = by_post.get(slug)
        if lead is None:
            lead = by_post[slug] = {**card, "more_sections": []}
            out.append(lead)
        else:
            links.insert(0, section_link(card))
        shown = {lead.get("section_url")} | {s.get("section_url") for s in lead["more_sections"]}
        for link in links:
            if link.get("section_url") not in shown:
                lead["more_sections"].append(link)
                shown.add(link.get("section_url"))
    return out


def flat(cards: list[dict]) -> list[dict]:
    """The sections of grouped cards in the order a visitor sees them: each card's own section, then its links.

    This is the order bot/evaluate.py scores (S@3 is the first three of these). A link with no
    address is not drawn (static/chat.js shows a card's links only when they have one), so it is
    not listed either.
    """
    out = []
    for card in cards:
        out.append(card)
        out.extend({**link, "post_slug": card.get("post_slug")} for link in card.get("more_sections") or []
                   if link.get("section_url"))
    return out
