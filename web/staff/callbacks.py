"""The call-back queue: structured summaries, paged, oldest first or as staff sort them; staff mark them done."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from bot.desk import region_by_id
from store import callbacks as store
from web import db
from web.retention import retention_days
from web.staff.blueprint import bp
from web.staff.forms import ActionForm


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


def _view(callback) -> dict:
    region = region_by_id(callback.region)
    return {"id": callback.id, "created_at": callback.created_at, "channel": callback.channel,
            "name": callback.name, "phone": callback.phone, "email": callback.email,
            "preferred_time": callback.preferred_time, "region": region.label if region else callback.region,
            "triage_level": callback.triage_level, "sections": store.sections_read(callback),
            "words": callback.words, "status": callback.status, "done_at": callback.done_at,
            "done_by": callback.done_by}


@bp.get("/callbacks")
def callbacks():
    """A page of open requests in the order staff chose, then the most recently done."""
    sort = request.args.get("sort", "oldest")
    sort = sort if sort in store.SORTS else "oldest"
    page = request.args.get("page", "1")
    page = max(1, int(page)) if page.isdigit() else 1
    with db.session_scope() as session:
        total = store.open_count(session)
        pages = max(1, -(-total // store.PAGE_SIZE))
        page = min(page, pages)
        waiting = [_view(c) for c in store.queue(session, "open", offset=(page - 1) * store.PAGE_SIZE, sort=sort)]
        done = [_view(c) for c in store.queue(session, "done", limit=20)]
    return render_template("staff/callbacks.html", waiting=waiting, done=done, form=ActionForm(), total=total,
                           page=page, pages=pages, sort=sort, sorts=store.SORTS,
                           first=(page - 1) * store.PAGE_SIZE + 1)


@bp.post("/callbacks/<int:callback_id>/done")
def callback_done(callback_id: int):
    """Mark a request handled; contact details then age out with the retention period."""
    with db.session_scope() as session:
        callback = store.mark_done(session, callback_id, current_user.email, retention_days(current_app.config))
        if callback is None:
            abort(404)
    flash("Marked as done.", "info")
    return redirect(url_for("staff.callbacks"))
