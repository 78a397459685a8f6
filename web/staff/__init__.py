"""The front-desk console under /staff: login, triage desk, call-back queue, log and reports.

The blueprint and its guards (login, CSRF, a database that answers) are in web/staff/blueprint.py;
each page's module adds its routes to it; ``init_app`` registers it all.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFError

from web.staff.blueprint import bp, csrf, login_manager


def init_app(app: Flask) -> None:
    """Session cookie policy, CSRF, Flask-Login and the blueprint."""
    from datetime import timedelta

    from web.staff import alerts, auth, callbacks, desk, inquiry_views, reports, teaching  # noqa: F401 - routes
    from web.staff.session import SessionInterface

    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # A staff session lasts a working day, not Flask's default month.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["STAFF_SESSION_HOURS"])
    # CSRF is checked on every /staff POST (before_request), not on the JSON API.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(auth.load_user)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, auth.csrf_refused)
