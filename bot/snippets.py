"""Pick the sentences of a section that best explain why it matched."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from index import analysis
from index.analysis import stem, words
from index.datafile import read_toml

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(•])|\n+")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
MAX_CHARS = 320
PLAIN_WORDS = Path(__file__).resolve().parent.parent / "data" / "plain_words.toml"


@lru_cache(maxsize=1)
def plain_stems() -> frozenset[str]:
    """Stems of the everyday words of data/plain_words.toml, which a snippet never marks."""
    data = read_toml(PLAIN_WORDS, what="plain words")
    listed = [word for group in data.get("words", {}).values() for word in group]
    return frozenset(s for word in listed for s in analysis.stems(word))


def query_stems(message: str | analysis.Reading) -> set[str]:
    """The stems of a message worth marking: its words less everyday English ("going", "since").

    Matching still uses every word; these only pick and mark the snippet's sentences. A message
    given as its analysis.Reading against the index gives its corrected words, not tokenised again.
    """
    said = message.corrected_words if isinstance(message, analysis.Reading) else words(message)
    return {stem(w) for w in said} - plain_stems()


def concept_stems(concept_ids: list[str]) -> set[str]:
    """Stems of the clinical and lay terms of the conditions a message was understood to name.

    "pinky side of my elbow" matched golfer's elbow, so "medial" and
    "epicondylitis" in a section are marked too: they are why it matched.
    """
    lexicon = analysis.lexicon()
    out: set[str] = set()
    for concept_id in dict.fromkeys(concept_ids):
        concept = lexicon.concepts.get(concept_id)
        if concept is None or concept.kind != "condition":
            continue
        out.update(_concept_term_stems(concept_id))
    return out - plain_stems()


@lru_cache(maxsize=1024)
def _concept_term_stems(concept_id: str) -> frozenset[str]:
    """The stems of one concept's literal terms, read once per process (they are data, not the message)."""
    concept = analysis.lexicon().concepts[concept_id]
    return frozenset(s for term in concept.terms if "$" not in term for s in analysis.stems(term))


@lru_cache(maxsize=8192)
def sentences_of(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A section text's sentences, each with its stems.

    Keyed by the section's text, never by a message: the clinic's sections are
    few and come back in answer after answer, and analysing every sentence of
    every result was the largest part of a chat request.
    """
    sentences = [s.strip() for s in SENTENCE.split(text) if s and s.strip()]
    return tuple((sentence, frozenset(stem(w) for w in words(sentence))) for sentence in sentences)


def best_sentences(text: str, stems: set[str], max_chars: int = MAX_CHARS) -> str:
    """The highest-scoring run of sentences, kept in reading order, trimmed to size."""
    analysed = sentences_of(text)
    if not analysed:
        return ""
    sentences = [sentence for sentence, _ in analysed]
    scored = sorted(range(len(sentences)), key=lambda i: (-len(analysed[i][1] & stems), i))
    chosen: list[int] = []
    length = 0
    for i in scored:
        if chosen and length + len(sentences[i]) > max_chars:
            continue
        chosen.append(i)
        length += len(sentences[i]) + 1
        if length >= max_chars:
            break
    snippet = " ".join(sentences[i] for i in sorted(chosen))
    if len(snippet) > max_chars:
        cut = snippet[:max_chars].rsplit(" ", 1)[0]
        snippet = cut.rstrip(",;:") + "…"
    return snippet


@lru_cache(maxsize=16384)
def token_stem(token: str) -> str | None:
    """The stem a snippet word is marked by, None for a word the analyzer drops (cached per word)."""
    found = words(token)
    return stem(found[0]) if found else None


def mark(snippet: str, stems: set[str]) -> Markup:
    """HTML of the snippet with matched words in <mark>; everything else escaped.

    Escapes each stretch once (a snippet has a handful of marked words), not every word.
    """
    out: list[str] = []
    last = 0
    for match in WORD.finditer(snippet):
        token = match.group(0)
        if token_stem(token) in stems:
            out.append(escape(snippet[last:match.start()]))
            out.append("<mark>")
            out.append(escape(token))
            out.append("</mark>")
            last = match.end()
    out.append(escape(snippet[last:]))
    return Markup("".join(out))
