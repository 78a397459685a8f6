"""Where a term pattern can match in a message, found without running it everywhere.

Screening runs some 700 term patterns over every message; most name words the
message does not contain. Each pattern's anchors (literal strings one of which
starts every match) are indexed by their first characters; a message's word
starts then say which patterns to try and where, so reading a message costs
what it holds, not its length times the rules.
"""

from __future__ import annotations

import re
from functools import cache
from re import _constants as _sre  # the parsed form of a pattern, for anchors()
from re import _parser as _sre_parse

WORD_START = re.compile(r"\b\w")


def _first_literals(items) -> set[str] | None:
    """Literal strings one of which starts every match of a parsed pattern; None when unknown.

    Zero-width assertions (\\b, lookarounds) are skipped; a group or alternation
    gives the union of its branches; an optional leading part adds what follows it.
    """
    items = list(items)
    i = 0
    while i < len(items) and items[i][0] in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        i += 1
    if i == len(items):
        return None
    op, value = items[i]
    if op is _sre.LITERAL:
        chars = []
        while i < len(items) and items[i][0] is _sre.LITERAL:
            chars.append(chr(items[i][1]))
            i += 1
        return {"".join(chars)}
    if op is _sre.SUBPATTERN:
        return _first_literals(value[3])
    if op is _sre.BRANCH:
        out: set[str] = set()
        for branch in value[1]:
            found = _first_literals(branch)
            if not found:
                return None
            out |= found
        return out
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        found = _first_literals(value[2])
        if found is None or value[0] >= 1:
            return found
        rest = _first_literals(items[i + 1:])  # optional: the match may start with what follows
        return None if rest is None else found | rest
    return None


@cache
def anchors(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Strings one of which a text must contain for the pattern to match in it (None: no such test).

    Screening runs some 570 term patterns over every message; most name words the
    message does not contain, and a substring test says so far faster than the
    regex engine scanning the message. A necessary condition only: the pattern
    itself still decides.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    found = _first_literals(_sre_parse.parse(pattern.pattern, pattern.flags))
    return None if not found or "" in found else tuple(sorted(found))


def index(patterns: dict[int, re.Pattern]) -> tuple[dict[str, list[tuple[str, int]]], frozenset]:
    """Anchors by their first 3 (or fewer) characters -> (anchor, pattern id); and ids with no usable anchor."""
    by_prefix: dict[str, list[tuple[str, int]]] = {}
    always: set[int] = set()
    for pattern_id, pattern in patterns.items():
        needed = anchors(pattern)
        if needed is None or any(not WORD_START.match(anchor) for anchor in needed):
            always.add(pattern_id)
            continue
        for anchor in needed:
            by_prefix.setdefault(anchor[:3], []).append((anchor, pattern_id))
    return by_prefix, frozenset(always)


def candidates(text: str, by_prefix: dict, always: frozenset) -> tuple[dict[int, list[int]], set[int]]:
    """Where each pattern may match: pattern id -> word starts holding one of its anchors; and ids to scan whole.

    Every pattern is wrapped in \\b, so a match whose anchor starts with a word
    character starts at a word start: trying the pattern only there costs what
    the message holds, not its length times the rules (a 2,000-character story).
    """
    starts: dict[int, list[int]] = {}
    for found in WORD_START.finditer(text):
        i = found.start()
        for key in (text[i:i + 3], text[i:i + 2], text[i]):
            for anchor, pattern_id in by_prefix.get(key, ()):
                if text.startswith(anchor, i):
                    starts.setdefault(pattern_id, []).append(i)
    return starts, set(always)


def matches(pattern: re.Pattern, text: str, positions: list[int]) -> list[re.Match]:
    """What pattern.finditer(text) gives, trying only the positions where a match can start."""
    out, end = [], 0
    for i in sorted(set(positions)):
        if i < end:
            continue
        m = pattern.match(text, i)
        if m:
            out.append(m)
            end = max(m.end(), i + 1)
    return out
