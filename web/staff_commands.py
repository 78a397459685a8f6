"""`clinicbot staff add|remove|list`: manage front-desk accounts from the command line.

There is no sign-up page: accounts are made by whoever runs the server.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from store import staff as accounts
from web import db


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


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(staff_group)
