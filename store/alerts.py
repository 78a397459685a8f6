"""Live alerts: an emergency answer given to a visitor, for the front desk to see and acknowledge.

The visitor's words are kept (redacted) only as long as the inquiry log keeps
text, and not at all when it keeps none. Knows SQLAlchemy, not Flask.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import StaffAlert, sign, utcnow

#: An alert nobody acknowledged stops showing after this long (the log still has the turn).
SHOW_HOURS = 24


def add(session: Session, *, channel: str, rule_ids: list[str], redacted_text: str | None, retention_days: int,
        now: datetime | None = None) -> StaffAlert:
    """Record an emergency answer; the text only within retention."""
    now = now or utcnow()
    keep = bool(redacted_text) and retention_days > 0
    alert = StaffAlert(created_at=now, channel=channel, rule_ids=",".join(rule_ids),
                       text=redacted_text if keep else None,
                       text_expires_at=now + timedelta(days=retention_days) if keep else None)
    session.add(alert)
    session.flush()
    return alert


def open_alerts(session: Session, now: datetime | None = None, limit: int = 20) -> list[StaffAlert]:
    """Unacknowledged alerts of the last SHOW_HOURS, newest first."""
    since = (now or utcnow()) - timedelta(hours=SHOW_HOURS)
    query = (select(StaffAlert).where(StaffAlert.acknowledged_at.is_(None), StaffAlert.created_at >= since)
             .order_by(StaffAlert.created_at.desc(), StaffAlert.id.desc()).limit(limit))
    return list(session.scalars(query))


def acknowledge(session: Session, alert_id: int, who: str, now: datetime | None = None) -> StaffAlert | None:
    """Mark an alert seen by ``who``; the first acknowledgement is kept. None when there is no such alert."""
    return sign(session, StaffAlert, alert_id, "acknowledged", who, now)


def purge(session: Session, now: datetime | None = None) -> int:
    """Drop alert texts past their retention; the alert itself (channel, rule, who acknowledged) stays."""
    now = now or utcnow()
    return session.execute(
        update(StaffAlert).where(StaffAlert.text_expires_at.is_not(None), StaffAlert.text_expires_at <= now)
        .values(text=None, text_expires_at=None)
    ).rowcount or 0
