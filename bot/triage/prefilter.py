"""Where a term pattern can match in a message, found without running it everywhere.

Screening runs some 700 term patterns over every message; most name words the
message does not contain. Each pattern's anchors (literal strings one of which
starts every match) are indexed by their first characters; a message's word
starts then say which patterns to try and where, so reading a message costs
what it holds, not its length times the rules.

The anchors, the strings a match needs (needs()), and the characters a cue
can start with (with_lead), come from the items of bot/triage/regex_reader.py.
Whatever the reader does not understand gives no anchor, need or lead, and
such a pattern is simply run as written: the reader can make screening
slower, never blind.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from itertools import accumulate, compress
from operator import itemgetter

from bot.triage.regex_reader import Unknown, parse

WORD_START = re.compile(r"\b\w")


def _first_literals(items: list) -> set[str] | None:
    """Literal strings one of which starts every match of a parsed sequence; None when unknown.

    Zero-width assertions are skipped; a group gives the union of its branches;
    an optional leading part adds what follows it.
    """
    i = 0
    while i < len(items) and items[i][0] == "zero":
        i += 1
    if i == len(items):
        return None
    kind, value = items[i]
    if kind == "lit":
        chars = []
        while i < len(items) and items[i][0] == "lit":
            chars.append(items[i][1])
            i += 1
        return {"".join(chars)}
    if kind == "group":
        out: set[str] = set()
        for branch in value:
            found = _first_literals(branch)
            if not found:
                return None
            out |= found
        return out
    if kind == "repeat":
        low, item = value
        found = _first_literals([item])
        if found is None or low >= 1:
            return found
        rest = _first_literals(items[i + 1:])  # optional: the match may start with what follows
        return None if rest is None else found | rest
    return None


@cache
def anchors(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Strings one of which a text must contain for the pattern to match in it (None: no such test).

    A necessary condition only: the pattern itself still decides.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _first_literals(parse(pattern.pattern))
    except Unknown:
        return None
    return None if not found or "" in found else tuple(sorted(found))


def _needs(items: list, word_start: bool) -> tuple[list[frozenset[str]], bool]:
    """Sets of literal strings, each such that every match holds one of them at a word start; and whether the
    sequence ends at a word start.

    A run of literal characters counts from a word character where the text
    must be at a word start: after \\b, a space or \\s (the rules wrap every
    pattern in \\b). A group gives the union of its branches' cheapest sets;
    an optional part gives none.
    """
    out: list[frozenset[str]] = []
    run, run_ok = "", False
    for kind, value in [*items, ("end", None)]:
        if kind == "lit":
            if not run:
                run_ok = word_start
            run += value
            word_start = value == " "
            continue
        if run:
            if not run_ok and " " in run:  # what follows a space in the run is at a word start
                run, run_ok = run[run.index(" "):].lstrip(" "), True
            if run_ok and WORD_START.match(run):
                out.append(frozenset([run]))
        run = ""
        if kind == "end":
            break
        if kind == "zero":
            word_start = word_start or value == "b"
        elif kind == "group":
            found = [_needs(branch, word_start) for branch in value]
            if len(found) == 1:
                out += found[0][0]
            elif all(sets for sets, _ in found):
                out.append(frozenset().union(*(_cheapest(sets) for sets, _ in found)))
            word_start = all(after for _, after in found)
        elif kind == "repeat":
            low, item = value
            if low >= 1:
                out += _needs([item], word_start)[0]
            word_start = _needs([item], False)[1] and (low >= 1 or word_start)
        else:  # "any"
            word_start = value == frozenset({"\\s"})
    return out, word_start


def _cheapest(sets: list[frozenset[str]]) -> frozenset[str]:
    """The set a message is least likely to hold: short strings ("my", "and") are common, long ones rare."""
    return min(sets, key=lambda found: sum(4.0 ** -len(s) for s in found))


@cache
def needs(pattern: re.Pattern) -> frozenset[str] | None:
    """Literal strings one of which a text must hold at a word start for the pattern to match (None: no such test).

    The rarest such set the reader finds anywhere in the pattern, not only at its
    start ("chest" in "(?:pain|ache) in (?:my )?chest"). A necessary condition only.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        sets, _ = _needs(parse(pattern.pattern), False)
    except Unknown:
        return None
    return _cheapest(sets) if sets else None


