"""Log in and out of the console."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from store import staff as accounts
from web import db
from web.staff.blueprint import bp
from web.staff.forms import ActionForm, LoginForm

log = logging.getLogger(__name__)


class StaffUser(UserMixin):
    """Flask-Login's view of a staff member; the id carries the account's session token."""

    def __init__(self, principal: accounts.Principal):
        self.principal = principal
        self.email = principal.email

    def get_id(self) -> str:
        """``<id>:<token>``: removing the account or changing the password ends every session."""
        return f"{self.principal.id}:{self.principal.session_token}"


def load_user(user_id: str) -> StaffUser | None:
    """Flask-Login's loader: the account must exist and its token match.

    Flask-Login loads the user for every template it renders, error pages included,
    so a database that does not answer makes the user anonymous for this request
    instead of holding the page.
    """
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token or not db.answering():
        return None
    try:
        with db.session_scope() as s:
            principal = accounts.load_principal(s, int(raw_id), token)
    except SQLAlchemyError:
        db.record_failure("load_user")
        return None
    return StaffUser(principal) if principal else None


def _safe_next(target: str | None) -> str:
    """Only local /staff paths: never redirect to another site after login."""
    if target and target.startswith("/staff") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.desk")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a throttled attempt is told when to try again (the same for every email)."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.desk"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            outcome = accounts.authenticate(db.session_scope, form.email.data, form.password.data,
                                            request.remote_addr or "")
        except SQLAlchemyError:
            log.exception("login failed: database error")
            db.record_failure("login")
            flash("The console cannot reach its database right now. Try again shortly.", "error")
            return make_response(render_template("staff/login.html", form=form), 503)
        if outcome.status == "ok":
            session.clear()
            session.permanent = True
            login_user(StaffUser(outcome.principal))
            log.info("staff login %s", outcome.principal.email)
            return redirect(_safe_next(request.args.get("next")))
        if outcome.status == "throttled":
            wait = outcome.retry_after
            when = f"{wait} seconds" if wait < 120 else f"{round(wait / 60)} minutes"
            flash(f"Too many login attempts. Wait {when} and try again.", "error")
            status = 429
        else:
            flash("Email or password is not right.", "error")
            status = 401
        response = make_response(render_template("staff/login.html", form=form), status)
        if outcome.retry_after:
            response.headers["Retry-After"] = str(outcome.retry_after)
        return response
    if request.method == "POST":
        status = 400
    return make_response(render_template("staff/login.html", form=form), status)


@bp.post("/logout")
def logout():
    """End every session of the account (a POST with a CSRF token, so no page can log staff out by a link)."""
    ActionForm()
    try:
        with db.session_scope() as s:
            accounts.end_sessions(s, current_user.principal.id)
    except SQLAlchemyError:
        log.exception("logout: could not revoke the account's sessions")
        db.record_failure("logout")
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("staff.login"))


def csrf_refused(error):
    """A form without a valid CSRF token (expired page, forged request): 400 with a way back."""
    current_app.logger.info("CSRF refused on %s: %s", request.path, error.description)
    return make_response(render_template("staff/csrf.html"), 400)
