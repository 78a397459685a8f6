"""Reading a message the way a clinician skims it, for both red-flag layers.

* spelling is repaired first (a curated variant table, then a guarded
  one-typo correction towards the clinical vocabulary), so "numbess in my
  groyne" and "brething" still count;
* the text is cut into clauses (sentence ends, "but", "although", ", and my"
  ...), and a finding only counts in its own clause when it is not negated
  (bot/scope.py: "no fever", "denies numbness", "I'm not dizzy"), not placed in
  the remote past ("a fracture years ago"), not hypothetical ("what are the
  signs of a stroke"), not reported as gone ("numb toes that went away") and,
  for history findings, about the writer rather than a relative.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import compress, repeat
from operator import and_

import bot.triage.prefilter as prefilter
import bot.triage.selection as selection
from bot import scope
from bot.triage.rules import Rule, RuleSet, Term, load_rules
from index.analysis import fold

#: How many words before a finding a negation cue may sit and still reach it.
NEGATION_REACH = 8
WORD = re.compile(r"[a-z]+")
WORD_SPLIT = re.compile(r"([a-z]+)")


# ---------------------------------------------------------------- spelling

def _one_edit(a: str, b: str, substitutions: bool) -> bool:
    """True when b is one insertion, deletion, adjacent swap (or substitution) away from a."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
                and a[diffs[1]] == b[diffs[0]]:
            return True
        return substitutions and len(diffs) == 1
    short, long_ = (a, b) if la < lb else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def correct_word(word: str, ruleset: RuleSet) -> str:
    """Repair one misspelt word towards the clinical vocabulary, conservatively.

    Typos rarely touch the first letter, and a substituted letter in a short
    word too often makes another real word ("cancel", "fewer"), so short words
    only accept a dropped, doubled or swapped letter; the protect list holds
    real words that would still collide.
    """
    if word in ruleset.variants:
        return ruleset.variants[word]
    cached = ruleset.corrections.get(word)
    if cached is None:
        if len(word) < 5 or word in ruleset.fuzzy or word in ruleset.protect:
            cached = word  # kept too, so normalise() answers the common short words without a call
        else:
            substitutions = len(word) >= 7
            cached = next((t for t in sorted(ruleset.fuzzy) if t[0] == word[0] and abs(len(t) - len(word)) <= 1
                           and _one_edit(word, t, substitutions)), word)
        if len(ruleset.corrections) < 50000:  # visitor text is unbounded; the cache is not
            ruleset.corrections[word] = cached
    return cached


def normalise(message: str, ruleset: RuleSet) -> str:
    """Fold case and accents, drop apostrophes, repair spelling, keep punctuation."""
    text = fold(message).replace("'", "").replace("\r", "\n").replace("-", " ")
    if "\n" in text:
        text = re.sub(r"\n+", " . ", text)
    parts = WORD_SPLIT.split(text)  # words at odd indexes: WORD.sub's replacements, without a call per match
    words = parts[1::2]
    # correct_word's own cache: a word found there is answered without the call (a long story: all but a few)
    fixed = list(map(ruleset.corrections.get, words))
    if not all(fixed):
        fixed = [f or correct_word(w, ruleset) for f, w in zip(fixed, words, strict=True)]
    parts[1::2] = fixed
    return " ".join("".join(parts).split())  # runs of whitespace as one space, none at the ends: re's \s is isspace()


# ---------------------------------------------------------------- reading

_spans = scope.clause_spans


@dataclass(frozen=True)
class Reading:
    """A message read once for both layers: normalised text, its clauses and what denials cover.

    What denials cover is found clause by clause when first asked (a denial
    never reaches past its clause): the rules ask only of the clauses where a
    finding was matched (clause_negated), the learned layer of the whole text
    (negated, every clause's spans merged).
    """

    text: str
    clauses: list[tuple[int, int]]
    cues: dict = field(repr=False, compare=False)
    ascii: bool = False  # read with the ASCII-class forms of the patterns (_compiled): the same matches, sooner
    _by_clause: dict = field(default_factory=dict, repr=False, compare=False)  # clause index -> its spans

    def clause_negated(self, i: int) -> list[tuple[int, int]]:
        """The spans denials cover in clause i, sorted and merged (scope.clause_negated), found once."""
        spans = self._by_clause.get(i)
        if spans is None:
            start, end = self.clauses[i]
            spans = self._by_clause[i] = scope.clause_negated(self.text, start, end, self.cues, NEGATION_REACH)
        return spans

    @cached_property
    def negated(self) -> list[tuple[int, int]]:
        """Every span a denial covers, sorted and merged: scope.negated_spans over the whole text."""
        return scope.negated_spans(self.text, self.clauses, self.cues, NEGATION_REACH, self._by_clause)