@cache
def needs_two(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """The two rarest sets of literal strings (fewer when the reader finds fewer) such that a text must hold one
    string of each at a word start for the pattern to match; the first is needs().

    Each set alone is a necessary condition, so asking for both only drops
    patterns that cannot match: "(?:pain|ache) in (?:my )?chest" needs "chest"
    and "pain" or "ache", and a story with a chest but no pain or ache does not run it.
    """
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        sets, _ = _needs(parse(pattern.pattern), False)
    except Unknown:
        return ()
    # in order of rarity; min() in needs() takes the first of equals, so does a stable sort
    return tuple(sorted(dict.fromkeys(sets), key=lambda found: sum(4.0 ** -len(s) for s in found))[:2])


def _trie(words: list[str]) -> str:
    """One regex source matching the longest of some literal strings that starts at a position.

    A character trie written as nested groups, each optional tail an empty
    last branch ("(?:a|b|)", which the engine tries in order, cheaper than
    "(?:a|b)?"): the engine walks one branch per character instead of trying
    every string.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def source(node: dict) -> str:
        branches = [re.escape(char) + source(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + "|)"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return source(tree)


def index(patterns: dict[int, re.Pattern]) -> tuple[tuple, frozenset]:
    """A finder (regex, table); and the ids of patterns with no usable anchor.

    The regex finds, at each word start, the longest of all anchors and needed
    strings (needs()) there: every other one found at that position is a prefix
    of it, so the table gives for that longest string the patterns, needed
    strings and anchors of all its prefixes.
    """
    by_anchor: dict[str, list[int]] = {}
    always: set[int] = set()
    for pattern_id, pattern in patterns.items():
        needed = anchors(pattern)
        if needed is None or any(not WORD_START.match(anchor) for anchor in needed):
            always.add(pattern_id)
            continue
        for anchor in needed:
            by_anchor.setdefault(anchor, []).append(pattern_id)
    wanted = {s for pattern in patterns.values() for found in needs_two(pattern) for s in found}
    keys = sorted(wanted.union(by_anchor))
    if not keys:
        return (None, {}), frozenset(always)
    table = {}
    for key in keys:
        prefixes = [key[:n] for n in range(1, len(key) + 1)]
        table[key] = (tuple(pid for prefix in prefixes for pid in by_anchor.get(prefix, ())),
                      frozenset(prefix for prefix in prefixes if prefix in wanted),
                      tuple(prefix for prefix in prefixes if prefix in by_anchor))
    # Each match is one word and what follows it (\w*\W*), so matches start at the text's start and at every word
    # start, where every anchor and needed string begins (with a word character); there the lookahead reads the
    # longest string found. The engine steps word by word, not character by character as with \b(?=(...)).
    finder = re.compile(r"(?:(?=(" + _trie(keys) + r"))|)(\w*\W*)")
    return (finder, table), frozenset(always)


def hits(text: str, regex: re.Pattern | None) -> dict[str, list[int]]:
    """Each string the finder finds (the longest of the index's strings at a word start) -> its positions.

    One regex pass: findall gives each word's found string ("" for none) and
    the word with what follows it, each one's position the summed lengths of
    the pieces before it; the same strings and positions as a search at every
    word start, without a Match object each.
    """
    at: dict[str, list[int]] = defaultdict(list)  # a story repeats "my", "pain": each string once, where
    if regex is not None:
        found = regex.findall(text)
        keys = list(map(itemgetter(0), found))
        starts = accumulate(map(len, map(itemgetter(1), found)), initial=0)
        for key, position in compress(zip(keys, starts, strict=False), keys):  # starts: one more, the end
            at[key].append(position)
    return at


def _anchored(at: dict[str, list[int]], table: dict) -> dict[str, list[int]]:
    """Each anchor found -> its word starts (unsorted): the positions of every found string it is a prefix of."""
    found: dict[str, list[int]] = {}
    for key, positions in at.items():
        for anchor in table[key][2]:
            if anchor in found:
                found[anchor] += positions
            else:
                found[anchor] = list(positions)
    return found


def candidates(text: str, finder: tuple, always: frozenset) -> tuple[dict[str, list[int]], set[int], set[str]]:
    """What a message holds for the patterns: each anchor found -> its word starts; the ids of the patterns
    that may match (an anchor of theirs found, or no anchor to look for); the needed strings (needs()) found.

    Where a pattern may start is gathered only for the patterns run (starts()),
    as most possible patterns belong to rules that fail first.
    """
    regex, table = finder
    at = hits(text, regex)
    possible, held = set(always), set()
    for key in at:
        pattern_ids, needed, _ = table[key]
        possible.update(pattern_ids)
        held.update(needed)
    return _anchored(at, table), possible, held


def starts(pattern: re.Pattern, found: dict[str, list[int]]) -> list[int]:
    """Where an anchored pattern may match: the word starts of its anchors found (unsorted, maybe repeated).

    Every pattern is wrapped in \\b, so a match whose anchor starts with a word
    character starts at a word start: trying the pattern only there costs what
    the message holds, not its length times the rules (a 2,000-character story).
    """
    return [i for anchor in anchors(pattern) for i in found.get(anchor, ())]


def matches(pattern: re.Pattern, text: str, positions: list[int]) -> list[re.Match]:
    """What pattern.finditer(text) gives, trying only the positions where a match can start."""
    out, end = [], 0
    for i in sorted(positions):  # a repeated position is tried again only where nothing matched: the same result
        if i < end:
            continue
        m = pattern.match(text, i)
        if m:
            out.append(m)
            end = max(m.end(), i + 1)
    return out



class Guarded:
    """A pattern searched only when a string it needs (needs()) is at a word start: pattern.search's answer, sooner.

    The guard is one trie of those strings behind \\b, so a string holding none
    of them (most of the clause slices a long cue list such as the past cues is
    searched in) is answered without trying the cue's alternatives at every word.
    """

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        needed = needs(pattern)
        trie = None if needed is None else with_lead(re.compile(_trie(sorted(needed))))
        self.guard = None if trie is None else re.compile(r"\b" + trie.pattern, pattern.flags & re.ASCII)

    def search(self, string: str) -> re.Match | None:
        """pattern.search(string)."""
        if self.guard is not None and self.guard.search(string) is None:
            return None
        return self.pattern.search(string)


# ---------------------------------------------------------------- a cue's first character

def _first_items(items: list) -> tuple[set[str], bool]:
    """(class items one of which every match's first character is, whether the sequence can match empty).

    Items as regex_reader.parse gives them; zero-width assertions are skipped (they consume
    nothing). Raises Unknown at a character that could be anything.
    """
    out: set[str] = set()
    for kind, value in items:
        if kind == "zero":
            continue
        if kind == "lit":
            out.add(re.escape(value))
            return out, False
        if kind == "any":
            if value is None:
                raise Unknown(kind)
            out |= value
            return out, False
        if kind == "group":
            empty = False
            for branch in value:
                found, can_be_empty = _first_items(branch)
                out |= found
                empty |= can_be_empty
        else:  # repeat
            low, item = value
            found, empty = _first_items([item])
            out |= found
            empty |= low == 0
        if not empty:
            return out, False
    return out, True


def with_lead(pattern: re.Pattern) -> re.Pattern:
    """The pattern behind a lookahead for the characters its matches can start with: the same matches, sooner.

    A cue is an alternation of dozens of phrases, each behind a word-boundary
    test, so the engine tries every phrase at every word start and end; a
    one-character class test first skips the positions none can start at. The
    class is derived from the pattern's own source by the reader above (so any
    rules file gets its own); a pattern it does not follow (backreferences,
    inline flags, a negated class, "." first ...), one compiled with flags such
    as IGNORECASE, or one that can match the empty string is returned as it is.
    """
    if not isinstance(pattern.pattern, str) or pattern.flags & ~(re.UNICODE | re.ASCII):
        return pattern
    try:
        chars, empty = _first_items(parse(pattern.pattern))
    except Unknown:
        return pattern
    if empty or not chars:
        return pattern
    return re.compile("(?=[" + "".join(sorted(chars)) + "])" + pattern.pattern, pattern.flags)


def word_lead(source: str) -> bool:
    """True when every match of a pattern source starts with a word character (a letter or digit), as read here."""
    try:
        chars, empty = _first_items(parse(source))
    except Unknown:
        return False
    return not empty and bool(chars) and all(c == "\\d" or (len(c) == 1 and c.isalnum()) for c in chars)


def _certainly_not_word(item: str) -> bool:
    """A class item (as _first_items gives it) that matches no word character: \\s, \\W or one punctuation mark."""
    if item in ("\\s", "\\W"):
        return True
    char = item[1:] if len(item) == 2 and item[0] == "\\" and not item[1].isalnum() else item
    return len(char) == 1 and not re.match(r"\w", char)


def nonword_lead(source: str) -> bool:
    """True when every match of a pattern source starts with a character that is not a word character, as read here."""
    try:
        chars, empty = _first_items(parse(source))
    except Unknown:
        return False
    return not empty and bool(chars) and all(_certainly_not_word(c) for c in chars)
