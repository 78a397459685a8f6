"""bot/triage/prefilter.with_lead: a cue behind a lookahead of its first characters matches exactly as written."""

from __future__ import annotations

import json
import random
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.safety import long_messages
from bot import triage
from bot.triage import prefilter, reading, rules, selection

ROOT = Path(__file__).resolve().parent.parent


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _reference_cues(alternatives: list[str]) -> re.Pattern:
    """A cue list as first combined: every word cue inside \\b...\\b, no lead (the slow path)."""
    parts = [a if a.startswith(("[", ",")) else rf"\b(?:{a})\b" for a in alternatives]
    return re.compile(r"(?:(?<!\w)|(?!\w))(?:" + "|".join(f"(?:{p})" for p in parts) + ")")


def _plain_cues(monkeypatch) -> dict:
    """The shipped rules file's cues compiled as first combined (the slow path)."""
    monkeypatch.setattr(rules, "combine_cues", _reference_cues)
    data = tomllib.loads(rules.RULES_PATH.read_text(encoding="utf-8"))
    return rules.parse_rules(data).cues


def _texts() -> list[str]:
    ruleset = triage.load_rules()  # spelling repair does not use the cues
    raw = []
    for path in sorted((ROOT / "data" / "redflag_corpus").glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            raw += [json.loads(line)["text"] for line in fh if line.strip()]
    raw = raw[::5] + long_messages(raw, n=10)
    return [triage.normalise(t, ruleset) for t in raw]


def test_with_lead_cues_match_as_the_plain_cues_on_corpus_text(monkeypatch):
    """Every cue of the rules file, over corpus rows and long stories: the same spans, searched from any offset."""
    fast = triage.load_rules().cues  # first: the cached rules must be the shipped ones
    plain = _plain_cues(monkeypatch)
    assert sum(fast[k].pattern != plain[k].pattern for k in rules.CUE_KINDS) >= len(rules.CUE_KINDS) - 1
    for text in _texts():
        for kind in rules.CUE_KINDS:
            assert _spans(fast[kind], text) == _spans(plain[kind], text), (kind, text)
            half = len(text) // 2
            got, want = fast[kind].search(text, half), plain[kind].search(text, half)
            assert (got and got.span()) == (want and want.span()), (kind, text)


@pytest.mark.parametrize("source", [r"a*", r"(?:x)?", r"\b", r"(?i)ab", r"[^a]b", r"(?=a)", r"."])
def test_with_lead_leaves_patterns_it_cannot_bound_as_they_are(source):
    """Patterns that may match empty, ignore case, or start with a negated class or any character: unchanged."""
    pattern = re.compile(source)
    assert prefilter.with_lead(pattern) is pattern


def test_with_lead_bounds_a_cue_by_its_first_characters():
    pattern = prefilter.with_lead(re.compile(r"(?:(?<!\w)|(?!\w))(?:\b(?:but)\b|[.!?]+|\b(?:\d+ years ago)\b)"))
    assert pattern.pattern.startswith("(?=[") and re.match(r"\(\?=\[([^\]]*)\]\)", pattern.pattern)
    assert _spans(pattern, "ok. but 3 years ago, butter") == [(2, 3), (4, 7), (8, 19)]


_PIECES = ["no", "not", "but", "a", "pain", "b", r"\d+", r"[.!?]+", r"\s*", r"\w+", r"[a-c]", r"\.", ", and",
           r"(?<!no )", r"(?!x)", r"\b", "(?:warning )?", "x?", "(?:ab|c)", "[0-9]{2}", r"\s+y", "ñ", r"\B", " "]


@st.composite
def _cue_lists(draw):
    alternatives = []
    for _ in range(draw(st.integers(1, 5))):
        pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4))
        alternatives.append("".join(pieces))
    return alternatives


@settings(max_examples=300, deadline=None)
@given(_cue_lists(), st.text(alphabet="abnotpicxyñ_ 0123.!?,\n", max_size=60))
def test_with_lead_is_the_same_matches_for_any_cue_list(alternatives, text):
    """Any cue list a rules file may hold: as rules.py combines it (lead, word cues without their leading \\b)
    or with only the lead, the same matches as first combined."""
    plain = _reference_cues(alternatives)
    for fast in (prefilter.with_lead(plain), rules.combine_cues(alternatives)):
        assert _spans(fast, text) == _spans(plain, text)
        start = random.Random(text).randrange(len(text) + 1)
        assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in plain.finditer(text, start)]
        end = random.Random(start).randrange(len(text) + 1)
        assert [m.span() for m in fast.finditer(text, 0, end)] == [m.span() for m in plain.finditer(text, 0, end)]


