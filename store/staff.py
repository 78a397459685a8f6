"""Staff accounts: creation, removal, password checks with lockout and per-address rate limits.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's
recommendations). Failed logins lock an account for LOCK_MINUTES after
MAX_FAILURES in a row; an address making more than RATE_LIMIT attempts in
RATE_WINDOW is refused outright, whatever account it tries, so guessing across
many accounts is slowed too. Unknown emails cost the same hash work as known
ones and get the same answer, so the form does not reveal who has an account.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import LoginAttempt, StaffUser, utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
RATE_LIMIT = 20
RATE_WINDOW = timedelta(minutes=10)
MIN_PASSWORD = 12
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class StaffError(ValueError):
    """An account operation that cannot be done; the message is safe to show."""


@dataclass(frozen=True)
class Principal:
    """The logged-in staff member as the web layer sees them (no ORM object leaks out)."""

    id: int
    email: str
    session_token: str


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt: ok, invalid, locked or rate_limited."""

    status: str
    principal: Principal | None = None
    retry_after: int = 0


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding space."""
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    """Refuse short passwords; length is what resists guessing."""
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password must be at least {MIN_PASSWORD} characters")


def add_user(session: Session, email: str, password: str) -> StaffUser:
    """Create an account, or set a new password (and unlock) if it exists."""
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise StaffError(f"{email!r} is not an email address")
    check_password_strength(password)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        user = StaffUser(email=email, password_hash="", session_token="")
        session.add(user)
    user.password_hash = _hasher.hash(password)
    user.session_token = secrets.token_hex(16)
    user.failed_logins = 0
    user.locked_until = None
    return user


def remove_user(session: Session, email: str) -> None:
    """Delete an account; its sessions stop working at their next request."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise StaffError(f"no staff account {normalise_email(email)!r}")
    session.delete(user)


def list_users(session: Session) -> list[StaffUser]:
    """Every account, by email."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def load_principal(session: Session, user_id: int, token: str) -> Principal | None:
    """The principal for a session cookie, if the account still exists with that token."""
    user = session.get(StaffUser, user_id)
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return Principal(user.id, user.email, user.session_token)


def _rate_limited(session: Session, remote_addr: str, now: datetime) -> bool:
    recent = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.remote_addr == remote_addr, LoginAttempt.created_at > now - RATE_WINDOW))
    return (recent or 0) >= RATE_LIMIT


def authenticate(session: Session, email: str, password: str, remote_addr: str,
                 now: datetime | None = None) -> LoginOutcome:
    """Check a login; count failures, lock after MAX_FAILURES, rate-limit by address."""
    now = now or utcnow()
    remote_addr = (remote_addr or "unknown")[:64]
    if _rate_limited(session, remote_addr, now):
        return LoginOutcome("rate_limited", retry_after=int(RATE_WINDOW.total_seconds()))
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is not None and user.locked_until and user.locked_until > now:
        session.add(LoginAttempt(created_at=now, remote_addr=remote_addr, success=False))
        return LoginOutcome("locked", retry_after=int((user.locked_until - now).total_seconds()) + 1)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(created_at=now, remote_addr=remote_addr, success=ok))
    if user is None:
        return LoginOutcome("invalid")
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            return LoginOutcome("locked", retry_after=LOCK_MINUTES * 60)
        return LoginOutcome("invalid")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return LoginOutcome("ok", Principal(user.id, user.email, user.session_token))
