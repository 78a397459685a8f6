"""The red-flag rules file (data/redflags.toml) read, compiled and cross-checked.

*Terms* name findings ("chest_pain", "fever") as phrase patterns; *rules* name
the terms that must co-occur for a presentation to be an emergency or urgent,
with the message to show, the family, and the public source it comes from.
Every problem in the file is a RulesError naming the rule, term and field.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.settings import BotSettings
from bot.triage.prefilter import nonword_lead, with_lead, word_lead
from index.analysis import fold
from index.datafile import read_toml

RULES_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "redflags.toml"
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
    weeks_past: bool = False    # a named event weeks back is history too ("had a stroke last month"): cues past_weeks


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
    for alt in alternatives:
        _regex(where, alt)  # validates each alternative on its own, with a clear message
    try:
        return combine_cues(alternatives)
    except re.error as exc:
        raise RulesError(f"{where}: cues do not combine: {exc}") from exc


def combine_cues(alternatives: list[str]) -> re.Pattern:
    """The cue list as one regex: each alternative on whole words, the first that matches wins.

    Every cue starts at a word start or with punctuation: saying so first spares
    the regex engine trying each alternative inside every word. After that test
    a cue that starts with a word character is at a word start already, so its
    own leading \\b is left off: then each alternative starts with its first
    letter, which the engine compares before entering it (a long message, many cues).
    When every cue starts with a word character the test is one \\b (the cheapest
    for the engine to fail inside a word), and when none does there is no test,
    as the punctuation that starts each one is no word character.
    """
    parts = [alt if alt.startswith(("[", ",")) else rf"(?:{alt})\b" if word_lead(alt) else rf"\b(?:{alt})\b"
             for alt in alternatives]
    combined = re.compile("(?:" + "|".join(f"(?:{p})" for p in parts) + ")")
    if all(word_lead(alt) for alt in alternatives):
        return re.compile(r"\b" + with_lead(combined).pattern)  # the same matches; positions no cue starts at skipped
    if all(nonword_lead(part) for part in parts):
        return with_lead(combined)
    return with_lead(re.compile(r"(?:(?<!\w)|(?!\w))" + combined.pattern))


def _term_specs(raw_terms: dict) -> dict:
    specs = {}
    for name, raw in raw_terms.items():
        if isinstance(raw, list):
            raw = {"patterns": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("patterns"), list) or not raw["patterns"]:
            raise RulesError(f"term {name}: needs a non-empty list of patterns")
        unknown = set(raw) - {"patterns", "past_ok", "transient_ok", "self_only", "weeks_past", "note"}
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
                bool(spec.get("self_only")), bool(spec.get("weeks_past")))
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
    # optional: weeks-old time markers, read as past only for weeks_past terms (none listed: never)
    cues["past_weeks"] = _cue_regex("cues past_weeks", raw_cues.get("past_weeks") or [r"(?!)"])
    # optional: clause-opening words that date an onset ("since", "desde que"); none listed: no clause is one
    cues["onset"] = _cue_regex("cues onset", raw_cues.get("onset") or [r"(?!)"])
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
    return parse_rules(read_toml(path, RulesError, "red-flag rules"))

