"""Screen a message for red flags before any article is looked up.

All clinical and language knowledge is data (data/redflags.toml), reviewed like
code: *terms* name findings ("chest_pain", "fever") as phrase patterns, *rules*
name the terms that must co-occur for a presentation to be an emergency or
urgent, with the message to show and the clinical source the rule comes from.

The engine reads a message the way a clinician skims it:

* spelling is repaired first (a curated variant table, then a guarded
  one-typo correction towards the clinical vocabulary), so "numbess in my
  groyne" and "brething" still count;
* the text is cut into clauses (sentence ends, "but", "although", ", and my"
  ...), and a finding only counts in its own clause when it is not negated
  ("no fever", "denies numbness", "I'm not dizzy"), not placed in the remote
  past ("a fracture years ago"), not hypothetical ("what are the signs of a
  stroke"), not reported as gone ("numb toes that went away") and, for
  history findings, about the writer rather than a relative;
* a rule fires when all its terms count somewhere in the message (or in one
  sentence, when the rule says so) and none of its "unless" terms does.

Pure: no IO except reading the rules file once per process.
"""

from __future__ import annotations

import re
import string
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from bot import pattern_index, redflag_model, scope
from bot.pattern_index import anchors  # noqa: F401  (the rules' reading, for review and tests)
from bot.settings import BotSettings
from index.analysis import fold

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "redflags.toml"
LEVELS = ("emergency", "urgent", "routine", "none")
RULE_LEVELS = ("emergency", "urgent")
#: Placeholders a message or instruction may use; filled from the clinic's settings.
NUMBER_FIELDS = ("emergency_number", "crisis_line", "crisis_line_name", "domestic_abuse_line",
                 "domestic_abuse_line_name", "domestic_abuse_text", "domestic_abuse_text_word",
                 "child_abuse_line", "child_abuse_line_name")
DEFAULT_NUMBERS = {name: getattr(BotSettings, name) for name in NUMBER_FIELDS}  # the dataclass's defaults
#: The contract's families (issue 14): every rule names one; the leading rule's is the answer's.
FAMILIES = ("heart_vessels", "brain_nerves", "spine", "infection", "limbs_trauma", "children", "pregnancy",
            "mental_health", "allergy")
#: Answer shapes a rule may ask for (bot/answers.py words them); default: by level.
ANSWERS = ("emergency", "urgent", "crisis", "self_harm_bleeding", "overdose", "staggered_overdose", "abuse",
           "child_abuse", "maternity", "ectopic")
CUE_KINDS = ("boundary", "sentence", "negation", "pseudo_negation", "inner_negation", "post_negation", "past",
             "hypothetical", "resolved", "third_party")
#: How many words before a finding a negation cue may sit and still reach it.
NEGATION_REACH = 8
WORD = re.compile(r"[a-z]+")
#: Plain words inside a pattern source (not after a backslash: \\w, \\s, \\b).
LITERAL = re.compile(r"(?<![\\a-z])[a-z]{4,}")


class RulesError(Exception):
    """The rules file is malformed; the message names the rule, term and field."""


@dataclass(frozen=True)
class Term:
    """A finding a visitor may report, and how its mentions are to be read."""

    name: str
    patterns: tuple[re.Pattern, ...]
    past_ok: bool = False       # history findings: "had breast cancer" counts
    transient_ok: bool = False  # warning signs that matter even once gone (TIA)
    self_only: bool = False     # "my mum had cancer" is not the writer's history


@dataclass(frozen=True)
class Rule:
    """One red-flag presentation: the terms that together make it one."""

    id: str
    category: str
    level: str
    message: str
    source: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()
    within: str = "message"
    instruction: str | None = None
    family: str = ""
    answer: str = ""           # one of ANSWERS; "" means the level's own answer
    message_es: str | None = None


