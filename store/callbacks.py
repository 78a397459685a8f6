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

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from store.inquiries import conversation_turns
from store.models import Callback, CallbackEvent, utcnow

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
#: How staff may order the open queue; first come, first served by default. "status" puts requests
#: nobody has tried yet first, then those with no answer, then those with a voicemail left.
SORTS = ("oldest", "newest", "urgent", "status")
#: What came of a call-back, in the order the console offers them; the closing ones end the request.
OUTCOMES = {"booked": "Booked", "left_voicemail": "Left voicemail", "no_answer": "No answer",
            "referred": "Referred elsewhere"}
CLOSING_OUTCOMES = frozenset({"booked", "referred"})
#: Which requests a page lists: everything open, open ones of one owner / nobody, or closed ones.
VIEWS = ("open", "mine", "unassigned", "done")
MAX_NOTE_CHARS = 1000


def _where(view: str, me: str | None):
    """The filter of a view ("mine" is the open requests ``me`` owns)."""
    if view == "done":
        return Callback.status == "done"
    if view == "mine":
        return and_(Callback.status == "open", Callback.owner == (me or ""))
    if view == "unassigned":
        return and_(Callback.status == "open", Callback.owner.is_(None))
    return Callback.status == "open"


def queue(session: Session, status: str = "open", limit: int = PAGE_SIZE, offset: int = 0,
          sort: str = "oldest", me: str | None = None) -> list[Callback]:
    """A page of requests of a view (VIEWS; "open" by default): open ones by ``sort``, done ones newest first.

    Paged, so a flood of requests can never hide the ones behind it: the newest are
    one click away (sort=newest), and so is every page. Each comes with its history.
    """
    if status == "done":
        order = [Callback.done_at.desc()]
    elif sort == "newest":
        order = [Callback.created_at.desc()]
    elif sort == "urgent":
        rank = case({"emergency": 0, "urgent": 1}, value=Callback.triage_level, else_=2)
        order = [rank, Callback.created_at.asc()]
    elif sort == "status":
        rank = case({"no_answer": 1, "left_voicemail": 2}, value=Callback.outcome, else_=0)
        order = [rank, Callback.created_at.asc()]
    else:
        order = [Callback.created_at.asc()]
    statement = (select(Callback).where(_where(status, me)).options(selectinload(Callback.events))
                 .order_by(*order, Callback.id).limit(limit).offset(offset))
    return list(session.scalars(statement))


def count(session: Session, view: str = "open", me: str | None = None) -> int:
    """How many requests a view lists (the badge is the "open" count, the same number as that list's)."""
    return session.scalar(select(func.count()).select_from(Callback).where(_where(view, me))) or 0


def open_count(session: Session) -> int:
    """How many requests wait for a call."""
    return count(session, "open")


def assign(session: Session, callback_id: int, owner: str | None, by: str,
           now: datetime | None = None) -> Callback | None:
    """Give a request to a staff member (None: to nobody), recorded with who and when."""
    callback = session.get(Callback, callback_id)
    if callback is None:
        return None
    callback.owner = owner or None
    callback.events.append(CallbackEvent(created_at=now or utcnow(), by=by, kind="assign", owner=owner or None))
    return callback


def add_note(session: Session, callback_id: int, note: str, by: str, now: datetime | None = None) -> Callback | None:
    """Add a note, already redacted by the caller (bot.redact.redact_note), to the request's history."""
    callback = session.get(Callback, callback_id)
    if callback is None:
        return None
    callback.events.append(CallbackEvent(created_at=now or utcnow(), by=by, kind="note",
                                         note=note[:MAX_NOTE_CHARS]))
    return callback


def record_outcome(session: Session, callback_id: int, outcome: str, by: str, retention_days: int,
                   note: str | None = None, now: datetime | None = None) -> Callback | None:
    """Record what came of a call (OUTCOMES) with who and when; booked or referred elsewhere closes the request.

    Earlier outcomes stay in the history ("no answer" on Monday, "booked" on
    Tuesday); the request shows the latest.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    callback = session.get(Callback, callback_id)
    if callback is None:
        return None
    now = now or utcnow()
    callback.outcome = outcome
    callback.events.append(CallbackEvent(created_at=now, by=by, kind="outcome", outcome=outcome,
                                         note=note[:MAX_NOTE_CHARS] if note else None))
    if outcome in CLOSING_OUTCOMES and callback.status == "open":
        mark_done(session, callback_id, by, retention_days, now=now)
    return callback


def purge_notes(session: Session, now: datetime | None = None) -> int:
    """Erase the notes of requests whose contact details are gone (done past retention, or expired unanswered).

    Notes are about a person; once the request no longer says who, its notes go too.
    """
    erased = (select(Callback.id).where(Callback.status != "open", Callback.name.is_(None),
                                        Callback.phone.is_(None), Callback.email.is_(None)))
    stale = exists().where(Callback.id == CallbackEvent.callback_id, Callback.personal_expires_at <= (now or utcnow()))
    result = session.execute(update(CallbackEvent).where(CallbackEvent.note.is_not(None), or_(
        CallbackEvent.callback_id.in_(erased), stale)).values(note=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


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
        for event in callback.events:
            event.note = None
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