def read_once(message: str, ruleset: RuleSet) -> Reading:
    """Normalise a message and find its clauses (negated spans: when asked, bot/scope.py)."""
    text = normalise(message, ruleset)
    ascii_classes = text.isascii() or _UNICODE_CLASS.search(text) is None
    cues = _compiled(ruleset, ascii_classes).cues
    return Reading(text, _spans(text, cues["boundary"]), cues, ascii_classes)


#: A character outside ASCII that \w, \d or \s matches. In a text without one, a pattern's classes and word
#: boundaries mean the same under re.ASCII, which the regex engine tests from a table rather than Unicode data.
_UNICODE_CLASS = re.compile(r"(?=[^\x00-\x7f])[\w\s]")


@dataclass(frozen=True)
class _Compiled:
    """The rules' patterns as a reading uses them: the cues, present()'s plan and the cues a discount reads."""

    cues: dict
    present: _RulesPlan
    discount: dict


def _ascii(pattern: re.Pattern) -> re.Pattern:
    """The pattern with ASCII classes (re.ASCII); itself when it cannot take the flag (an inline (?u))."""
    try:
        return re.compile(pattern.pattern, pattern.flags & ~re.UNICODE | re.ASCII)
    except (re.error, ValueError):
        return pattern


def _compiled(ruleset: RuleSet, ascii_classes: bool) -> _Compiled:
    """The rules' patterns as compiled (Unicode classes), or all recompiled with ASCII classes; each made once.

    A text whose every non-ASCII character is none of \\w, \\d, \\s (read_once:
    most messages, Spanish ones with their ¿ and ¡ too, once folded) is read
    with the ASCII forms: every class, \\b and lookaround then decides the same
    at every position, so the matches are the same.
    """
    key = "compiled_ascii" if ascii_classes else "compiled"
    compiled = ruleset.plan.get(key)
    if compiled is None:
        plan, cues = _rules_plan(ruleset), ruleset.cues
        if ascii_classes:
            chosen = plan.selection
            regex, table = chosen.finder
            plan = replace(plan, selection=replace(chosen, finder=(regex and _ascii(regex), table),
                                                   patterns=tuple(map(_ascii, chosen.patterns))))
            cues = {kind: _ascii(cue) for kind, cue in cues.items()}
        discount = {**cues, **{kind: prefilter.Guarded(cues[kind]) for kind in GUARDED}}
        compiled = ruleset.plan[key] = _Compiled(cues, plan, discount)
    return compiled


def _containing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return spans[_index_of(spans, pos)]


def _clause_at(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int, int]:
    """The clause holding pos as (start, end, opened): opened is where the boundary that cut it begins, so the
    word that opened it ("since", "desde que", which the splitter does not keep in the clause) can be read."""
    return _clause(clauses, _index_of(clauses, pos))


def _clause(clauses: list[tuple[int, int]], i: int) -> tuple[int, int, int]:
    """Clause i as (start, end, opened), as _clause_at gives it."""
    start, end = clauses[i]
    return start, end, clauses[i - 1][1] if i else start