@dataclass(frozen=True)
class RuleSet:
    """Everything the rules file holds, compiled and cross-checked."""

    rules: tuple[Rule, ...]
    terms: dict
    cues: dict
    instructions: dict
    variants: dict
    fuzzy: frozenset
    protect: frozenset
    corrections: dict = field(default_factory=dict, compare=False, repr=False)  # word -> repaired word
    #: read()'s working plan, made on first use (see _read_plan)
    plan: dict = field(default_factory=dict, compare=False, repr=False)

    def __iter__(self):
        """Iterate the rules, so a RuleSet reads like the list of rules it is."""
        return iter(self.rules)

    def __len__(self) -> int:
        """The number of rules."""
        return len(self.rules)


@dataclass(frozen=True)
class Triage:
    """The screening outcome for one message."""

    level: str
    rule_ids: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    message: str | None = None
    lead: str | None = None  # category of the rule whose instruction leads the message
    family: str | None = None  # the presentation family, from the leading rule or else the learned layer
    learned_score: float | None = None  # the learned layer's 1 - P(routine), when it fired
    source: str | None = None  # what flagged it: "rules", "learned" or "both"

    @property
    def is_red_flag(self) -> bool:
        """Emergency or urgent: the answer leads with care advice."""
        return self.level in RULE_LEVELS

    @property
    def is_crisis(self) -> bool:
        """Self-harm leads: the answer must lead with the crisis line."""
        return self.lead == "self-harm"

    @property
    def mentions_crisis(self) -> bool:
        """Self-harm fired, leading or beside another emergency: the crisis line must be offered."""
        return "self-harm" in self.categories


# ---------------------------------------------------------------- loading

def _regex(where: str, source: str) -> re.Pattern:
    """Compile one pattern on whole words (a cue starting with punctuation stands as written)."""
    if "'" in source:
        raise RulesError(f"{where}: pattern {source!r} has an apostrophe; text is matched with "
                         "apostrophes removed (write dont, cant, im)")
    try:
        return re.compile(rf"\b(?:{source})\b")
    except re.error as exc:
        raise RulesError(f"{where}: bad pattern {source!r}: {exc}") from exc


def _cue_regex(where: str, alternatives: list[str]) -> re.Pattern:
    """One regex for a cue list; punctuation cues ("[.!?]+", ", and") get no word boundaries."""
    parts = []
    for alt in alternatives:
        _regex(where, alt)  # validates each alternative on its own, with a clear message
        parts.append(alt if alt.startswith(("[", ",")) else rf"\b(?:{alt})\b")
    try:
        # Every cue starts at a word start or with punctuation: saying so first spares the regex
        # engine trying each alternative inside every word (a long message, many cues).
        return re.compile(r"(?:(?<!\w)|(?!\w))(?:" + "|".join(f"(?:{p})" for p in parts) + ")")
    except re.error as exc:
        raise RulesError(f"{where}: cues do not combine: {exc}") from exc


def _term_specs(raw_terms: dict) -> dict:
    specs = {}
    for name, raw in raw_terms.items():
        if isinstance(raw, list):
            raw = {"patterns": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("patterns"), list) or not raw["patterns"]:
            raise RulesError(f"term {name}: needs a non-empty list of patterns")
        unknown = set(raw) - {"patterns", "past_ok", "transient_ok", "self_only", "note"}
        if unknown:
            raise RulesError(f"term {name}: unknown field(s) {sorted(unknown)}")
        specs[name] = raw
    return specs


def _resolve_term(name: str, specs: dict, done: dict, stack: tuple[str, ...] = ()) -> Term:
    """Compile a term, expanding "@other" references (no cycles allowed)."""
    if name in done:
        return done[name]
    if name in stack:
        raise RulesError(f"term {name}: circular reference via {' -> '.join(stack)}")
    if name not in specs:
        raise RulesError(f"term {stack[-1] if stack else '?'}: unknown term @{name}")
    spec = specs[name]
    patterns: list[re.Pattern] = []
    for item in spec["patterns"]:
        if not isinstance(item, str) or not item.strip():
            raise RulesError(f"term {name}: patterns must be non-empty strings")
        if item.startswith("@"):
            patterns.extend(_resolve_term(item[1:], specs, done, (*stack, name)).patterns)
        else:
            patterns.append(_regex(f"term {name}", item))
    term = Term(name, tuple(patterns), bool(spec.get("past_ok")), bool(spec.get("transient_ok")),
                bool(spec.get("self_only")))
    done[name] = term
    return term


