"""clinicbot: the Flask application factory and the `clinicbot` command.

Configuration is layered (web/config.py holds every setting): defaults, then
``<instance>/config.py`` if present, then environment variables prefixed
``CLINICBOT_`` (``CLINICBOT_FEED=...``), then the mapping passed to ``create_app``
(tests), each value then typed and checked. Nothing is fetched or built at
import time; the index is loaded (or built from the bundled feed on first start)
inside ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask.cli import FlaskGroup

from web import config
from web.config import ConfigError

ROOT = Path(__file__).resolve().parent
BUNDLED_FEED = Path(config.BUNDLED_FEED)
#: The bundled feed's clinic: its channel title is only "Blog", so its name goes with it here.
#: Any other feed's clinic is named by CLINIC_NAME or its own channel title (web/clinic.py).
BUNDLED_CLINIC_NAME = "Victory Performance and Physical Therapy"


def _load_config(app: Flask, overrides: dict | None) -> None:
    """Defaults, instance config.py, CLINICBOT_* variables, the caller's mapping; then typed and checked."""
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config.from_environ())
    if overrides:
        app.config.from_mapping(overrides)
    config.coerce(app.config)
    if not app.config.get("CLINIC_NAME") and Path(app.config["FEED"]).resolve() == BUNDLED_FEED.resolve():
        app.config["CLINIC_NAME"] = BUNDLED_CLINIC_NAME
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    _secret_key(app)


def _secret_key(app: Flask) -> None:
    """Use the configured key; outside production keep a generated one in the instance folder.

    Production never gets an invented key: it must be configured, so sessions
    survive restarts and are shared by every worker and instance.
    """
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise ConfigError("CLINICBOT_SECRET_KEY must be set in production (e.g. `python -c "
                          "'import secrets; print(secrets.token_hex(32))'`)")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: configuration, index, blueprints, error handlers, CLI."""
    instance_path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("CLINICBOT_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    _load_config(app, overrides)
    app.json.sort_keys = False

    from bot.triage import load_rules

    load_rules()  # a broken red-flag rules file must stop the start, not fail the first visitor
    if app.config["LOAD_INDEX_AT_START"]:  # not for CLI commands: `clinicbot train-redflags` must run to fix it
        from bot.redflag_model import load_default

        load_default()  # a stale or broken learned layer stops the start too (ModelError)
        from bot.triage import screen

        screen("warm-up: my knee aches on the stairs")  # builds the ASCII pattern forms (~0.25 s) before any visitor
    from web import (
        api,
        cli,
        cors,
        db,
        errors,
        health,
        i18n,
        kiosk,
        limits,
        live,
        logs,
        metrics,
        origins,
        pages,
        refresh,
        security,
        staff,
        turn_writer,
        widget,
    )

    live.init_app(app)
    i18n.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
    security.init_app(app)
    cors.init_app(app)
    origins.init_app(app)
    errors.init_app(app)
    db.init_app(app)
    kiosk.init_app(app)
    turn_writer.init_app(app)
    staff.init_app(app)
    refresh.init_app(app)
    app.register_blueprint(pages.bp)
    api.init_app(app)
    widget.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    limits.init_app(app)  # after the API blueprints: it wraps their views
    return app


def close_app(app: Flask) -> None:
    """Release what create_app opened: database connections, the index's memory maps, the turn
    journal, threads and clients (web/lifecycle.py). For processes that create many apps; the app
    still answers afterwards, opening what it needs again."""
    from web import lifecycle

    lifecycle.close(app)


def main() -> None:
    """Entry point of the `clinicbot` console script."""
    group = FlaskGroup(create_app=lambda: create_app({"LOAD_INDEX_AT_START": False}), add_version_option=False,
                       help="clinicbot: answer patients' complaints with the clinic's own blog.")
    group.main(prog_name="clinicbot")
