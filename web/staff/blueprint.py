"""The /staff blueprint and what guards every route of it.

Every route of this blueprint requires a logged-in staff member (checked once in
``before_request``, so a new route cannot forget it) except the login page, and
every POST is CSRF-checked (Flask-WTF), also in ``before_request``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from web import db

bp = Blueprint("staff", __name__, url_prefix="/staff")
csrf = CSRFProtect()
login_manager = LoginManager()

#: Endpoints reachable without a session.
PUBLIC_ENDPOINTS = {"staff.login"}
#: Retry-After of the 503 a staff page gets while the database does not answer.
RETRY_SECONDS = 30
DATABASE_SILENT = ("The console cannot reach its database just now. Inquiries and call-back requests "
                   "already received are safe; please try again in a minute.")


@bp.context_processor
def _clinic_name():
    """The clinic's name for the console's title and header: configured, else the live feed's (web/clinic.py)."""
    from index.versions import ArtifactError
    from web.clinic import clinic_name
    from web.live import current_index

    try:
        index = current_index()
    except ArtifactError:  # no index built yet: the configured name or the neutral one
        index = None
    return {"clinic_name": clinic_name(current_app.config, index)}


@bp.before_request
def _require_login_and_csrf():
    """Anonymous users go to the login page; POSTs without a valid CSRF token are refused.

    First of all the database must answer: every staff page reads it (the session's
    account included), and a frozen one would hold the page until the worker timeout.
    """
    if not db.answering():
        db.record_failure("staff_page")
        return _database_silent()
    if request.method == "POST":
        csrf.protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if request.method != "GET":
            abort(401)
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    return None


def _database_silent():
    """The console's own 503 page: what is wrong, that nothing logged is lost, when to retry."""
    page = render_template("error.html", status=503, message=DATABASE_SILENT, back_url=request.path,
                           back_label="Try again")
    response = make_response(page, 503)
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response


def sign_as_me(mark: Callable, row_id: int, view: Callable | None = None):
    """Sign a row as the staff member of this request (``mark(session, row_id, who)``: acknowledge an alert,
    undo a lesson); 404 when there is no such row. ``view`` reads what the response shows while the session is open.
    """
    with db.session_scope() as session:
        row = mark(session, row_id, current_user.email)
        if row is None:
            abort(404)
        return view(row) if view is not None else None


@bp.after_request
def _no_store(response):
    """Staff pages show visitor inquiries: never cache them in a shared or browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