def _lead_chars(pattern: re.Pattern) -> set[str]:
    """The ASCII characters the derived lead lets through (the lead is "(?=[...])" before the source)."""
    lead = re.match(r"\(\?=(\[(?:\\.|[^\]\\])*\])\)", pattern.pattern)
    assert lead, pattern.pattern
    return {chr(c) for c in range(128) if re.match(lead.group(1), chr(c))}


@pytest.mark.parametrize(("source", "chars"), [
    (r"[a-]x", "a-"), (r"[-a-c]x", "-abc"), (r"[\]\\]x", "]\\"), (r"[]a]x", "]a"), (r"[\-z]x", "-z"),
    (r"\d+|[.!?]", "0123456789.!?"), (r"(?:no)?\s*pain", "np \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"),
    (r"a{0,2}b", "ab"), (r"a{1,2}b", "a"), (r"(?<!\w)(?=x)x|\by", "xy"), (r"(?P<word>ab)c", "a"),
])
def test_with_lead_reads_classes_escapes_and_quantifiers(source, chars):
    assert _lead_chars(prefilter.with_lead(re.compile(source))) == set(chars)


@pytest.mark.parametrize(("source", "flags"), [
    (r"(a)\1", 0), (r"(?P<x>a)(?P=x)", 0), (r"(?i:ab)", 0), (r"(?s)ab", 0), ("ab", re.IGNORECASE),
    ("a b", re.VERBOSE), ("ab", re.MULTILINE), (r"ab(?#note)", 0), (r"(?>ab)", 0), (r"\x61b", 0), (r"[\x61]b", 0),
    (r"[\n]b", 0), (r"\tb", 0), (r"[^ab]c|d", 0), (r".b|c", 0), (r"(a)?(?(1)b|c)", 0), (r"(?!a\x41)b", 0),
])
def test_with_lead_falls_back_on_constructs_the_reader_does_not_follow(source, flags):
    """Backreferences, flags, comments, atomic groups, \\x and control escapes, negated classes, "." first..."""
    pattern = re.compile(source, flags)
    assert prefilter.with_lead(pattern) is pattern


_SYNTAX = ["a", "b", "x", "-", "]", "[", "^", r"\d", r"\s", r"\W", r"\-", r"\]", ".", "(?:", "(", ")", "(?=",
           "(?<!", "|", "?", "*", "+", "{0,2}", "{2}", r"\1", r"\b", "{", ",", "[^"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SYNTAX), min_size=1, max_size=10), st.text(alphabet="abx-]^[. 1,{\n", max_size=40))
