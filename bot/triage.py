"""Screen a message for red flags before any article is looked up.

Rules are data (data/redflags.toml): each names the co-occurring findings that
make a presentation an emergency or urgent, the message to show and its source.
A finding is a list of phrase alternatives (regular expressions over folded
text); a rule fires when every one of its findings is present and not negated.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.analysis import fold

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "redflags.toml"
LEVELS = ("emergency", "urgent", "routine", "none")
NEGATION = re.compile(r"\b(no|not|never|without|denies|deny|nor|haven't|hasn't|havent|hasnt|don't|dont)\b"
                      r"(?:\W+\w+){0,3}\W*$")


class RulesError(Exception):
    """The rules file is malformed; the message names the rule and field."""


@dataclass(frozen=True)
class Rule:
    """One red-flag presentation."""

    id: str
    category: str
    level: str
    message: str
    source: str
    findings: tuple[tuple[re.Pattern, ...], ...]


@dataclass(frozen=True)
class Triage:
    """The screening outcome for one message."""

    level: str
    rule_ids: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    message: str | None = None

    @property
    def is_red_flag(self) -> bool:
        """Emergency or urgent: the answer leads with care advice."""
        return self.level in ("emergency", "urgent")


def _compile(rule_id: str, phrases) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(rf"\b(?:{p})\b") for p in phrases)
    except re.error as exc:
        raise RulesError(f"rule {rule_id}: bad pattern: {exc}") from exc


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[Rule, ...]:
    """Parse and validate the rules file once per process."""
    path = Path(path) if path else RULES_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read red-flag rules {path}: {exc}") from exc
    rules = []
    for raw in data.get("rule", []):
        rule_id = raw.get("id", "?")
        for key in ("id", "category", "level", "message", "source", "findings"):
            if key not in raw:
                raise RulesError(f"rule {rule_id}: missing {key!r}")
        if raw["level"] not in ("emergency", "urgent"):
            raise RulesError(f"rule {rule_id}: level must be emergency or urgent")
        findings = tuple(_compile(rule_id, group) for group in raw["findings"])
        rules.append(Rule(rule_id, raw["category"], raw["level"], raw["message"].strip(),
                          raw["source"], findings))
    return tuple(rules)


def _present(text: str, alternatives: tuple[re.Pattern, ...]) -> bool:
    for pattern in alternatives:
        for match in pattern.finditer(text):
            if not NEGATION.search(text[max(0, match.start() - 40):match.start()]):
                return True
    return False


def screen(message: str, rules: tuple[Rule, ...] | None = None) -> Triage:
    """Check a message against every rule; the most severe level wins."""
    rules = rules if rules is not None else load_rules()
    text = fold(message)
    fired = [r for r in rules if all(_present(text, f) for f in r.findings)]
    if not fired:
        return Triage("none")
    fired.sort(key=lambda r: LEVELS.index(r.level))
    top = fired[0]
    return Triage(
        level=top.level,
        rule_ids=[r.id for r in fired],
        categories=sorted({r.category for r in fired}),
        message=top.message,
    )
