"""The screen: every rule over a message read once, then the learned layer may raise the level.

A rule fires when all its terms count somewhere in the message (or in one
sentence, when the rule says so) and none of its "unless" terms does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot import redflag_model
from bot.triage.reading import Reading, present, read_once
from bot.triage.rules import DEFAULT_NUMBERS, LEVELS, RULE_LEVELS, Rule, RuleSet, load_rules


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
    found = present(reading, ruleset)
    fired = [r for r in ruleset.rules if _fires(r, found)]
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
