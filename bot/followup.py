"""Ask one follow-up question when a complaint names a region but not which problem.

"Elbow pain" could be golfer's or tennis elbow; the lexicon knows the region's
question ("Which part of your elbow hurts most?") and each condition's tappable
answer ("On the inside (pinky side)"). Only conditions the clinic's posts cover
are offered, and only when at least two are, so a question always leads to an
article. The conversation state is carried by the client: the answer includes an
opaque ``context`` string that the client sends back with the next message. It
is untrusted input like the message itself: it is decoded defensively, size
limited, and can only add words to what is matched, never skip screening.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from index import analysis

#: A message with more content words than this says enough to rank without asking.
MAX_WORDS_TO_ASK = 5
#: Longest earlier message carried in the context.
MAX_CONTEXT_MESSAGE = 500
CONTEXT_VERSION = 1


@dataclass(frozen=True)
class FollowUp:
    """A question with tappable options: for a region named without a condition, or (region None)
    for a pain named with no region at all (bot/intents.py)."""

    region: str | None
    question: str
    options: list[str]

    def to_dict(self) -> dict:
        """The API's follow_up shape."""
        return {"question": self.question, "options": list(self.options)}


def region_of(concepts: list[str]) -> str | None:
    """The body region a message is about: the first region named, or the region of the first condition."""
    lexicon = analysis.lexicon()
    for concept_id in concepts:
        concept = lexicon.concepts[concept_id]
        if concept.kind == "region":
            return concept.id
        if concept.region:
            return concept.region
    return None


def region_label(region: str | None) -> str | None:
    """The region's plain name for the UI ("elbow", "heel and ankle")."""
    return analysis.lexicon().concepts[region].label if region else None


def ask(index, message: str | analysis.Reading, concepts: list[str]) -> FollowUp | None:
    """The follow-up to ask, or None when the message is specific enough or nothing useful can be offered.

    ``message``: the visitor's words, or their analysis.Reading (then not tokenised again).
    """
    said = message.words if isinstance(message, analysis.Reading) else analysis.words(message)
    if len(said) > MAX_WORDS_TO_ASK:
        return None
    lexicon = analysis.lexicon()
    named = [lexicon.concepts[c] for c in dict.fromkeys(concepts)]
    if any(c.kind == "condition" for c in named):
        return None
    regions = [c for c in named if c.kind == "region" and c.question]
    if len(regions) != 1:
        return None
    region = regions[0]
    options = [c.option for c in lexicon.by_kind("condition")
               if c.region == region.id and c.option and index.covers(c.id)]
    if len(options) < 2:
        return None
    return FollowUp(region.id, region.question, options)


def encode_context(message: str, region: str | None) -> str:
    """The opaque context string returned to the client with a follow-up question."""
    payload = {"v": CONTEXT_VERSION, "m": message[:MAX_CONTEXT_MESSAGE], "r": region}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_context(context: str | None) -> dict | None:
    """The earlier message and region from a context string, or None when it is absent or not ours."""
    if not context or not isinstance(context, str) or len(context) > 4096:
        return None
    try:
        raw = base64.urlsafe_b64decode(context + "=" * (-len(context) % 4))
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("v") != CONTEXT_VERSION:
        return None
    message, region = payload.get("m"), payload.get("r")
    if not isinstance(message, str) or not message.strip():
        return None
    if region is not None and region not in analysis.lexicon().concepts:
        region = None
    return {"message": message[:MAX_CONTEXT_MESSAGE], "region": region}