def test_with_lead_is_the_same_matches_for_any_pattern_that_compiles(pieces, text):
    """Random syntax, kept when it compiles: led or returned as it is, never a different match."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "[[" and the like warn of future set syntax: not a rules file's
        try:
            plain = re.compile("".join(pieces))
        except (re.error, FutureWarning):
            return
    assert _spans(prefilter.with_lead(plain), text) == _spans(plain, text)


# ---------------------------------------------------------------- needs(): what every match holds at a word start

def _holds(text: str, m: re.Match, needed: frozenset[str]) -> bool:
    """One of the needed strings starts at a word start inside the match and ends inside it."""
    return any(text.startswith(s, i) and i + len(s) <= m.end() and prefilter.WORD_START.match(text, i)
               for s in needed for i in range(m.start(), m.end()))


@pytest.mark.parametrize(("source", "needed"), [
    (r"(?:pain|ache) in (?:my )?chest", {"chest"}), (r"(?:\w+\s+)?breathless\w*", {"breathless"}),
    (r"chest[^.!?;]{0,25}?\b(?:pain\w*|crush\w*)", {"chest"}), (r"x\Bpainful", {"x"}),
    (r"(?:me |se )(?:tome|trague)", {"tome", "trague"}), (r"(?:the\s+|a\s+)?(?:stairs|hill\w*)", {"stairs", "hill"}),
])
def test_needs_finds_the_rarest_string_at_a_word_start(source, needed):
    assert prefilter.needs(rules._regex("t", source)) == needed


@pytest.mark.parametrize("source", [r"\w+ing", r"x\Bpain", r"(?:a|\w)b", "a*", r"\d+years"])
def test_needs_gives_nothing_when_no_string_is_sure(source):
    assert prefilter.needs(re.compile(source)) is None


def test_every_term_match_holds_what_its_pattern_needs():
    """The shipped rules over corpus rows and long stories: each match of each pattern holds a string of each of
    its two rarest needed sets (needs_two; the first is needs())."""
    ruleset = triage.load_rules()
    patterns = {id(p): p for term in ruleset.terms.values() for p in term.patterns}
    needed = {pid: prefilter.needs(p) for pid, p in patterns.items()}
    assert sum(n is not None for n in needed.values()) > 0.99 * len(needed)
    both = {pid: prefilter.needs_two(p) for pid, p in patterns.items()}
    assert all((both[pid] or (None,))[0] == needed[pid] for pid in patterns)  # needs() is the rarest of the two
    assert sum(len(sets) == 2 for sets in both.values()) > 0.4 * len(both)
    for text in _texts():
        for pid, pattern in patterns.items():
            for m in pattern.finditer(text):
                for strings in both[pid]:
                    assert _holds(text, m, strings), (pattern.pattern, text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_SYNTAX, " ", "ab ", r"\s+", "(?:ab|x )", r"\B"]), min_size=1, max_size=10),
       st.text(alphabet="abx-]^[. 1,{\n", max_size=40), st.booleans())
def test_needs_holds_for_any_pattern_that_compiles(pieces, text, wrapped):
    """Random syntax, alone or wrapped in \\b as the rules wrap it: every match holds a string of each needed set
    (needs_two, whose first is needs())."""
    import warnings

    source = "".join(pieces)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            pattern = re.compile(rf"\b(?:{source})\b" if wrapped else source)
        except (re.error, FutureWarning):
            return
    for m in pattern.finditer(text):
        for needed in prefilter.needs_two(pattern):
            assert _holds(text, m, needed), (pattern.pattern, text)


@pytest.mark.parametrize(("source", "lead"), [
    ("(?:warning )?signs?", True), (r"(?<!not )went away", True), (r"\d+ years", True), ("x?y", True), ("ñu", True),
    (r"\s+y", False), ("[.!?]+", False), (r"(?:a|\s)b", False), ("x?", False), (r"\w+", False), (".a", False),
    (r"(a)\1", False),
])
def test_word_lead_says_whether_every_match_starts_with_a_word_character(source, lead):
    assert prefilter.word_lead(source) is lead


@pytest.mark.parametrize("text", ["  y", ". y no", "a. y", "no  y", "x  y, but"])
def test_combine_cues_keeps_the_word_boundary_of_cues_that_start_with_a_space(text):
    """A cue led by whitespace keeps its \\b: after a full stop, " y" is no match (the guard alone would allow it)."""
    alternatives = [r"\s+y", "no", "but", r"[.!?]+"]
    assert _spans(rules.combine_cues(alternatives), text) == _spans(_reference_cues(alternatives), text)


@pytest.mark.parametrize(("source", "lead"), [
    ("[.!?;]+", True), (r"\b(?:\s+y)\b", True), (r",\s*(?:and)", True), (r"\.", True), (r"\W", True),
    ("a", False), (r"\w", False), ("[a-z]", False), ("(?:,|a)", False), ("_", False), (r"[\-z]", False),
    (",?", False), (r"(a)\1", False),
])
def test_nonword_lead_says_whether_every_match_starts_with_punctuation_or_space(source, lead):
    assert prefilter.nonword_lead(source) is lead


_WORD_PIECES = ["no", "not", "but", "a", "pain", r"\d+", "(?:warning )?", "(?:ab|c)", "ñ", r"(?<!no )x", r"y\s+"]
_PUNCT_PIECES = [r"[.!?]+", ", and", r"\s+y", r"\.", ",", r"[;:]\s*"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([_WORD_PIECES, _PUNCT_PIECES]).flatmap(
    lambda pieces: st.lists(st.lists(st.sampled_from(pieces), min_size=1, max_size=3).map("".join),
                            min_size=1, max_size=5)),
    st.text(alphabet="abnotpicxyñ_ 0123.!?,;\n", max_size=60))
def test_combine_cues_of_only_word_or_only_punctuation_cues_matches_as_first_combined(alternatives, text):
    """The two shapes without the two-way guard (one \\b, or none before punctuation): the same spans, from any
    offset and to any end, as the cue list first combined."""
    plain, fast = _reference_cues(alternatives), rules.combine_cues(alternatives)
    assert _spans(fast, text) == _spans(plain, text)
    start = random.Random(text).randrange(len(text) + 1)
    end = random.Random(start).randrange(start, len(text) + 1)
    assert [m.span() for m in fast.finditer(text, start, end)] == [m.span() for m in plain.finditer(text, start, end)]


def test_select_keeps_the_patterns_candidates_and_needs_keep():
    """The bit sets of select(): exactly the patterns with an anchor found (or none to look for) with a string of
    each of their two rarest needed sets found (needs_two), as candidates() gives them as sets; the same word
    starts."""
    ruleset = triage.load_rules()
    chosen = reading._rules_plan(ruleset).selection
    number = {id(p): i for i, p in enumerate(chosen.patterns)}
    finder, always = prefilter.index({id(p): p for p in chosen.patterns})
    for text in _texts():
        anchored, possible, held = prefilter.candidates(text, finder, always)
        want = {number[pid] for pid in possible
                if all(strings & held for strings in prefilter.needs_two(chosen.patterns[number[pid]]))}
        found, kept = selection.select(text, chosen)
        assert kept == selection.bits(want), text
        assert {a: sorted(p) for a, p in found.items()} == {a: sorted(p) for a, p in anchored.items()}, text


def test_run_gives_finditer_over_the_whole_text_for_every_kept_pattern():
    """Each pattern select() keeps, run at its anchors' word starts, matches as finditer over the whole text;
    every pattern it leaves out has no match at all."""
    ruleset = triage.load_rules()
    chosen = reading._rules_plan(ruleset).selection
    for text in _texts()[::4]:
        found, kept = selection.select(text, chosen)
        for i, pattern in enumerate(chosen.patterns):
            want = [m.span() for m in pattern.finditer(text)]
            if kept >> i & 1:
                assert [m.span() for m in selection.run(chosen, i, text, found)] == want, (pattern.pattern, text)
            else:
                assert not want, (pattern.pattern, text)


@pytest.mark.parametrize(("source", "needed"), [
    (r"\b(?:(?:pain|ache) in (?:my )?chest)\b", ({"chest"}, {"pain", "ache"})),
    (r"(?:pain|ache) in (?:my )?chest", ({"chest"}, {"in "})), (r"\b(?:a b)\b", ({"a b"},)),
    (r"\b(?:x\Bpainful)\b", ({"x"},)), ("(?:ab|c)?", ()), (r"(?i)\bchest\b", ()),
])
def test_needs_two_gives_the_two_rarest_sets(source, needed):
    """Rarest first (longer strings are rarer); without the rules' \\b only what follows a space is a word start."""
    assert prefilter.needs_two(re.compile(source)) == tuple(frozenset(s) for s in needed)


