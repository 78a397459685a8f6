"""`clinicbot db upgrade|current` and `clinicbot purge`: schema and retention from the command line.

Domain errors become ClickException: the operator sees one clear line.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from store import alerts, conversations
from web import db
from web.retention import callback_retention_days, purge_now, retention_days


@click.group("db")
def db_group() -> None:
    """The inquiry-log database."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target schema revision.")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Create or migrate the schema (also done automatically at start)."""
    database = db.database()
    try:
        db.upgrade(database, revision)
        click.echo(f"database at revision {db.current_revision(database)} "
                   f"({database.engine.url.render_as_string(hide_password=True)})")
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot migrate {database.engine.url.render_as_string()}: "
                                   f"{type(exc).__name__}") from exc


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Print the schema revision the database is at."""
    try:
        click.echo(db.current_revision(db.database()) or "(empty database)")
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot read the database: {type(exc).__name__}") from exc


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Remove visitor text older than RETENTION_DAYS and expired call-back contacts."""
    days = retention_days(current_app.config)
    try:
        result = purge_now(current_app.config)
        with db.session_scope() as session:
            # Conversation memory and live alerts keep visitor text too (web/conversation.py).
            topics, alert_texts = conversations.purge(session), alerts.purge(session)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"purge failed: {type(exc).__name__}") from exc
    click.echo(f"purged {result.turn_texts} message texts, {result.callbacks} call-back contacts, "
               f"{result.login_attempts} old login attempts (retention {days} days, open call-backs "
               f"{callback_retention_days(current_app.config)} days)")
    click.echo(f"purged {topics} expired conversation topics and {alert_texts} alert texts")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_group)
    app.cli.add_command(purge_command)
