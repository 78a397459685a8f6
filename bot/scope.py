"""Where a negation reaches in a message: the spans a denial covers.

Both red-flag layers read negation the same way, from here: the rules discount
a finding that starts inside a negated span (bot/triage/), and the learned
layer marks the words inside one so "no chest pain, no breathlessness" does not
look like chest pain to the model (bot/redflag_model.py).

A negation cue ("no", "not", "denies", "without"; Spanish "no", "sin", "nunca",
"ni") covers the words after it up to the end of its clause, the way a
clinician reads "no saddle numbness, bladder or bowel change": the cue reaches
along a list, each comma, "or", "nor" or "ni" renewing its reach, but never
past a clause boundary ("but", "pero", "aunque", a sentence end, ", and my ...")
and never more than ``reach`` words past the cue or the last list separator.
A statement after the findings that they are normal or were excluded ("my
bladder and bowels are working normally", "came back negative", "ruled out")
covers its clause back to the clause's start. Pseudo-negations ("not sure",
"doesn't go away", "no puedo respirar") are findings or hedges, not denials,
and open no span.

Pure: text and compiled cues in, character spans out. The text is the
normalised message (triage.normalise: folded, apostrophes dropped, spelling
repaired), so the cues are written without accents or apostrophes.
"""

from __future__ import annotations

import re
from bisect import bisect_right

#: Words a denial reaches past its cue, or past the last list separator inside its scope.
REACH = 8
#: Words that continue a list inside a negated clause (a comma does too): each renews the reach.
LIST_WORDS = frozenset({"or", "nor", "and", "ni", "o", "y", "u", "neither"})
WORD = re.compile(r"[a-z0-9]+")


def clause_spans(text: str, boundary: re.Pattern) -> list[tuple[int, int]]:
    """The text cut at every boundary cue: (start, end) of each clause, in order."""
    spans, start = [], 0
    for m in boundary.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _overlaps(m: re.Match, spans: list[tuple[int, int]]) -> bool:
    return any(s < m.end() and m.start() < e for s, e in spans)


def _forward(text: str, start: int, end: int, reach: int) -> int:
    """Where a denial opened at start stops: clause end, or ``reach`` words past its last renewal."""
    counted, stop, previous = 0, start, start
    for word in WORD.finditer(text, start, end):
        if word.group() in LIST_WORDS or "," in text[previous:word.start()]:
            counted = 0
        counted += 1
        if counted > reach:
            break
        stop = previous = word.end()
    return stop


def negated_spans(text: str, clauses: list[tuple[int, int]], cues: dict, reach: int = REACH,
                  known: dict[int, list[tuple[int, int]]] | None = None) -> list[tuple[int, int]]:
    """Character spans of text that a denial covers, sorted and merged.

    ``cues`` holds the compiled cue patterns of the rules file: ``negation``,
    ``pseudo_negation`` and ``post_negation``. ``known`` gives clause_negated()
    of some clauses (by index) already found.
    """
    found: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(clauses):
        spans = known.get(i) if known else None
        found += clause_negated(text, start, end, cues, reach) if spans is None else spans
    return merge(found)


def clause_negated(text: str, start: int, end: int, cues: dict, reach: int = REACH) -> list[tuple[int, int]]:
    """The spans a denial covers inside one clause, sorted and merged: a denial reaches no further than its
    clause, so a position's coverage is its clause's alone (the rules read only the clauses they need)."""
    if start >= end or cues["negation"].search(text, start, end) is None and \
            cues["post_negation"].search(text, start, end) is None:
        return []  # most clauses of a long story deny nothing: their pseudo-negations need no search
    return _denied(text, start, end, cues, reach)


def _denied(text: str, start: int, end: int, cues: dict, reach: int) -> list[tuple[int, int]]:
    """clause_negated() of a clause that holds a denial or a statement of one."""
    denials = list(cues["negation"].finditer(text, start, end))
    statements = list(cues["post_negation"].finditer(text, start, end))
    found: list[tuple[int, int]] = []
    pseudo = [m.span() for m in cues["pseudo_negation"].finditer(text, start, end)]
    for cue in denials:
        if pseudo and _overlaps(cue, pseudo):
            continue
        stop = _forward(text, cue.end(), end, reach)
        if stop > cue.end():
            found.append((cue.end(), stop))
    for cue in statements:
        if not (pseudo and _overlaps(cue, pseudo)):
            found.append((start, cue.start()))
    return merge(found)


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, and those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def covered(pos: int, spans: list[tuple[int, int]]) -> bool:
    """True when the character at pos lies inside one of the (sorted, merged) spans."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]
