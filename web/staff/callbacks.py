"""The call-back inbox: paged and sortable, each request with its local time, wait, owner, notes and outcomes.

Owner, notes and outcomes are history (store.callbacks, CallbackEvent): who did
what and when, never overwritten. Notes are redacted like visitor text, names
and all (bot.redact.redact_note), before they are stored.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from bot.desk import region_by_id
from bot.redact import redact_note
from store import callbacks as store
from store import staff as accounts
from store.models import utcnow
from web import db
from web.retention import retention_days
from web.staff.blueprint import bp
from web.staff.forms import ActionForm
from web.staff.localtime import waited

VIEW_LABELS = {"open": "All waiting", "mine": "Mine", "unassigned": "Unassigned", "done": "Done"}
SORT_LABELS = {"oldest": "waiting longest", "newest": "newest first", "urgent": "urgent first",
               "status": "not yet tried first"}


@bp.context_processor
def _open_callbacks():
    """The number of waiting call-backs, shown in the console's navigation (none while the database is silent)."""
    if not db.answering():
        return {"open_callbacks": None}
    try:
        with db.session_scope() as session:
            return {"open_callbacks": store.open_count(session)}
    except SQLAlchemyError:
        db.record_failure("callback_count")
        return {"open_callbacks": 0}


def _event_view(event) -> dict:
    return {"at": event.created_at, "by": event.by, "kind": event.kind, "note": event.note, "owner": event.owner,
            "outcome": store.OUTCOMES.get(event.outcome or "", event.outcome)}


def _view(callback, now) -> dict:
    region = region_by_id(callback.region)
    tries = sum(1 for e in callback.events if e.kind == "outcome")
    return {"id": callback.id, "created_at": callback.created_at, "channel": callback.channel,
            "waited": waited(callback.created_at, callback.done_at or now),
            "name": callback.name, "phone": callback.phone, "email": callback.email,
            "preferred_time": callback.preferred_time, "region": region.label if region else callback.region,
            "triage_level": callback.triage_level, "sections": store.sections_read(callback),
            "words": callback.words, "status": callback.status, "done_at": callback.done_at,
            "done_by": callback.done_by, "owner": callback.owner, "tries": tries,
            "outcome": store.OUTCOMES.get(callback.outcome or "", callback.outcome),
            "history": [_event_view(e) for e in reversed(callback.events)]}


def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    return max(1, int(value)) if value.isdigit() else default


@bp.get("/callbacks")
def callbacks():
    """One page of a view (all waiting, mine, unassigned, done) in the order staff chose."""
    view = request.args.get("view", "open")
    view = view if view in store.VIEWS else "open"
    sort = request.args.get("sort", "oldest")
    sort = sort if sort in store.SORTS else "oldest"
    page = _int_arg("page", 1)
    me = current_user.email
    now = utcnow()
    with db.session_scope() as session:
        total = store.count(session, view, me)
        counts = {key: store.count(session, key, me) for key in store.VIEWS}
        pages = max(1, -(-total // store.PAGE_SIZE))
        page = min(page, pages)
        shown = [_view(c, now) for c in store.queue(session, view, offset=(page - 1) * store.PAGE_SIZE,
                                                    sort=sort, me=me)]
        staff = [u.email for u in accounts.list_users(session)]
    return render_template("staff/callbacks.html", shown=shown, form=ActionForm(), total=total, counts=counts,
                           page=page, pages=pages, sort=sort, sorts=SORT_LABELS, view=view, views=VIEW_LABELS,
                           first=(page - 1) * store.PAGE_SIZE + 1, staff=staff, me=me, outcomes=store.OUTCOMES,
                           closing=store.CLOSING_OUTCOMES, max_note=store.MAX_NOTE_CHARS)


def _back(callback_id: int):
    """Back to the page the form was on (view, sort, page), at the request that changed."""
    args = {k: request.form[k] for k in ("view", "sort", "page") if request.form.get(k, "").isalnum()}
    return redirect(url_for("staff.callbacks", **args, _anchor=f"cb-{callback_id}"))


def _refuse(message: str, callback_id: int):
    flash(message, "error")
    return _back(callback_id), 303


@bp.post("/callbacks/<int:callback_id>/done")
def callback_done(callback_id: int):
    """Mark a request handled; contact details then age out with the retention period."""
    with db.session_scope() as session:
        callback = store.mark_done(session, callback_id, current_user.email, retention_days(current_app.config))
        if callback is None:
            abort(404)
    flash("Marked as done.", "info")
    return _back(callback_id)


@bp.post("/callbacks/<int:callback_id>/assign")
def callback_assign(callback_id: int):
    """Give the request to a staff member ("me" for oneself, "" for nobody)."""
    owner = request.form.get("owner", "").strip()
    owner = current_user.email if owner == "me" else owner
    with db.session_scope() as session:
        if owner and owner not in {u.email for u in accounts.list_users(session)}:
            return _refuse("That person has no console account.", callback_id)
        if store.assign(session, callback_id, owner or None, current_user.email) is None:
            abort(404)
    flash(f"Assigned to {owner}." if owner else "Nobody owns it now.", "info")
    return _back(callback_id)


@bp.post("/callbacks/<int:callback_id>/note")
def callback_note(callback_id: int):
    """Add a note to the request's history, redacted (contact details and names) before it is stored."""
    note = request.form.get("note", "").strip()
    if not note:
        return _refuse("The note is empty.", callback_id)
    if len(note) > store.MAX_NOTE_CHARS:
        return _refuse(f"Notes are at most {store.MAX_NOTE_CHARS} characters.", callback_id)
    with db.session_scope() as session:
        if store.add_note(session, callback_id, redact_note(note), current_user.email) is None:
            abort(404)
    flash("Note added.", "info")
    return _back(callback_id)


@bp.post("/callbacks/<int:callback_id>/outcome")
def callback_outcome(callback_id: int):
    """Record what came of a call, with an optional note; booked or referred elsewhere closes the request."""
    outcome = request.form.get("outcome", "")
    note = request.form.get("note", "").strip()
    if outcome not in store.OUTCOMES:
        return _refuse("Choose what came of the call.", callback_id)
    if len(note) > store.MAX_NOTE_CHARS:
        return _refuse(f"Notes are at most {store.MAX_NOTE_CHARS} characters.", callback_id)
    with db.session_scope() as session:
        callback = store.record_outcome(session, callback_id, outcome, current_user.email,
                                        retention_days(current_app.config), note=redact_note(note) or None)
        if callback is None:
            abort(404)
    closed = " The request is closed." if outcome in store.CLOSING_OUTCOMES else ""
    flash(f"Recorded: {store.OUTCOMES[outcome]}.{closed}", "info")
    return _back(callback_id)
