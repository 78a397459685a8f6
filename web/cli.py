"""Every `clinicbot` command, in one place: the index, the red-flag model, the database, staff
accounts and the kiosk.

Domain errors become ClickException so the operator sees one clear line, never a traceback.
``init_app`` registers them all (app.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import redflag_model, redflag_train
from bot.chat import respond
from index.feed import FeedError
from index.live import build_from_feed
from index.refresh import RefreshError
from index.versions import ArtifactError
from store import alerts, conversations
from store import staff as accounts
from store.kiosk import PinError
from web import db
from web.clinic import bot_settings
from web.kiosk import state
from web.live import holder
from web.refresh import run_refresh
from web.retention import callback_retention_days, purge_now, retention_days

# --- the index and the red-flag model -----------------------------------------------------------


@click.command("build-index")
@click.option("--feed", "feed", default=None, metavar="PATH_OR_URL",
              help="Feed to index (default: the configured CLINICBOT_FEED, else the bundled feed).")
@with_appcontext
def build_index_command(feed: str | None) -> None:
    """Build a new index version from a feed and make it live."""
    source = feed or current_app.config["FEED"]
    try:
        result = build_from_feed(source, Path(current_app.config["INDEX_DIR"]))
    except (FeedError, ArtifactError) as exc:
        raise click.ClickException(f"{exc} (the live index was not changed)") from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"indexed {result.n_posts} posts as {result.n_sections} sections -> {result.path}")


@click.command("ask")
@click.argument("message")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
@with_appcontext
def ask_command(message: str, as_json: bool) -> None:
    """Answer MESSAGE as the chat API would, without a server."""
    message = message.strip()
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if not message or len(message) > limit:
        raise click.ClickException(f"the message must be 1 to {limit} characters")
    try:
        index = holder().ensure(current_app.config["FEED"])
    except (FeedError, ArtifactError) as exc:
        raise click.ClickException(str(exc)) from exc
    answer = respond(message, index, bot_settings(current_app.config, index))
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
        return
    click.echo(answer["reply"])
    for number, result in enumerate(answer["results"], 1):
        heading = result["section_heading"] or "(introduction)"
        click.echo(f"{number}. {result['post_title']} — {heading}  [{result['score']:.3f}]")
        click.echo(f"   {result['section_url']}")
    cta = answer["cta"]
    click.echo(f"{cta['text']}: {cta['url'] or ''} {cta['phone'] or ''}".rstrip())
    click.echo(answer["disclaimer"])


@click.command("train-redflags")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of labelled *.jsonl messages (repeatable; default data/redflag_corpus).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=redflag_model.MODEL_DIR,
              show_default=True, help="Where the artifact is written.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@click.option("--min-recall", type=float, default=redflag_model.TARGETS["min_recall"], show_default=True,
              help="Fail below this cross-validated red-flag recall (rules and model together).")
@click.option("--max-false-alarms", type=float, default=redflag_model.TARGETS["max_false_alarms"],
              show_default=True, help="Fail above this cross-validated false-alarm rate on routine rows.")
def train_redflags_command(corpus: tuple[Path, ...], out: Path, folds: int, min_recall: float,
                           max_false_alarms: float) -> None:
    """Train the learned red-flag layer; fail when its cross-validation misses the targets."""
    targets = {"min_recall": min_recall, "max_false_alarms": max_false_alarms}
    try:
        report = redflag_train.train(list(corpus) or [redflag_model.CORPUS_DIR], out, folds, targets)
    except redflag_model.ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    cv = report["cv"]
    for name in ("rules", "model", "both"):
        f = cv[name]
        click.echo(f"{name:6s} red-flag recall {f['recall']:.3f}  exact level {f['exact']:.3f}  "
                   f"false alarms {f['false_alarms']:.3f}  ({f['red_flags']} red flags, {f['routine']} routine)")
    click.echo(f"threshold {cv['threshold']}, emergency cut {cv['emergency_cut']}; {report['rows']} rows -> {out}")


@click.command("refresh")
@click.option("--force", is_flag=True, help="Ignore the saved ETag/Last-Modified and re-read every page.")
@with_appcontext
def refresh_command(force: bool) -> None:
    """Fetch the feed, archive its posts and publish a new index version if anything changed.

    Safe to run from cron: a failure changes nothing and exits with status 1.
    """
    try:
        result = run_refresh(current_app._get_current_object(), force=force)
    except RefreshError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


# --- the database and retention ----------------------------------------------------------------------


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


# --- front-desk accounts (there is no sign-up page) --------------------------------------------------


@click.group("staff")
def staff_group() -> None:
    """Front-desk console accounts."""


@staff_group.command("add")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@with_appcontext
def add_command(email: str, password_stdin: bool) -> None:
    """Create the account EMAIL (or set a new password if it exists)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.session_scope() as session:
            accounts.add_user(session, email, password)
    except accounts.StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    except IntegrityError as exc:
        raise click.ClickException(f"{email} was created at the same time by someone else; try again") from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot reach the database: {type(exc).__name__}") from exc
    click.echo(f"staff account {accounts.normalise_email(email)} is ready")


@staff_group.command("remove")
@click.argument("email")
@with_appcontext
def remove_command(email: str) -> None:
    """Delete the account EMAIL; its open sessions end at their next request."""
    try:
        with db.session_scope() as session:
            accounts.remove_user(session, email)
    except accounts.StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot reach the database: {type(exc).__name__}") from exc
    click.echo(f"staff account {accounts.normalise_email(email)} removed")


@staff_group.command("list")
@with_appcontext
def list_command() -> None:
    """Print every account, with lock state and last login."""
    with db.session_scope() as session:
        for user in accounts.list_users(session):
            locked = f" locked until {user.locked_until:%Y-%m-%d %H:%M} UTC" if user.locked_until else ""
            last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
            click.echo(f"{user.email}  last login {last}{locked}")


# --- the waiting-room kiosk --------------------------------------------------------------------------


kiosk_cli = AppGroup("kiosk", help="Manage the waiting-room kiosk.")


@kiosk_cli.command("set-pin")
@click.option("--pin", prompt="New staff PIN (6-12 digits)", hide_input=True, confirmation_prompt=True,
              help="The PIN; prompted for (hidden, twice) when omitted.")
def set_pin_command(pin: str) -> None:
    """Set the staff PIN that opens the kiosk settings (stored hashed)."""
    try:
        state().store.set_pin(pin.strip())
    except PinError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("kiosk staff PIN set; previous lockouts cleared")


@kiosk_cli.command("clear-lockouts")
def clear_lockouts_command() -> None:
    """Let every locked-out client try the PIN again."""
    click.echo(f"cleared {state().store.clear_lockouts()} PIN lockout record(s)")


def init_app(app: Flask) -> None:
    """Register every command on the app's CLI."""
    for command in (build_index_command, ask_command, train_redflags_command, refresh_command,
                    db_group, purge_command, staff_group, kiosk_cli):
        app.cli.add_command(command)
