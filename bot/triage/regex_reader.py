"""A small reader of regex source, no private stdlib: a pattern as a list of items.

The rules file uses a plain subset of regex syntax (words, groups,
alternation, quantifiers, classes, escapes); bot/triage/prefilter.py reads
from these items what a match must start with or hold. Syntax the reader does
not follow raises Unknown, and the caller then treats the pattern as opaque:
run as written, slower but never blind.
"""

from __future__ import annotations

import re

#: Escapes that match no character (assertions) and escapes that stand for a class of characters.
_ZERO_WIDTH_ESCAPES = set("bBAZ")
_CLASS_ESCAPES = set("dDsSwW")
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


class Unknown(Exception):
    """The source uses syntax this reader does not follow."""


# A parsed pattern is a list of items: ("lit", char), ("zero", escape letter or None), ("any", class items)
# (one character of a class: its items as class source, or None for "any character at all"),
# ("group", [branch, ...]) with each branch a list of items, ("repeat", (min, item)).

def parse(source: str) -> list:
    """The items of a pattern source, as one group (see above); Unknown when the reader cannot follow it."""
    items, end = _parse_branches(source, 0)
    if end != len(source):
        raise Unknown(source)
    return [("group", items)]


def _parse_branches(source: str, i: int) -> tuple[list, int]:
    """Branches separated by | up to a closing parenthesis or the end: ([branch, ...], index)."""
    branches, current = [], []
    while i < len(source) and source[i] != ")":
        if source[i] == "|":
            branches.append(current)
            current = []
            i += 1
            continue
        item, i = _atom(source, i)
        item, i = _quantified(source, i, item)
        current.append(item)
    branches.append(current)
    return branches, i


def _atom(source: str, i: int) -> tuple[tuple, int]:
    char = source[i]
    if char == "(":
        zero = False
        i += 1
        if source.startswith("?:", i):
            i += 2
        elif source.startswith(("?=", "?!"), i):
            zero, i = True, i + 2
        elif source.startswith(("?<=", "?<!"), i):
            zero, i = True, i + 3
        elif source.startswith("?P<", i):
            i = source.index(">", i) + 1
        elif source.startswith("?", i):
            raise Unknown(source)
        branches, i = _parse_branches(source, i)
        if i >= len(source) or source[i] != ")":
            raise Unknown(source)
        return (("zero", None) if zero else ("group", branches)), i + 1
    if char == "[":
        j = i + 1
        if source.startswith("^", j):
            j += 1
        if source.startswith("]", j):
            j += 1
        while j < len(source) and source[j] != "]":
            j += 2 if source[j] == "\\" else 1
        if j >= len(source):
            raise Unknown(source)
        chars = _class_chars(source[i + 1:j])
        if chars is None:
            return ("any", _class_items(source[i + 1:j])), j + 1
        return ("group", [[("lit", c)] for c in chars]), j + 1
    if char == "\\":
        if i + 1 >= len(source):
            raise Unknown(source)
        nxt = source[i + 1]
        if nxt in _ZERO_WIDTH_ESCAPES:
            return ("zero", nxt), i + 2  # "b": a word boundary (see _needs)
        if nxt in _CLASS_ESCAPES:
            return ("any", frozenset({"\\" + nxt})), i + 2
        if nxt.isalnum():  # \n, \t, \1, \x41 ...: not worth following
            raise Unknown(source)
        return ("lit", nxt), i + 2
    if char in "^$":
        return ("zero", None), i + 1
    if char == ".":
        return ("any", None), i + 1
    if char in "*+?{":
        if char == "{" and not _QUANTIFIER.match(source, i):
            return ("lit", char), i + 1
        raise Unknown(source)  # a quantifier with nothing before it
    return ("lit", char), i + 1


def _class_items(body: str) -> frozenset[str] | None:
    """A class's body ("[" and "]" left off) as standalone class items ("a", "a-z", "\\d"); None when not followed.

    Each item is written so that any of them can be joined in one class: literal
    characters escaped, a range as its two escaped ends. A negated class, a
    nested "[", set operators and escapes other than \\d \\s \\w (their
    negations) and punctuation give None.
    """
    if body.startswith("^") or any(op in body for op in ("[", "--", "&&", "~~", "||")):
        return None
    units: list[tuple[str | None, str]] = []  # (the literal character or None, item source)
    i = 0
    while i < len(body):
        if body[i] != "\\":
            units.append((body[i], re.escape(body[i])))
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt in _CLASS_ESCAPES:
            units.append((None, "\\" + nxt))
        elif nxt and not nxt.isalnum():
            units.append(("\\" + nxt, re.escape(nxt)))  # escaped: never a range's dash
        else:
            return None
        i += 2
    items: set[str] = set()
    k = 0
    while k < len(units):
        if k + 2 < len(units) and units[k + 1][0] == "-":  # a range: a dash with something after it
            (low, low_item), (high, high_item) = units[k], units[k + 2]
            if low is None or high is None or low[-1] > high[-1]:
                return None
            items.add(f"{low_item}-{high_item}")
            k += 3
        else:
            items.add(units[k][1])
            k += 1
    return frozenset(items)


_SIMPLE_CLASS = re.compile(r"(?:[a-z0-9]-[a-z0-9]|[a-z0-9])+")


def _class_chars(body: str) -> str | None:
    """The characters a small class of ASCII letters and digits ("1-9", "89", "oa") stands for; else None.

    Such a class matches exactly these characters (no escapes, no negation, no
    Unicode classes such as \\d), so each is a one-letter literal; larger or
    other classes stay "any character".
    """
    if not _SIMPLE_CLASS.fullmatch(body):
        return None
    chars: set[str] = set()
    for part in re.findall(r"[a-z0-9]-[a-z0-9]|[a-z0-9]", body):
        low, high = (part[0], part[2]) if len(part) == 3 else (part, part)
        if low > high:
            return None
        chars.update(chr(c) for c in range(ord(low), ord(high) + 1))
    return "".join(sorted(chars)) if len(chars) <= 10 else None


def _quantified(source: str, i: int, item: tuple) -> tuple[tuple, int]:
    """The item with the quantifier that follows it, if any (lazy and possessive forms included)."""
    if i >= len(source):
        return item, i
    char = source[i]
    if char in "*?":
        low, i = 0, i + 1
    elif char == "+":
        low, i = 1, i + 1
    elif char == "{" and (m := _QUANTIFIER.match(source, i)):
        low = int(m.group(1) or 0)
        i = m.end()
    else:
        return item, i
    if i < len(source) and source[i] in "?+":
        i += 1
    if i < len(source) and source[i] in "*+?":
        raise Unknown(source)
    return ("repeat", (low, item)), i