def test_guarded_cues_search_as_the_cues_on_every_slice_a_discount_reads():
    """The cues searched behind their needed strings (prefilter.Guarded, reading.GUARDED): the same answer as the
    cue itself on the slices _reason_to_discount reads (a text's start up to each word, each word on, and the two
    joined around it), over corpus rows and long stories."""
    ruleset = triage.load_rules()
    guarded = reading._discount_cues(ruleset)
    for text in _texts():
        for m in list(re.finditer(r"\w+", text))[::3]:
            for piece in (text[:m.start()], text[m.end():], text[:m.start()] + " " + text[m.end():]):
                for kind in reading.GUARDED:
                    want = ruleset.cues[kind].search(piece)
                    got = guarded[kind].search(piece)
                    assert (got and got.span()) == (want and want.span()), (kind, piece)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORD_PIECES), min_size=1, max_size=4), st.text(alphabet="abnotpiyx ñ.,", max_size=40))
def test_guarded_search_is_the_search_for_any_cue_list(alternatives, text):
    """Random cue lists: a guarded search finds what the cue finds, or nothing when the cue finds nothing."""
    cue = rules.combine_cues(alternatives)
    got, want = prefilter.Guarded(cue).search(text), cue.search(text)
    assert (got and got.span()) == (want and want.span()), (alternatives, text)