def _index_of(spans: list[tuple[int, int]], pos: int) -> int:
    """Index of the span holding pos (sorted, disjoint spans); the last span when none does."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i if i >= 0 and pos < spans[i][1] else len(spans) - 1


@dataclass(frozen=True)
class Mention:
    """Where a term was found, and whether the reading lets it count."""

    term: str
    start: int
    text: str
    counts: bool
    reason: str | None
    sentence: int


def _reason_to_discount(text: str, m: re.Match, clause: tuple[int, int, int], term: Term,
                        cues: dict, negated: list[tuple[int, int]]) -> str | None:
    before = text[clause[0]:m.start()]
    after = text[m.end():clause[1]]
    if scope.covered(m.start(), negated) or cues["inner_negation"].search(m.group()):
        return "negated"
    if cues["hypothetical"].search(before):
        return "hypothetical"
    # a clause opened by an onset ("since last winter I...", "desde que me cai el invierno pasado...") is dated
    # from then on: its dates say when something still present began, not that it is over
    dated = before + " " + after
    if not term.past_ok and not cues["onset"].match(text, clause[2], clause[0]) and (
            cues["past"].search(dated) or term.weeks_past and cues["past_weeks"].search(dated)):
        return "past"
    if not term.transient_ok and cues["resolved"].search(after):
        return "resolved"
    if term.self_only and cues["third_party"].search(before):
        return "someone else"
    return None


def _read_plan(ruleset: RuleSet) -> tuple:
    """Each pattern's (reading order, term) uses, and where each pattern may start (prefilter.py)."""
    plan = ruleset.plan.get("read")
    if plan is None:
        pairs = [(term, pattern) for term in ruleset.terms.values() for pattern in term.patterns]
        uses: dict[int, list[tuple[int, Term]]] = {}
        for order, (term, pattern) in enumerate(pairs):
            uses.setdefault(id(pattern), []).append((order, term))
        patterns = {id(p): p for _, p in pairs}
        plan = ruleset.plan["read"] = (uses, patterns, *prefilter.index(patterns))
    return plan


#: The cues searched in a clause's slices for every mention (_reason_to_discount) that pay for a guard: long lists
#: whose needed strings most slices lack (the past cues: about 80% of a long story's slices, twice as fast).
GUARDED = ("past", "past_weeks", "resolved", "third_party")


def _discount_cues(ruleset: RuleSet) -> dict:
    """The rules' cues, those in GUARDED searched behind their needed strings (prefilter.Guarded); made once."""
    return _compiled(ruleset, False).discount


def read(message: str, ruleset: RuleSet | None = None, reading: Reading | None = None) -> list[Mention]:
    """Every term mention in a message and how it was read: the engine's working, for review."""
    ruleset = ruleset if ruleset is not None else load_rules()
    reading = reading or read_once(message, ruleset)
    text, clauses = reading.text, reading.clauses
    sentences = _spans(text, ruleset.cues["sentence"])
    mentions = []
    found: dict[int, list[re.Match]] = {}  # composite terms share pattern objects: match each once
    uses, patterns, finder, always = _read_plan(ruleset)
    anchored, possible, _ = prefilter.candidates(text, finder, always)
    # only the patterns that may match, each use in the rules file's reading order
    for _, term, pattern_id in sorted((order, term, pid) for pid in possible for order, term in uses[pid]):
        if pattern_id not in found:
            pattern = patterns[pattern_id]
            found[pattern_id] = (list(pattern.finditer(text)) if pattern_id in always
                                 else prefilter.matches(pattern, text, prefilter.starts(pattern, anchored)))
        for m in found[pattern_id]:
            reason = _reason_to_discount(text, m, _clause_at(clauses, m.start()), term, _discount_cues(ruleset),
                                         reading.negated)
            sentence = _index_of(sentences, m.start())
            mentions.append(Mention(term.name, m.start(), m.group(), reason is None, reason, sentence))
    return mentions



@dataclass(frozen=True)
class _RulesPlan:
    """present()'s working plan: the patterns as bit sets (selection.Selection), each term's patterns as one int."""

    selection: selection.Selection
    term_bits: dict[str, int]
    sentence_terms: frozenset[str]  # the terms whose sentences matter (those of within = "sentence" rules)
    rules: list[tuple[Rule, frozenset[str]]]  # each rule with its terms as a set


def _rules_plan(ruleset: RuleSet) -> _RulesPlan:
    """present()'s plan, made on first use: patterns numbered in the rules file's order (each once)."""
    plan = ruleset.plan.get("present")
    if plan is None:
        patterns = list({id(p): p for term in ruleset.terms.values() for p in term.patterns}.values())
        number = {id(p): i for i, p in enumerate(patterns)}
        plan = ruleset.plan["present"] = _RulesPlan(
            selection.build(patterns),
            {name: selection.bits(number[id(p)] for p in term.patterns) for name, term in ruleset.terms.items()},
            frozenset(t for rule in ruleset.rules if rule.within == "sentence" for t in rule.terms),
            [(rule, frozenset(rule.terms)) for rule in ruleset.rules])
    return plan


