"""Helpers for console tests: make an account, read a form's CSRF token, log in (like flaskr's AuthActions)."""

from __future__ import annotations

import re

from store import inquiries
from store import staff as accounts
from web import db

EMAIL = "desk@example.com"
PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_account(app, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Create a staff account directly in the database."""
    with db.session_scope(app) as session:
        accounts.add_user(session, email, password)


def csrf_token(client, path: str = "/staff/login") -> str:
    """The CSRF token of the form on a page."""
    response = client.get(path)
    match = TOKEN.search(response.get_data(as_text=True))
    if not match:
        raise LookupError(f"no CSRF token on {path} (status {response.status_code})")
    return match.group(1)


def login(client, email: str = EMAIL, password: str = PASSWORD, token: str | None = None):
    """Post the login form with a valid CSRF token."""
    token = token or csrf_token(client)
    return client.post("/staff/login", data={"email": email, "password": password, "csrf_token": token})


def store_turn(session, **fields) -> int:
    """Store one answered message the way the app does (inquiries.turn_rows, then insert_turns); its id."""
    return inquiries.insert_turns(session.connection(), [inquiries.turn_rows(**fields)])[0]
