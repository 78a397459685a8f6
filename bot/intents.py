"""Messages that are not a complaint: greetings, thanks, who the bot is, booking, a pain with nowhere named.

Without this, "hi" was told "We don't have an article on that yet", "book an
appointment" likewise, and "it hurts" got five sections picked by the word
"hurts". The intents and their words are data (``data/intents.toml``); a message
is one only when the whole of it matches, so "hi, my knee hurts" is matched as a
complaint. Screening for red flags runs before any of this (bot/chat.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.i18n import N_, gettext
from index import analysis
from index.datafile import read_toml

INTENTS_PATH = Path(__file__).resolve().parent.parent / "data" / "intents.toml"
KINDS = ("reply", "where")
#: Longest message worth trying: intents are a few words; a paragraph is a complaint.
MAX_CHARS = 80
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class IntentsError(Exception):
    """data/intents.toml is malformed; the message names the intent and field."""


@dataclass(frozen=True)
class Intent:
    """One kind of message and what to say to it."""

    id: str
    kind: str
    patterns: tuple[re.Pattern, ...]
    reply: str = ""
    question: str = ""

    def matches(self, normalized: str) -> bool:
        """True when one pattern matches the whole normalized message."""
        return any(pattern.fullmatch(normalized) for pattern in self.patterns)


def normalize(message: str | analysis.Reading) -> str:
    """Lowercase, accents folded, apostrophes dropped ("I'm" -> "im"), other punctuation a space, spaces squeezed.

    A message of nothing but question marks is "?" (a visitor asking what this is). A
    Reading (analysis.read) is not folded again.
    """
    folded = message.folded if isinstance(message, analysis.Reading) else analysis.fold(message)
    folded = folded.replace("'", "")
    words = _NOT_WORD.sub(" ", folded).split()
    if not words and "?" in folded:
        return "?"
    return " ".join(words)


def parse(data: dict) -> list[Intent]:
    """Intents from parsed TOML, checked: every pattern compiles, every intent says something."""
    intents: list[Intent] = []
    seen: set[str] = set()
    for number, entry in enumerate(data.get("intent", []), 1):
        intent_id = entry.get("id")
        if not isinstance(intent_id, str) or not intent_id.isidentifier() or intent_id in seen:
            raise IntentsError(f"intent #{number}: 'id' must be a new identifier, got {intent_id!r}")
        seen.add(intent_id)
        kind = entry.get("kind")
        if kind not in KINDS:
            raise IntentsError(f"intent {intent_id!r}: 'kind' must be one of {', '.join(KINDS)}")
        raw = entry.get("patterns")
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
            raise IntentsError(f"intent {intent_id!r}: 'patterns' must be a non-empty list of strings")
        try:
            patterns = tuple(re.compile(p) for p in raw)
        except re.error as exc:
            raise IntentsError(f"intent {intent_id!r}: a pattern does not compile: {exc}") from exc
        reply, question = entry.get("reply", ""), entry.get("question", "")
        if kind == "reply" and not (isinstance(reply, str) and reply.strip()):
            raise IntentsError(f"intent {intent_id!r}: a 'reply' intent needs a reply")
        if kind == "where" and not (isinstance(question, str) and question.strip()):
            raise IntentsError(f"intent {intent_id!r}: a 'where' intent needs a question")
        intents.append(Intent(intent_id, kind, patterns, reply, question))
    return intents


@lru_cache(maxsize=1)
def load(path: str | None = None) -> tuple[Intent, ...]:
    """The bundled intents, read and checked once per process."""
    source = Path(path) if path else INTENTS_PATH
    return tuple(parse(read_toml(source, IntentsError, "intents")))


def recognise(message: str | analysis.Reading) -> Intent | None:
    """The intent the whole message is, in file order, or None for anything else (a complaint)."""
    if len(message.text if isinstance(message, analysis.Reading) else message) > MAX_CHARS:
        return None
    normalized = normalize(message)
    if not normalized:
        return None
    return next((intent for intent in load() if intent.matches(normalized)), None)


BOOK = N_("Use the booking button below to pick a time.")
CALL = N_("You can call us at %(phone)s.")
CONTACT = N_("Use the button below to contact the clinic.")


def reply_text(intent: Intent, clinic: str, booking_url: str | None, phone: str | None, lang: str = "en") -> str:
    """The intent's reply in ``lang`` with the clinic's name, booking link and phone number filled in."""
    book = " " + gettext(lang, BOOK) if booking_url else ""
    call = " " + gettext(lang, CALL, phone=phone) if phone else ""
    if not book and not call:
        call = " " + gettext(lang, CONTACT)
    return gettext(lang, intent.reply).format(clinic=clinic, book=book, call=call).strip()


def region_options(index) -> list[str]:
    """The body regions the clinic's posts have headings about, as tappable answers ("Knee", "Heel and ankle").

    The labels are the lexicon's (English); bot/chat.py shows them in the reply's language."""
    lexicon = analysis.lexicon()
    return [concept.label[:1].upper() + concept.label[1:] for concept in lexicon.by_kind("region")
            if index.coverage.get(concept.id, {}).get("headed")]