#: present()'s sentences for a term that no sentence-bound rule uses: only whether it counts matters.
NO_SENTENCES: frozenset[int] = frozenset()


def present(reading: Reading, ruleset: RuleSet) -> dict[str, set[int]]:
    """The terms that count in a message and the sentences where they do: all the rules need to decide.

    The same verdict as collecting read()'s counting mentions, for less work:
    a term is read only when a rule still needs it (every term of that rule
    read before it counts, the cheapest read first, or it is an "unless" term
    of a rule whose terms all count), only its patterns with an anchor and a
    string of each of their two rarest needed sets in the message are run
    (bot/triage/selection.py), and a term that no sentence-bound rule uses
    stops at its first counting mention (the rules ask only whether it counts,
    so its sentences are not looked up: NO_SENTENCES; the message is cut into
    sentences only when a sentence-bound rule's term counts).
    A term never read is absent from the result, as an unread term cannot
    change a verdict: the rule that skipped it already failed on another
    term. So a rule fires on the result exactly when all its terms count and
    none of its "unless" terms does, whatever order its terms were read in.
    """
    text, clauses = reading.text, reading.clauses
    compiled = _compiled(ruleset, reading.ascii)
    plan = compiled.present
    chosen = plan.selection
    anchored, kept = selection.select(text, chosen)
    out: dict[str, set[int]] = {}
    if not kept:
        return out
    term_bits, sentence_terms = plan.term_bits, plan.sentence_terms
    live = set(compress(term_bits, map(and_, term_bits.values(), repeat(kept))))  # the terms with a pattern to try
    sentences: list = []
    found: dict[int, list[re.Match]] = {}
    done: set[str] = set()
    verdicts: dict[tuple, bool] = {}  # (span, term flags) -> whether it counts
    cues = compiled.discount

    def counts(name: str) -> bool:
        """Read one term once (when it may match at all) and say whether it counts."""
        if name in done:
            return name in out
        done.add(name)
        if name not in live:
            return False
        term, every = ruleset.terms[name], name in sentence_terms
        todo = term_bits[name] & kept
        while todo:  # the term's patterns to try, lowest number (first in the rules file) first
            low = todo & -todo
            todo ^= low
            i = low.bit_length() - 1
            if i not in found:
                found[i] = selection.run(chosen, i, text, anchored)
            for m in found[i]:
                # terms sharing a pattern, or patterns matching the same words, ask again of the same span:
                # the answer depends only on the span and the term's flags (about half the asks on a long story)
                key = (m.start(), m.end(), term.past_ok, term.weeks_past, term.transient_ok, term.self_only)
                counting = verdicts.get(key)
                if counting is None:
                    # a denial reaches no further than its clause: the clause's own spans decide (the last
                    # clause's, for a match between clauses: it starts after, and the spans lie inside clauses)
                    at = _index_of(clauses, m.start())
                    counting = verdicts[key] = _reason_to_discount(
                        text, m, _clause(clauses, at), term, cues, reading.clause_negated(at)) is None
                if counting:
                    if not every:
                        out[name] = NO_SENTENCES
                        break
                    if not sentences:  # cut only for the few terms a sentence-bound rule uses
                        sentences.extend(_spans(text, compiled.cues["sentence"]))
                    out.setdefault(name, set()).add(_index_of(sentences, m.start()))
            if not every and name in out:
                break
        return name in out

    def cost(name: str) -> int:
        """Read terms first (free), then those with fewer patterns to try: a rule stops at its first term
        that does not count, whichever it is, so the cheap ones should answer first."""
        return -1 if name in done else (term_bits[name] & kept).bit_count()

    for rule, terms in plan.rules:
        if not live >= terms:
            continue
        for name in sorted(rule.terms, key=cost) if len(terms) > 1 else terms:
            if not counts(name):
                break
        else:
            for name in rule.unless:
                counts(name)
    return out