def _check_template(where: str, text: str) -> None:
    """Only the known number placeholders may appear, so rendering cannot fail at run time."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise RulesError(f"{where}: bad placeholder: {exc}") from exc
    unknown = fields - set(NUMBER_FIELDS)
    if unknown:
        raise RulesError(f"{where}: unknown placeholder(s) {sorted(unknown)}; use {NUMBER_FIELDS}")


def _rule(raw: dict, terms: dict, seen: set) -> Rule:
    rule_id = raw.get("id", "?")
    for key in ("id", "category", "level", "message", "source", "terms"):
        if not raw.get(key):
            raise RulesError(f"rule {rule_id}: missing {key!r}")
    if rule_id in seen:
        raise RulesError(f"rule {rule_id}: duplicate id")
    if raw["level"] not in RULE_LEVELS:
        raise RulesError(f"rule {rule_id}: level must be one of {RULE_LEVELS}")
    if raw.get("within", "message") not in ("message", "sentence"):
        raise RulesError(f"rule {rule_id}: within must be 'message' or 'sentence'")
    for key in ("terms", "unless"):
        for name in raw.get(key, []):
            if name not in terms:
                raise RulesError(f"rule {rule_id}: {key} names unknown term {name!r}")
    unknown = set(raw) - {"id", "category", "level", "message", "source", "terms", "unless",
                          "within", "instruction", "note", "family", "answer", "message_es"}
    if unknown:
        raise RulesError(f"rule {rule_id}: unknown field(s) {sorted(unknown)}")
    if raw.get("family") not in FAMILIES:
        raise RulesError(f"rule {rule_id}: family must be one of {FAMILIES}")
    if raw.get("answer", "") not in ("", *ANSWERS):
        raise RulesError(f"rule {rule_id}: answer must be one of {ANSWERS}")
    _check_template(f"rule {rule_id} message", raw["message"])
    for key in ("instruction", "message_es"):
        if raw.get(key):
            _check_template(f"rule {rule_id} {key}", raw[key])
    message_es = " ".join(raw["message_es"].split()) if raw.get("message_es") else None
    return Rule(rule_id, raw["category"], raw["level"], " ".join(raw["message"].split()),
                raw["source"].strip(), tuple(raw["terms"]), tuple(raw.get("unless", [])),
                raw.get("within", "message"), raw.get("instruction"), raw["family"], raw.get("answer", ""),
                message_es)


def parse_rules(data: dict) -> RuleSet:
    """Compile and validate a parsed rules document; every problem is a RulesError."""
    specs = _term_specs(data.get("terms", {}))
    terms: dict = {}
    for name in specs:
        _resolve_term(name, specs, terms)
    raw_cues = data.get("cues", {})
    missing = [k for k in CUE_KINDS if not raw_cues.get(k)]
    if missing:
        raise RulesError(f"cues: missing {missing}")
    cues = {kind: _cue_regex(f"cues {kind}", raw_cues[kind]) for kind in CUE_KINDS}
    instructions = {}
    for level in RULE_LEVELS:
        text = data.get("levels", {}).get(level, {}).get("instruction")
        if not text:
            raise RulesError(f"levels.{level}: missing instruction")
        _check_template(f"levels.{level}", text)
        instructions[level] = text
    learned = data.get("levels", {}).get("learned", {}).get("instruction")
    if learned:  # the lead line of a flag only the learned layer raised (bot/redflag_model.combine)
        _check_template("levels.learned", learned)
        instructions["learned"] = learned
    seen: set[str] = set()
    rules = []
    for raw in data.get("rule", []):
        rule = _rule(raw, terms, seen)
        seen.add(rule.id)
        rules.append(rule)
    if not rules:
        raise RulesError("no rules defined")
    spelling = data.get("spelling", {})
    variants = {fold(k).replace("'", ""): fold(v) for k, v in spelling.get("variants", {}).items()}
    fuzzy = frozenset(fold(w) for w in spelling.get("fuzzy", []))
    # Words the patterns spell out literally are right as written: never "correct" them.
    literal = {w for term in terms.values() for p in term.patterns for w in LITERAL.findall(p.pattern)}
    protect = frozenset(fold(w) for w in spelling.get("protect", [])) | (literal - fuzzy)
    return RuleSet(tuple(rules), terms, cues, instructions, variants, fuzzy, protect)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> RuleSet:
    """Parse and validate the rules file once per process."""
    path = Path(path) if path else RULES_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read red-flag rules {path}: {exc}") from exc
    return parse_rules(data)


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
    if len(word) < 5 or word in ruleset.fuzzy or word in ruleset.protect:
        return word
    cached = ruleset.corrections.get(word)
    if cached is None:
        substitutions = len(word) >= 7
        cached = next((t for t in sorted(ruleset.fuzzy)
                       if t[0] == word[0] and abs(len(t) - len(word)) <= 1 and _one_edit(word, t, substitutions)),
                      word)
        if len(ruleset.corrections) < 50000:  # visitor text is unbounded; the cache is not
            ruleset.corrections[word] = cached
    return cached


def normalise(message: str, ruleset: RuleSet) -> str:
    """Fold case and accents, drop apostrophes, repair spelling, keep punctuation."""
    text = fold(message).replace("'", "").replace("\r", "\n").replace("-", " ")
    text = re.sub(r"\n+", " . ", text)
    text = WORD.sub(lambda m: correct_word(m.group(), ruleset), text)
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- reading

_spans = scope.clause_spans


@dataclass(frozen=True)
class Reading:
    """A message read once for both layers: normalised text, its clauses and what denials cover."""

    text: str
    clauses: list[tuple[int, int]]
    negated: list[tuple[int, int]]


def read_once(message: str, ruleset: RuleSet) -> Reading:
    """Normalise a message and find its clauses and negated spans (bot/scope.py)."""
    text = normalise(message, ruleset)
    clauses = _spans(text, ruleset.cues["boundary"])
    return Reading(text, clauses, scope.negated_spans(text, clauses, ruleset.cues, NEGATION_REACH))


def _containing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return spans[_index_of(spans, pos)]


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


def _reason_to_discount(text: str, m: re.Match, clause: tuple[int, int], term: Term,
                        cues: dict, negated: list[tuple[int, int]]) -> str | None:
    before = text[clause[0]:m.start()]
    after = text[m.end():clause[1]]
    if scope.covered(m.start(), negated) or cues["inner_negation"].search(m.group()):
        return "negated"
    if cues["hypothetical"].search(before):
        return "hypothetical"
    if not term.past_ok and cues["past"].search(before + " " + after):
        return "past"
    if not term.transient_ok and cues["resolved"].search(after):
        return "resolved"
    if term.self_only and cues["third_party"].search(before):
        return "someone else"
    return None


def _read_plan(ruleset: RuleSet) -> tuple:
    """Each pattern's (reading order, term) uses, and where each pattern may start (bot/pattern_index.py)."""
    plan = ruleset.plan.get("read")
    if plan is None:
        pairs = [(term, pattern) for term in ruleset.terms.values() for pattern in term.patterns]
        uses: dict[int, list[tuple[int, Term]]] = {}
        for order, (term, pattern) in enumerate(pairs):
            uses.setdefault(id(pattern), []).append((order, term))
        patterns = {id(p): p for _, p in pairs}
        plan = ruleset.plan["read"] = (uses, patterns, *pattern_index.index(patterns))
    return plan


