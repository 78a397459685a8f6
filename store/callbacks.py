"""Call-back requests: a structured summary of what the visitor asked and read, not a transcript.

The summary is built from the conversation's logged turns: the region named
most often, the most severe triage level, the sections they were shown. Contact
details are kept until the request is done, then for the retention period, then
erased by the purge.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from store.inquiries import conversation_turns
from store.models import Callback, utcnow

SEVERITY = ("emergency", "urgent", "routine", "none")
MAX_SECTIONS = 8


def conversation_summary(session: Session, conversation_id: str | None) -> dict:
    """Region, most severe triage level and sections read in a logged conversation."""
    if not conversation_id:
        return {"region": None, "triage_level": "none", "sections": []}
    turns = conversation_turns(session, conversation_id)
    regions = Counter(t.region for t in turns if t.region)
    levels = [t.triage_level for t in turns if t.triage_level in SEVERITY] or ["none"]
    seen: dict[str, dict] = {}
    for turn in turns:
        for section in turn.sections:
            if section.section_url not in seen and len(seen) < MAX_SECTIONS:
                seen[section.section_url] = {"title": section.post_title, "heading": section.section_heading,
                                             "url": section.section_url}
    return {"region": regions.most_common(1)[0][0] if regions else None,
            "triage_level": min(levels, key=SEVERITY.index), "sections": list(seen.values())}


def create(session: Session, *, channel: str, conversation_id: str | None, name: str, phone: str | None,
           email: str | None, preferred_time: str | None, consent: bool, words: str | None,
           region: str | None = None, triage_level: str | None = None, now: datetime | None = None) -> Callback:
    """Queue a call-back with the conversation's summary; explicit region/level win over the log's."""
    summary = conversation_summary(session, conversation_id)
    levels = [lvl for lvl in (triage_level, summary["triage_level"]) if lvl in SEVERITY]
    callback = Callback(
        created_at=now or utcnow(), channel=channel, conversation_id=conversation_id, name=name, phone=phone,
        email=email, preferred_time=preferred_time, consent=consent, words=words,
        region=region or summary["region"],
        triage_level=min(levels, key=SEVERITY.index) if levels else "none",
        sections_read=json.dumps(summary["sections"]),
    )
    session.add(callback)
    return callback


#: Open requests shown per page of the queue.
PAGE_SIZE = 50
#: How staff may order the open queue; first come, first served by default.
SORTS = ("oldest", "newest", "urgent")


def queue(session: Session, status: str = "open", limit: int = PAGE_SIZE, offset: int = 0,
          sort: str = "oldest") -> list[Callback]:
    """A page of requests: open ones by ``sort`` (oldest, newest, urgent first); done ones newest first.

    Paged, so a flood of requests can never hide the ones behind it: the newest are
    one click away (sort=newest), and so is every page.
    """
    if status != "open":
        order = [Callback.done_at.desc()]
    elif sort == "newest":
        order = [Callback.created_at.desc()]
    elif sort == "urgent":
        rank = case({"emergency": 0, "urgent": 1}, value=Callback.triage_level, else_=2)
        order = [rank, Callback.created_at.asc()]
    else:
        order = [Callback.created_at.asc()]
    statement = (select(Callback).where(Callback.status == status).order_by(*order, Callback.id)
                 .limit(limit).offset(offset))
    return list(session.scalars(statement))


def open_count(session: Session) -> int:
    """How many requests wait for a call."""
    return session.scalar(select(func.count()).select_from(Callback).where(Callback.status == "open")) or 0


def mark_done(session: Session, callback_id: int, by: str, retention_days: int,
              now: datetime | None = None) -> Callback | None:
    """Close a request; its contact details are erased after the retention period (at once if 0)."""
    callback = session.get(Callback, callback_id)
    if callback is None:
        return None
    now = now or utcnow()
    callback.status = "done"
    callback.done_at = now
    callback.done_by = by
    if retention_days <= 0:
        callback.name = callback.phone = callback.email = callback.preferred_time = callback.words = None
        callback.personal_expires_at = None
    else:
        callback.personal_expires_at = now + timedelta(days=retention_days)
    return callback


def sections_read(callback: Callback) -> list[dict]:
    """The decoded list of sections the visitor was shown."""
    try:
        value = json.loads(callback.sections_read or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
