"""What each conversation is about (conversation memory), kept only while it is in use.

A row lives until ``expires_at``, which each message moves forward (idle
expiry); an expired row is never read and is deleted by ``purge``. Knows
SQLAlchemy, not Flask or the bot: rows in, plain values out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import Conversation, utcnow


@dataclass(frozen=True)
class Remembered:
    """A conversation's topic as stored."""

    complaint: str | None
    concepts: tuple[str, ...]
    region: str | None
    sections: tuple[str, ...]


def recall(session: Session, conversation_id: str, now: datetime | None = None) -> Remembered | None:
    """The topic on record, or None when there is none or it has expired."""
    row = session.get(Conversation, conversation_id)
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    try:
        sections = tuple(str(s) for s in json.loads(row.sections or "[]"))
    except ValueError:
        sections = ()
    return Remembered(row.complaint, tuple(c for c in (row.concepts or "").split(",") if c), row.region, sections)


def remember(session: Session, conversation_id: str, *, channel: str, complaint: str | None,
             concepts: tuple[str, ...], region: str | None, sections: tuple[str, ...], idle: timedelta,
             now: datetime | None = None) -> None:
    """Store (or replace) the topic and push its expiry ``idle`` from now."""
    now = now or utcnow()
    row = session.get(Conversation, conversation_id)
    if row is None:
        row = Conversation(conversation_id=conversation_id)
        session.add(row)
    row.channel = channel
    row.updated_at = now
    row.expires_at = now + idle
    row.complaint = complaint
    row.concepts = ",".join(concepts)
    row.region = region
    row.sections = json.dumps(list(sections))


def touch(session: Session, conversation_id: str, idle: timedelta, now: datetime | None = None) -> None:
    """Keep a conversation alive without changing its topic."""
    now = now or utcnow()
    row = session.get(Conversation, conversation_id)
    if row is not None and row.expires_at > now:
        row.updated_at = now
        row.expires_at = now + idle


def forget(session: Session, conversation_id: str) -> bool:
    """Drop a conversation's topic ("Start over"); True when there was one."""
    return bool(session.execute(delete(Conversation).where(Conversation.conversation_id == conversation_id))
                .rowcount)


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete expired conversations, complaint text and all; returns how many."""
    return session.execute(delete(Conversation).where(Conversation.expires_at <= (now or utcnow()))).rowcount or 0


def count(session: Session) -> int:
    """How many conversations are on record (tests, operations)."""
    return len(session.scalars(select(Conversation.conversation_id)).all())
