"""The database tables, declared once with SQLAlchemy 2 typed mappings.

Times are stored as naive UTC (``utcnow()``) so SQLite and PostgreSQL compare
them the same way. Visitor text lives only in ``Turn.text`` (already redacted)
and in call-back requests; both are cleared by the retention purge.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def utcnow() -> datetime:
    """Now, naive UTC: the one clock every table uses."""
    return datetime.now(UTC).replace(tzinfo=None)


def sign(session: Session, model: type, row_id: int, act: str, who: str, now: datetime | None = None):
    """Record on a row that ``who`` did ``act`` now (its ``<act>_at`` and ``<act>_by``); the first stands.

    An alert acknowledged, a lesson undone. None when there is no such row.
    """
    row = session.get(model, row_id)
    if row is None:
        return None
    if getattr(row, f"{act}_at") is None:
        setattr(row, f"{act}_at", now or utcnow())
        setattr(row, f"{act}_by", who)
    return row


class Base(DeclarativeBase):
    """Declarative base; Alembic reads its metadata."""


class Turn(Base):
    """One visitor message and what the bot did with it."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Set by the batched writer (web.turn_writer): replaying its journal after a crash
    #: skips turns already stored, so none is ever logged twice.
    uid: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(100), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    triage_level: Mapped[str] = mapped_column(String(16), index=True)
    rule_ids: Mapped[str] = mapped_column(Text, default="")
    matched: Mapped[bool] = mapped_column(Boolean, index=True)
    best_score: Mapped[float] = mapped_column(Float, default=0.0)
    follow_up_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A message that was not a complaint (bot/intents.py: greeting, thanks, booking...), else NULL.
    intent: Mapped[str | None] = mapped_column(String(24))
    #: The language the message was read and answered in ("en", "es"); NULL for turns that predate it.
    lang: Mapped[str | None] = mapped_column(String(8))
    #: Redacted visitor text; NULL once purged (or never stored when retention is 0).
    text: Mapped[str | None] = mapped_column(Text)
    text_expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    sections: Mapped[list[TurnSection]] = relationship(
        back_populates="turn", cascade="all, delete-orphan", order_by="TurnSection.rank")


class TurnSection(Base):
    """One section shown in an answer, with its score."""

    __tablename__ = "turn_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    post_slug: Mapped[str] = mapped_column(String(300), index=True)
    post_title: Mapped[str] = mapped_column(String(500))
    section_heading: Mapped[str | None] = mapped_column(String(500))
    section_url: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)

    turn: Mapped[Turn] = relationship(back_populates="sections")


class Event(Base):
    """Something a visitor did after an answer, e.g. clicked the booking call-to-action."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(100), index=True)
    target: Mapped[str | None] = mapped_column(Text)


class StaffUser(Base):
    """A front-desk account."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Bumped on password change or removal so existing sessions stop working.
    session_token: Mapped[str] = mapped_column(String(64))


