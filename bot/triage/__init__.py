"""Screen a message for red flags before any article is looked up.

All clinical and language knowledge is data (data/redflags.toml), reviewed like
code. The package reads it in four steps, one module each:

* rules.py: the rules file loaded, compiled and cross-checked (terms, rules,
  cues, spelling), every problem a RulesError;
* reading.py: a message read once for both layers (spelling repaired,
  clauses, what denials cover, each finding's mentions and whether they count);
* prefilter.py: which term patterns can match where, and the rarest strings
  each needs, so reading costs what a message holds rather than its length
  times the rules; and each cue behind a lookahead of the characters it can
  start with (derived from the cue itself), read by regex_reader.py;
  selection.py holds that index as bit sets, the form the rules' reading uses;
* screening.py: the rules' verdict, then the learned layer
  (bot/redflag_model.py), which may raise the level, never lower it.

Pure: no IO except reading the rules file (and the model) once per process.
"""

from bot.triage.prefilter import anchors
from bot.triage.reading import (
    NEGATION_REACH,
    Mention,
    Reading,
    correct_word,
    normalise,
    read,
    read_once,
)
from bot.triage.rules import (
    ANSWERS,
    CUE_KINDS,
    DEFAULT_NUMBERS,
    FAMILIES,
    LEVELS,
    NUMBER_FIELDS,
    RULE_LEVELS,
    RULES_PATH,
    Rule,
    RulesError,
    RuleSet,
    Term,
    load_rules,
    parse_rules,
)

# Public: bot/answers.py checks its answer templates with the rules' own placeholder check.
from bot.triage.rules import _check_template as check_template
from bot.triage.screening import MAX_SCREEN_CHARS, Triage, combine, render, screen

__all__ = [
    "ANSWERS", "CUE_KINDS", "DEFAULT_NUMBERS", "FAMILIES", "LEVELS", "MAX_SCREEN_CHARS", "NEGATION_REACH",
    "NUMBER_FIELDS", "RULE_LEVELS", "RULES_PATH", "Mention", "Reading", "Rule", "RuleSet", "RulesError", "Term",
    "Triage", "anchors", "check_template", "combine", "correct_word", "load_rules", "normalise", "parse_rules",
    "read", "read_once", "render", "screen",
]
