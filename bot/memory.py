"""Conversation memory: decide whether a message continues the complaint on record or starts a new one.

Without it "what exercises can I do for it?" after an elbow complaint was ranked
on its own words and got knee and hip exercises. A message is read with the
earlier complaint when it names no body region or condition of its own (or only
the same region again) and either refers back in general terms (a pronoun for
the problem, a question about what to do, how long, how serious, whether to
carry on: ``data/followup_cues.toml``) or is a bare "it hurts". A message that
names another region or condition is a new complaint and replaces the topic.
Pure: no Flask, no IO beyond the cue file; web/conversation.py stores topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot import followup, intents
from index import analysis
from index.datafile import read_toml

CUES_PATH = Path(__file__).resolve().parent.parent / "data" / "followup_cues.toml"
#: Longest complaint kept: the first message and the details added to it.
MAX_COMPLAINT = 500
#: Concept kinds that say what a complaint is about; naming a different one changes the topic.
SUBJECT_KINDS = ("region", "condition")
#: The three readings of a message against the topic on record.
FOLLOW_UP, NEW_TOPIC, STANDALONE = "follow_up", "new_topic", "standalone"


@dataclass(frozen=True)
class Topic:
    """What a conversation is about: the complaint (None when the log keeps no text), its concepts and region."""

    complaint: str | None
    concepts: tuple[str, ...] = ()
    region: str | None = None
    sections: tuple[str, ...] = field(default=())

    def query(self) -> str:
        """The words the complaint is ranked with: its text, or (no text kept) its concepts' plain names."""
        if self.complaint:
            return self.complaint
        lexicon = analysis.lexicon()
        return " ".join(lexicon.concepts[c].label for c in self.concepts if c in lexicon.concepts)


@lru_cache(maxsize=4)
def cues(path: str | None = None) -> tuple[re.Pattern, re.Pattern]:
    """(anywhere, at the start) patterns of the referring cues, compiled once."""
    data = read_toml(path or CUES_PATH, what="referring cues")["cues"]
    anywhere = [phrase for name, phrases in data.items() if name != "lead_in" for phrase in phrases]

    def alternation(phrases: list[str]) -> str:
        return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))

    return (re.compile(rf"(?:^| )(?:{alternation(anywhere)})(?: |$)"),
            re.compile(rf"^(?:{alternation(data['lead_in'])})(?: |$)"))


def refers_back(message: str) -> bool:
    """True when the message uses a general referring cue (pronoun, what to do, how long, how bad, carry on)."""
    normalized = intents.normalize(message)
    anywhere, start = cues()
    return bool(anywhere.search(normalized) or start.search(normalized))


def subjects(concepts: list[str]) -> list[str]:
    """The region and condition concepts among ``concepts``, in order, without repeats."""
    lexicon = analysis.lexicon()
    return [c for c in dict.fromkeys(concepts) if c in lexicon.concepts and lexicon.concepts[c].kind in SUBJECT_KINDS]


def regions_of(concepts: list[str]) -> set[str]:
    """The body regions that region and condition concepts belong to."""
    lexicon = analysis.lexicon()
    found = set()
    for concept_id in subjects(concepts):
        concept = lexicon.concepts[concept_id]
        found.add(concept.id if concept.kind == "region" else concept.region)
    return found - {None}


def classify(topic: Topic | None, message: str, concepts: list[str]) -> str:
    """FOLLOW_UP, NEW_TOPIC or STANDALONE for a message whose lexicon concepts are ``concepts``.

    STANDALONE is a message answered on its own that leaves the topic alone
    ("thanks", "how do I book?"), or any first message.
    """
    named = subjects(concepts)
    if named:
        if topic is None:
            return NEW_TOPIC
        earlier = regions_of(list(topic.concepts)) | ({topic.region} if topic.region else set())
        mine = regions_of(named)
        # Same region again ("it's worse on the inside of the elbow"): more detail, not a new complaint.
        return FOLLOW_UP if mine and earlier and mine <= earlier else NEW_TOPIC
    if topic is None:
        return STANDALONE
    intent = intents.recognise(message)
    if intent is not None:
        # "it hurts" has nowhere named: the place is the complaint on record. A greeting or booking is not.
        return FOLLOW_UP if intent.kind == "where" else STANDALONE
    return FOLLOW_UP if refers_back(message) else STANDALONE


def combined(topic: Topic, message: str) -> str:
    """The text a follow-up is ranked (and screened in context) with: the complaint, then the new message."""
    return f"{topic.query()} {message}".strip()


def next_topic(topic: Topic | None, reading: str, message: str, concepts: list[str], answer: dict,
               keep_text: bool, redacted: str) -> Topic | None:
    """The topic on record after this answer.

    A new complaint replaces it; a follow-up that adds a region or condition of
    the same complaint adds its words; a follow-up that only refers back, or a
    standalone message, leaves it as it was (so "exercises" does not stick to
    every later question).
    """
    shown = tuple(str(r.get("section_url") or "") for r in answer.get("results") or [])
    if reading == NEW_TOPIC:
        return Topic(redacted[:MAX_COMPLAINT] if keep_text else None, tuple(subjects(concepts)),
                     _region(concepts), shown)
    if topic is None:
        # A complaint that names no region ("I fell off a ladder yesterday") is still one when it was
        # answered or screened: the next message is read in its context.
        level = (answer.get("triage") or {}).get("level")
        if answer.get("intent") is None and (answer.get("matched") or level in ("urgent", "emergency")):
            return Topic(redacted[:MAX_COMPLAINT] if keep_text else None, (), answer_region(answer), shown)
        return None
    if reading == FOLLOW_UP and subjects(concepts):
        text = f"{topic.complaint} {redacted}"[:MAX_COMPLAINT] if keep_text and topic.complaint else topic.complaint
        merged = tuple(dict.fromkeys([*topic.concepts, *subjects(concepts)]))
        return Topic(text, merged, topic.region or _region(concepts), shown or topic.sections)
    if reading == FOLLOW_UP:
        return Topic(topic.complaint, topic.concepts, topic.region, shown or topic.sections)
    return topic


def _region(concepts: list[str]) -> str | None:
    """The lexicon region of a complaint (first region named, else its condition's region)."""
    return followup.region_of(subjects(concepts))


def answer_region(answer: dict) -> str | None:
    """The lexicon region id an answer was about, from its plain label."""
    label = answer.get("region")
    if not label:
        return None
    lexicon = analysis.lexicon()
    return next((c.id for c in lexicon.by_kind("region") if c.label == label), None)