class LoginAttempt(Base):
    """A login attempt, kept a day as an audit trail (throttling counts in LoginThrottle)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)


class LoginThrottle(Base):
    """Login attempts counted per key (an address, an account, or both), with the back-off in force.

    One row per key, incremented by an atomic upsert before the password is checked,
    so simultaneous guesses cannot all slip under the limit (store/staff.py).
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Callback(Base):
    """A visitor's request to be called or written back, as a structured summary."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_time: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(Boolean)
    region: Mapped[str | None] = mapped_column(String(40))
    triage_level: Mapped[str] = mapped_column(String(16))
    #: JSON list of {"title", "heading", "url"} the visitor was shown.
    sections_read: Mapped[str] = mapped_column(Text, default="[]")
    #: The visitor's own words, redacted like the log.
    words: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(254))
    #: Contact details are erased this long after the request is marked done.
    personal_expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    #: The staff member (email) who has taken the request on, if anyone.
    owner: Mapped[str | None] = mapped_column(String(254), index=True)
    #: The latest outcome recorded (store.callbacks.OUTCOMES); its history is in CallbackEvent.
    outcome: Mapped[str | None] = mapped_column(String(24))

    events: Mapped[list[CallbackEvent]] = relationship(
        back_populates="callback", cascade="all, delete-orphan", order_by="CallbackEvent.id")


class CallbackEvent(Base):
    """One thing staff did with a call-back (owner, note, outcome), kept as history: who and when, never overwritten.

    A note is desk text: redacted before storage (bot.redact.redact_note) and
    erased with the request's contact details (store.callbacks.purge_notes).
    """

    __tablename__ = "callback_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: The staff member's email.
    by: Mapped[str] = mapped_column(String(254))
    #: "assign", "note" or "outcome".
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(24))
    #: The new owner of an "assign" (NULL: unassigned).
    owner: Mapped[str | None] = mapped_column(String(254))
    #: Redacted note text; NULL once erased.
    note: Mapped[str | None] = mapped_column(Text)

    callback: Mapped[Callback] = relationship(back_populates="events")


class Conversation(Base):
    """What one conversation is about, so a follow-up ("is it serious?") is read with its complaint.

    Kept only while the conversation is in use: ``expires_at`` moves forward with
    each message (idle expiry) and an expired row is deleted, text and all. The
    complaint is redacted like the log, and not stored at all when the log keeps no text.
    """

    __tablename__ = "conversations"

    conversation_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: Redacted complaint text (the first message and any detail added to it); NULL when retention is 0.
    complaint: Mapped[str | None] = mapped_column(Text)
    #: Lexicon concept ids the complaint named, comma separated.
    concepts: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str | None] = mapped_column(String(40))
    #: JSON list of the section URLs shown for it.
    sections: Mapped[str] = mapped_column(Text, default="[]")


class StaffAlert(Base):
    """An emergency answer given to a visitor, shown live on every open staff page until acknowledged."""

    __tablename__ = "staff_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    rule_ids: Mapped[str] = mapped_column(Text, default="")
    #: Redacted visitor text, only within the log's retention; NULL once purged.
    text: Mapped[str | None] = mapped_column(Text)
    text_expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(254))


class KioskSetting(Base):
    """One kiosk value (the PIN hash, the staff's settings), JSON so settings keep their types."""

    __tablename__ = "kiosk_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KioskPinFailure(Base):
    """Wrong kiosk PINs from one client in the current window, and its lockout (Unix times)."""

    __tablename__ = "kiosk_pin_failures"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[float] = mapped_column(Float)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)


class KioskPinBudget(Base):
    """The one budget of PIN attempts every client shares, with its back-off (a single row, id 1)."""

    __tablename__ = "kiosk_pin_budget"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[float] = mapped_column(Float)
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)


class ArchivePost(Base):
    """A post the feed published once, kept after it leaves the feed (index/archive.py)."""

    __tablename__ = "clinicbot_archive_posts"

    source: Mapped[str] = mapped_column(String(2000), primary_key=True)
    guid: Mapped[str] = mapped_column(String(2000), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)


class ArchiveState(Base):
    """Conditional-GET validators of a feed source's last successful refresh."""

    __tablename__ = "clinicbot_archive_state"

    source: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    modified: Mapped[str | None] = mapped_column(Text)
    last_success: Mapped[float | None] = mapped_column(Float)


class Teaching(Base):
    """A lesson staff taught the bot (bot/teaching.py): a corrected answer, or a phrase of the clinic's.

    Never deleted: undoing records who and when, and the lesson stops applying.
    ``text`` is the corrected message or the phrase, redacted before storage;
    ``terms`` is the corrected message's reading (analyzer term -> count, JSON).
    """

    __tablename__ = "teachings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "correction" or "phrase".
    kind: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(254))
    #: The language of the message or phrase ("en", "es"): a lesson applies to messages in it only.
    lang: Mapped[str] = mapped_column(String(8), default="en")
    text: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text, default="{}")
    #: Lexicon concept ids the corrected message names, comma separated.
    concepts: Mapped[str] = mapped_column(Text, default="")
    #: Where the lesson came from: "log", "gaps" or "console" (typed on the teaching page).
    source: Mapped[str] = mapped_column(String(16), default="console")
    #: The logged turn it was made from, if any (no foreign key: turns are purged on their own schedule).
    turn_id: Mapped[int | None] = mapped_column(Integer)
    #: The target: a section (its link, post and heading) or, for a phrase, a lexicon concept or a post.
    section_url: Mapped[str | None] = mapped_column(Text)
    post_slug: Mapped[str | None] = mapped_column(String(300))
    post_title: Mapped[str | None] = mapped_column(String(500))
    section_heading: Mapped[str | None] = mapped_column(String(500))
    concept_id: Mapped[str | None] = mapped_column(String(80))
    #: What the bot answered before the correction (title and heading), for the list.
    was_answer: Mapped[str | None] = mapped_column(String(1000))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(254))