def read(message: str, ruleset: RuleSet | None = None, reading: Reading | None = None) -> list[Mention]:
    """Every term mention in a message and how it was read: the engine's working, for review."""
    ruleset = ruleset if ruleset is not None else load_rules()
    reading = reading or read_once(message, ruleset)
    text, clauses = reading.text, reading.clauses
    sentences = _spans(text, ruleset.cues["sentence"])
    mentions = []
    found: dict[int, list[re.Match]] = {}  # composite terms share pattern objects: match each once
    uses, patterns, by_prefix, always = _read_plan(ruleset)
    starts, whole = pattern_index.candidates(text, by_prefix, always)
    # only the patterns that may match, each use in the rules file's reading order
    for _, term, pattern_id in sorted((order, term, pid) for pid in whole.union(starts) for order, term in uses[pid]):
        if pattern_id not in found:
            pattern = patterns[pattern_id]
            found[pattern_id] = (list(pattern.finditer(text)) if pattern_id in whole
                                 else pattern_index.matches(pattern, text, starts[pattern_id]))
        for m in found[pattern_id]:
            reason = _reason_to_discount(text, m, _containing(clauses, m.start()), term, ruleset.cues,
                                         reading.negated)
            sentence = _index_of(sentences, m.start())
            mentions.append(Mention(term.name, m.start(), m.group(), reason is None, reason, sentence))
    return mentions


