"""The prefilter's index as bit sets: the rules' fast path (bot/triage/reading.present).

prefilter.index() gives, for each string found at a word start, the patterns
it may start and the needed strings it holds, as sets. Here the patterns are
numbered and each set is an int whose bit i stands for pattern i, so a
message's patterns to try are a few integer ORs over the strings it holds (one
C operation each, not a set update per pattern), and a term's among them one AND.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from bot.triage.prefilter import anchors, index, matches, needs_two


@dataclass(frozen=True)
class Selection:
    """index() over a numbered list of patterns, each set of patterns an int whose bit i stands for pattern i.

    A message's patterns to try are then a few integer ORs over the strings it
    holds, and a term's among them one AND (bot/triage/reading.present).
    """

    finder: tuple
    patterns: tuple[re.Pattern, ...]
    anchors: tuple[tuple[str, ...] | None, ...]  # None: no usable anchor, the pattern is run over the whole text
    #: found string -> (the patterns it may start, those whose rarest needed set holds a string of it, those
    #: whose next set does (needs_two), the anchors it starts with)
    by_key: dict[str, tuple[int, int, int, tuple[str, ...]]]
    always: int  # the patterns with no usable anchor
    free: tuple[int, int]  # the patterns with no rarest needed set, with no next one


def bits(indexes) -> int:
    """The set of pattern numbers as an int."""
    return sum(1 << i for i in set(indexes))


def build(patterns: list[re.Pattern]) -> Selection:
    """The index of some patterns (no repeats) as bit sets, numbered in the given order."""
    number = {id(p): i for i, p in enumerate(patterns)}
    finder, always = index({id(p): p for p in patterns})
    needed = [needs_two(p) for p in patterns]
    needers: tuple[dict[str, int], dict[str, int]] = (defaultdict(int), defaultdict(int))
    for i, sets in enumerate(needed):
        for slot, strings in enumerate(sets):
            for string in strings:
                needers[slot][string] |= 1 << i
    by_key = {key: (bits(number[pid] for pid in pattern_ids), reduce(or_, (needers[0][s] for s in strings), 0),
                    reduce(or_, (needers[1][s] for s in strings), 0), leads)
              for key, (pattern_ids, strings, leads) in finder[1].items()}
    return Selection(finder, tuple(patterns),
                     tuple(None if id(p) in always else anchors(p) for p in patterns), by_key,
                     bits(number[pid] for pid in always),
                     (bits(i for i, sets in enumerate(needed) if not sets),
                      bits(i for i, sets in enumerate(needed) if len(sets) < 2)))


def select(text: str, chosen: Selection) -> tuple[dict[str, list[int]], int]:
    """What a message holds: each anchor found -> its word starts; the patterns that may match, as bits.

    A pattern may match when an anchor of its is found (or it has none) and a
    string of each of its two rarest needed sets is found (needs_two; or it
    needs none): candidates() and needs() as set unions, here as ORs of
    precomputed ints.
    """
    possible, (rarest, next_) = chosen.always, chosen.free
    by_key = chosen.by_key
    found: dict[str, list[int]] = {}  # as prefilter._anchored(), each anchor's positions in order
    seen: set[str] = set()
    position = 0
    for key, piece in chosen.finder[0].findall(text) if chosen.finder[0] else ():  # as prefilter.hits(), in one loop
        if key:
            starting, needing, needing_next, leads = by_key[key]
            if key not in seen:
                seen.add(key)
                possible |= starting
                rarest |= needing
                next_ |= needing_next
            for anchor in leads:
                if anchor in found:
                    found[anchor].append(position)
                else:
                    found[anchor] = [position]
        position += len(piece)
    return found, possible & rarest & next_


def run(chosen: Selection, i: int, text: str, anchored: dict[str, list[int]]) -> list[re.Match]:
    """Pattern i's matches in a text, as finditer gives them, tried only where an anchor of its was found."""
    pattern, leads = chosen.patterns[i], chosen.anchors[i]
    if leads is None:
        return list(pattern.finditer(text))
    if len(leads) == 1:
        positions = anchored.get(leads[0])
        if positions is None:
            return []
    else:
        positions = [at for anchor in leads for at in anchored.get(anchor, ())]
    if len(positions) == 1:  # one place to try (about 40% of the runs on a long story): no sorting, no loop
        m = pattern.match(text, positions[0])
        return [m] if m else []
    return matches(pattern, text, positions)
