"""Write the inquiry log and enforce its retention.

The caller passes text that is already redacted (bot.redact); this module
decides how long it is kept: ``retention_days`` > 0 keeps it that long, 0 keeps
none (only the metadata: channel, region, triage, sections, scores).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from store.models import Callback, Event, LoginAttempt, LoginThrottle, Turn, TurnSection, utcnow

#: Login attempts are only needed for rate-limiting; keep a day of them.
LOGIN_ATTEMPT_DAYS = 1
_INSERT_TURN = insert(Turn.__table__)
_INSERT_TURN_RETURNING = insert(Turn.__table__).returning(Turn.__table__.c.id, sort_by_parameter_order=True)
_INSERT_SECTION = insert(TurnSection.__table__)


@dataclass(frozen=True)
class PurgeResult:
    """How much personal text a purge removed."""

    turn_texts: int
    callbacks: int
    login_attempts: int


def turn_rows(*, channel: str, answer: dict, redacted_text: str | None, retention_days: int,
              conversation_id: str | None = None, now: datetime | None = None) -> tuple[dict, list[dict]]:
    """The ``turns`` row and the ``turn_sections`` rows (without turn_id) of one answered message."""
    now = now or utcnow()
    triage = answer.get("triage") or {}
    results = answer.get("results") or []
    keep_text = retention_days > 0 and redacted_text
    turn = dict(
        created_at=now,
        channel=channel,
        conversation_id=conversation_id,
        region=(answer.get("region") or None),
        triage_level=triage.get("level") or "none",
        rule_ids=",".join(triage.get("rule_ids") or []),
        matched=bool(answer.get("matched")),
        best_score=max((float(r.get("score") or 0) for r in results), default=0.0),
        follow_up_shown=bool(answer.get("follow_up")),
        intent=(str(answer["intent"])[:24] if answer.get("intent") else None),
        lang=(str(answer["lang"])[:8] if answer.get("lang") else None),
        text=redacted_text if keep_text else None,
        text_expires_at=now + timedelta(days=retention_days) if keep_text else None,
    )
    sections = [
        dict(
            rank=rank,
            post_slug=str(result.get("post_slug") or "")[:300],
            post_title=str(result.get("post_title") or "")[:500],
            section_heading=(result.get("section_heading") or None),
            section_url=str(result.get("section_url") or ""),
            score=float(result.get("score") or 0),
        )
        for rank, result in enumerate(results, 1)
    ]
    return turn, sections


#: Columns added after the first release, with the value a turn that predates them gets.
TURN_DEFAULTS = {"uid": None, "intent": None, "lang": None}


def insert_turns(connection: Connection, rows: list[tuple[dict, list[dict]]]) -> list[int]:
    """Insert turns with their sections, in order, in the caller's transaction; returns the turn ids.

    Plain INSERT statements built once (module constants), so SQLAlchemy compiles
    them once per dialect, and no ORM objects: this runs for every chat request.
    Many turns go in one multi-row INSERT ... RETURNING (web.turn_writer's batches).
    """
    if not rows:
        return []
    # Turns journaled by a worker of an earlier release lack the newer columns; a
    # multi-row INSERT needs every row to carry the same keys.
    rows = [({**TURN_DEFAULTS, **turn}, sections) for turn, sections in rows]
    if len(rows) == 1:
        ids = [connection.execute(_INSERT_TURN, rows[0][0]).inserted_primary_key[0]]
    else:
        ids = list(connection.execute(_INSERT_TURN_RETURNING, [turn for turn, _ in rows]).scalars())
    sections = [{**section, "turn_id": turn_id} for turn_id, (_, turn_sections) in zip(ids, rows, strict=True)
                for section in turn_sections]
    if sections:
        connection.execute(_INSERT_SECTION, sections)
    return ids


def add_event(session: Session, *, kind: str, channel: str, conversation_id: str | None, target: str | None,
              now: datetime | None = None) -> Event:
    """Store a visitor action (a CTA click)."""
    event = Event(created_at=now or utcnow(), kind=kind, channel=channel, conversation_id=conversation_id,
                  target=target)
    session.add(event)
    return event


def purge(session: Session, now: datetime | None = None, retention_days: int | None = None,
          open_callback_days: int | None = None) -> PurgeResult:
    """Remove visitor text past its expiry; erase contact details of call-backs done long enough ago.

    ``retention_days`` (the setting in force) also shortens rows stored under a longer
    one: lowering the retention applies to what is already kept. Open call-back
    requests older than ``open_callback_days`` lose their contact details too and
    leave the queue as "expired": nobody will call a year later. Metadata (channel,
    region, triage, sections) stays: the reports need it and it identifies no one.
    """
    now = now or utcnow()
    erased = {"name": None, "phone": None, "email": None, "preferred_time": None, "words": None,
              "personal_expires_at": None}
    expired = Turn.text_expires_at <= now
    done_expired = Callback.personal_expires_at <= now
    if retention_days is not None:
        cutoff = now - timedelta(days=retention_days)
        expired = or_(expired, Turn.created_at <= cutoff)
        done_expired = or_(done_expired, and_(Callback.status == "done", Callback.done_at <= cutoff))
    texts = session.execute(
        update(Turn).where(Turn.text.is_not(None), expired).values(text=None, text_expires_at=None)
    ).rowcount
    callbacks = session.execute(
        update(Callback).where(Callback.status == "done", or_(Callback.name.is_not(None),
                                                              Callback.phone.is_not(None),
                                                              Callback.email.is_not(None),
                                                              Callback.words.is_not(None)), done_expired)
        .values(**erased)
    ).rowcount or 0
    if open_callback_days is not None:
        callbacks += session.execute(
            update(Callback).where(Callback.status == "open",
                                   Callback.created_at <= now - timedelta(days=open_callback_days))
            .values(status="expired", **erased)
        ).rowcount or 0
    attempts = session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < now - timedelta(days=LOGIN_ATTEMPT_DAYS))
    ).rowcount
    session.execute(delete(LoginThrottle).where(  # counters whose window and back-off are long over
        LoginThrottle.first_at < now - timedelta(days=LOGIN_ATTEMPT_DAYS),
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now)))
    return PurgeResult(texts or 0, callbacks, attempts or 0)


def purge_all_text(session: Session) -> int:
    """Drop every stored visitor text now (retention set to 0 after the fact)."""
    return session.execute(
        update(Turn).where(Turn.text.is_not(None)).values(text=None, text_expires_at=None)
    ).rowcount or 0


def recent_turns(session: Session, limit: int = 50, offset: int = 0, since: datetime | None = None,
                 until: datetime | None = None) -> list[Turn]:
    """The newest turns first, with their sections, for the staff log view."""
    query = select(Turn).order_by(Turn.created_at.desc(), Turn.id.desc())
    if since is not None:
        query = query.where(Turn.created_at >= since)
    if until is not None:
        query = query.where(Turn.created_at < until)
    return list(session.scalars(query.limit(limit).offset(offset)).unique())


def conversation_turns(session: Session, conversation_id: str) -> list[Turn]:
    """All turns of one conversation, oldest first (for a call-back summary)."""
    query = select(Turn).where(Turn.conversation_id == conversation_id).order_by(Turn.created_at, Turn.id)
    return list(session.scalars(query))