def _fires(rule: Rule, present: dict) -> bool:
    if not all(name in present for name in rule.terms):  # first: most rules fail on their first term
        return False
    if any(name in present for name in rule.unless):
        return False
    if rule.within == "sentence":
        shared = set.intersection(*(present[name] for name in rule.terms))
        return bool(shared)
    return True


def render(text: str, numbers: dict | None = None) -> str:
    """Fill the clinic's emergency and crisis numbers into a message template."""
    values = dict(DEFAULT_NUMBERS)
    values.update({k: v for k, v in (numbers or {}).items() if v})
    return text.format_map(values)


#: Longest text screened in full; see screen().
MAX_SCREEN_CHARS = 20_000


def screen(message: str, rules: RuleSet | None = None, numbers: dict | None = None, learned=None) -> Triage:
    """Check a message against every rule, then let the learned layer raise the level, never lower it.

    The message's first line is the level's instruction (or the rule's own, for
    the crisis line); the next says why. When self-harm fires beside another
    emergency, the crisis line is added so neither is lost. ``learned`` is a
    redflag_model.Model, False for the rules alone, or None for the bundled model.
    """
    ruleset = rules if rules is not None else load_rules()
    model = redflag_model.load_default() if learned is None else learned
    if len(message) > MAX_SCREEN_CHARS:
        # Screening is linear in length (about 40 us a character); every channel caps
        # messages far below this, so only pathological input is cut. Keep both ends:
        # the alarming part of a long story is often its last sentence.
        half = MAX_SCREEN_CHARS // 2
        message = message[:half] + "\n" + message[-half:]
    reading = read_once(message, ruleset)
    result = _by_rules(reading, ruleset, numbers)
    if not model:
        return replace(result, source="rules") if result.is_red_flag else result
    prediction = model.predict(redflag_model.features(reading.text, reading.negated))
    return redflag_model.combine(result, prediction, ruleset.instructions, numbers)


def _by_rules(reading: Reading, ruleset: RuleSet, numbers: dict | None) -> Triage:
    """The rules' verdict on a message already read."""
    present: dict[str, set[int]] = {}
    for mention in read("", ruleset, reading):
        if mention.counts:
            present.setdefault(mention.term, set()).add(mention.sentence)
    fired = [r for r in ruleset.rules if _fires(r, present)]
    if not fired:
        return Triage("none")
    fired.sort(key=lambda r: (LEVELS.index(r.level), r.category == "self-harm"))
    top = fired[0]
    reasons = [top.message]
    crisis = next((r for r in fired if r.category == "self-harm"), None)
    if crisis is not None and crisis is not top:
        reasons.append(crisis.instruction or crisis.message)
    instruction = top.instruction or ruleset.instructions[top.level]
    return Triage(
        level=top.level,
        rule_ids=[r.id for r in fired],
        categories=sorted({r.category for r in fired}),
        message=render(instruction + "\n" + " ".join(reasons), numbers),
        lead=top.category,
        family=top.family,
    )
