"""Pick the sentences of a section that best explain why it matched."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from index import analysis
from index.analysis import stem, words

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(•])|\n+")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
MAX_CHARS = 320


def query_stems(message: str) -> set[str]:
    """The stems a message contributes, for marking matches."""
    return {stem(w) for w in words(message)}


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
        for term in concept.terms:
            if "$" not in term:
                out.update(analysis.stems(term))
    return out


def _sentence_score(sentence: str, stems: set[str]) -> int:
    found = {stem(w) for w in words(sentence)}
    return len(found & stems)


def best_sentences(text: str, stems: set[str], max_chars: int = MAX_CHARS) -> str:
    """The highest-scoring run of sentences, kept in reading order, trimmed to size."""
    sentences = [s.strip() for s in SENTENCE.split(text) if s and s.strip()]
    if not sentences:
        return ""
    scored = sorted(range(len(sentences)), key=lambda i: (-_sentence_score(sentences[i], stems), i))
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


def mark(snippet: str, stems: set[str]) -> Markup:
    """HTML of the snippet with matched words in <mark>; everything else escaped."""
    out = []
    last = 0
    for match in WORD.finditer(snippet):
        token = match.group(0)
        matched = bool(words(token)) and stem(words(token)[0]) in stems
        if matched:
            out.append(escape(snippet[last:match.start()]))
            out.append(Markup("<mark>") + escape(token) + Markup("</mark>"))
            last = match.end()
    out.append(escape(snippet[last:]))
    return Markup("").join(out)
