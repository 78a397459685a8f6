"""Lessons staff taught the bot: corrected answers and the clinic's own phrases (bot/teaching.py).

Each lesson records who made it and when; undoing one records who and when
too, and the row stays (the list shows it struck through). Callers pass text
that is already redacted (bot.redact), as for the inquiry log. Knows
SQLAlchemy, not Flask.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Teaching, sign, utcnow

KINDS = ("correction", "phrase")
SOURCES = ("log", "gaps", "console")


def add_correction(session: Session, *, who: str, redacted_text: str, lang: str, terms: dict[str, int],
                   concepts: list[str] | tuple[str, ...], section: dict, was_answer: str | None = None,
                   turn_id: int | None = None, source: str = "console", now: datetime | None = None) -> Teaching:
    """Record that messages like ``redacted_text`` should be answered with ``section`` (a section dict)."""
    row = Teaching(kind="correction", created_at=now or utcnow(), created_by=who, lang=lang, text=redacted_text,
                   terms=json.dumps(terms, ensure_ascii=False, sort_keys=True), concepts=",".join(concepts),
                   source=source if source in SOURCES else "console", turn_id=turn_id,
                   section_url=section["section_url"], post_slug=section["post_slug"],
                   post_title=(section.get("post_title") or "")[:500],
                   section_heading=(section.get("heading") or None) and section["heading"][:500],
                   was_answer=(was_answer or None) and was_answer[:1000])
    session.add(row)
    session.flush()
    return row


def add_phrase(session: Session, *, who: str, redacted_phrase: str, lang: str, concept_id: str | None = None,
               post: dict | None = None, source: str = "console", now: datetime | None = None) -> Teaching:
    """Record that ``redacted_phrase`` means a lexicon concept or a post (exactly one of the two)."""
    if (concept_id is None) == (post is None):
        raise ValueError("a phrase means either a concept or a post")
    row = Teaching(kind="phrase", created_at=now or utcnow(), created_by=who, lang=lang, text=redacted_phrase,
                   terms="{}", concepts="", source=source if source in SOURCES else "console",
                   concept_id=concept_id, post_slug=post["post_slug"] if post else None,
                   post_title=(post.get("post_title") or "")[:500] if post else None)
    session.add(row)
    session.flush()
    return row


def listing(session: Session, limit: int = 200, offset: int = 0) -> list[Teaching]:
    """Lessons newest first, undone ones included."""
    query = select(Teaching).order_by(Teaching.created_at.desc(), Teaching.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count(session: Session) -> int:
    """How many lessons were ever made."""
    return session.scalar(select(func.count(Teaching.id))) or 0


def active(session: Session) -> list[Teaching]:
    """Lessons in force (not undone), oldest first."""
    return list(session.scalars(select(Teaching).where(Teaching.undone_at.is_(None)).order_by(Teaching.id)))


def undo(session: Session, teaching_id: int, who: str, now: datetime | None = None) -> Teaching | None:
    """Stop a lesson applying, recording who and when (the first undo stands). None when there is no such lesson."""
    return sign(session, Teaching, teaching_id, "undone", who, now)


def version(session: Session) -> tuple:
    """A cheap fingerprint of the lessons: changes whenever one is added or undone."""
    found = session.execute(select(func.count(Teaching.id), func.max(Teaching.id), func.count(Teaching.undone_at),
                                   func.max(Teaching.undone_at))).one()
    return tuple(str(value) for value in found)


def terms_of(row: Teaching) -> dict[str, int]:
    """A correction's stored reading; an unreadable one reads as empty (the lesson then never applies)."""
    try:
        found = json.loads(row.terms or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in found.items() if isinstance(v, int) and v > 0} if isinstance(found, dict) else {}
