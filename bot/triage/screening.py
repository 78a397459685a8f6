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
    learned_score: float | None = None  # the learned layer's 1 - P(routine), when it fired (never read
    # for a rules emergency: see screen())
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
    redflag_model.Model, False for the rules alone, or None for the bundled model;
    it is not run when the rules already say emergency (no learned score then).
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
    if not model or result.level == "emergency":
        # Nothing ranks above emergency, so the model could change no level, message or family here, only
        # add its score (source "both"); skipping it halves a long story's cost (docs/safety.md, "Measured").
        return replace(result, source="rules") if result.is_red_flag else result
    prediction = model.predict_text(reading.text, reading.negated)  # = predict(features(...)), one pass
    return combine(result, prediction, ruleset.instructions, numbers)


def _by_rules(reading: Reading, ruleset: RuleSet, numbers: dict | None) -> Triage:
    """The rules' verdict on a message already read."""
    found = present(reading, ruleset)
    fired = [r for r in ruleset.rules if r.terms[0] in found and _fires(r, found)]  # most fail on their first
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


# --- the learned layer beside the rules (bot/redflag_model.py) --------------------------------

#: What a learned-only flag leads with, unless the rules file's [levels.learned] gives its own wording.
LEARNED_INSTRUCTION = ("Please get this checked by a doctor today: your own doctor or an urgent care clinic. "
                       "If it gets worse, call {emergency_number}.")
LEARNED_REASON = ("Our automatic screen found something in your message that a doctor should look at "
                  "today. It is not a diagnosis.")


def combine(result, prediction: redflag_model.Prediction, instructions: dict, numbers: dict | None):
    """The whole screen's verdict: the rules' Triage, raised (never lowered) by the model.

    A rule's urgent becomes emergency only when the model is confident of an
    emergency (redflag_model.EMERGENCY_PRECISION); with no rule, a firing model gives its own
    level (learned_level: emergency or urgent, never below urgent) and its family;
    an urgent one leads with a cautious "get this checked by a doctor today".
    ``learned_score`` is set only when the model fired, so the staff console's
    "learned screen, 0.93" appears exactly when the learned layer flagged it.
    """
    score = round(prediction.score, 3)
    if result.is_red_flag:
        source = "both" if prediction.fires else "rules"
        family = result.family or (prediction.family if prediction.fires else None)
        if result.level == "urgent" and prediction.fires and prediction.emergency:
            message = render(instructions["emergency"], numbers) + "\n" + (result.message or "")
            return replace(result, level="emergency", message=message, learned_score=score, source=source,
                           family=family)
        return replace(result, learned_score=score if prediction.fires else None, source=source, family=family)
    if not prediction.fires:
        return result
    lead = instructions.get("learned") or LEARNED_INSTRUCTION
    if prediction.level == "emergency":
        lead = instructions["emergency"]
    return Triage(prediction.level, message=render(lead + "\n" + LEARNED_REASON, numbers),
                  family=prediction.family, learned_score=score, source="learned")
