"""Staff accounts: creation, removal, password checks with lockout and per-address rate limits.

Passwords are hashed with Argon2id by store/passwords.py (argon2-cffi's defaults follow RFC 9106's
recommendations). Login attempts are throttled, not locked: counted atomically per
address on one account, per address and per account, each with a doubling back-off
past its free attempts (FREE_ATTEMPTS, BACKOFF_SECONDS), so a stranger cannot lock
staff out for a quarter of an hour with five requests. Unknown emails are counted,
refused and timed exactly like known ones, so the form does not reveal who has an account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from store.models import LoginAttempt, LoginThrottle, StaffUser, utcnow
from store.passwords import DUMMY_HASH as _DUMMY_HASH
from store.passwords import hash_secret, needs_rehash, verify_secret

#: Attempts in WINDOW before a back-off starts, per kind of key: one address on one account,
#: one address on any account, one account from anywhere (distributed guessing).
FREE_ATTEMPTS = {"pair": 5, "address": 20, "account": 50}
#: (first back-off, longest back-off) in seconds; it doubles with each attempt past the free ones.
#: An account's own back-off stays short: anyone can trigger it, so it slows guessing, never locks out.
BACKOFF_SECONDS = {"pair": (30, 900), "address": (30, 900), "account": (2, 60)}
WINDOW = timedelta(minutes=15)
#: Retry-After of an attempt refused because its counter was too busy to take it (a flood).
FLOOD_RETRY_SECONDS = 5
MIN_PASSWORD = 12
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")



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
    """The result of a login attempt: ok, invalid or throttled (retry_after seconds)."""

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
    user.password_hash = hash_secret(password)
    user.session_token = secrets.token_hex(16)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginThrottle).where(or_(  # a reset password starts with a clean slate
        LoginThrottle.key == f"u:{email}", LoginThrottle.key.startswith(f"p:{email}|", autoescape=True))))
    return user


def remove_user(session: Session, email: str) -> None:
    """Delete an account; its sessions stop working at their next request."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise StaffError(f"no staff account {normalise_email(email)!r}")
    session.delete(user)


def end_sessions(session: Session, user_id: int) -> None:
    """Revoke every session of an account: their cookies carry the old token, which no longer matches.

    Sessions are signed cookies the server cannot delete, so logging out must change
    something on the server; a cookie copied before logout then stops working too.
    """
    user = session.get(StaffUser, user_id)
    if user is not None:
        user.session_token = secrets.token_hex(16)


def list_users(session: Session) -> list[StaffUser]:
    """Every account, by email."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def load_principal(session: Session, user_id: int, token: str) -> Principal | None:
    """The principal for a session cookie, if the account still exists with that token."""
    user = session.get(StaffUser, user_id)
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return Principal(user.id, user.email, user.session_token)


def _upsert(session: Session, key: str, now: datetime):
    """Count one attempt under ``key`` atomically; (attempts in the window, blocked_until)."""
    table = LoginThrottle.__table__
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)
    stale = table.c.first_at < now - WINDOW
    statement = insert.values(key=key, attempts=1, first_at=now, blocked_until=None).on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"attempts": case((stale, 1), else_=table.c.attempts + 1),
              "first_at": case((stale, now), else_=table.c.first_at)},
    ).returning(table.c.attempts, table.c.blocked_until)
    return session.execute(statement).one()


def _reserve(session: Session, keys: dict[str, str], now: datetime) -> int:
    """Count this attempt under each key; seconds to wait when any key is in its back-off, else 0.

    The count is taken before the password is checked and the row stays locked to the
    end of the transaction, so twenty simultaneous guesses are counted one by one: past
    the free attempts each one checked sets the next back-off before another can pass.
    """
    for kind in ("address", "account", "pair"):
        attempts, blocked_until = _upsert(session, keys[kind], now)
        if blocked_until is not None and blocked_until > now:
            return max(1, int((blocked_until - now).total_seconds() + 0.999))
        over = attempts - FREE_ATTEMPTS[kind]
        if over > 0:
            base, cap = BACKOFF_SECONDS[kind]
            wait = min(cap, base * 2 ** min(over - 1, 20))
            session.execute(update(LoginThrottle).where(LoginThrottle.key == keys[kind]).values(
                blocked_until=now + timedelta(seconds=wait)))
    return 0


def _verify(password_hash: str, password: str) -> bool:
    """Every attempt, refused or not, pays for one hash check, so timing tells nothing."""
    return verify_secret(password_hash, password)


def authenticate(scope: Callable[[], AbstractContextManager[Session]], email: str, password: str,
                 remote_addr: str, now: datetime | None = None) -> LoginOutcome:
    """Check a login: count it per address, account and both, then verify outside any transaction.

    ``scope`` opens a committed session (web.db.session_scope): the count is committed
    before the slow hash so other workers see it, and no write lock is held meanwhile.
    Unknown and known emails are counted, refused and timed alike (the dummy hash), and
    a throttled attempt pays for a hash too, so neither status, wording nor time reveals
    who has an account.
    """
    now = now or utcnow()
    email = normalise_email(email or "")[:254]
    remote_addr = (remote_addr or "unknown")[:64]
    keys = {"address": f"a:{remote_addr}", "account": f"u:{email}", "pair": f"p:{email}|{remote_addr}"}
    try:
        with scope() as session:
            wait = _reserve(session, keys, now)
            user = None if wait else session.scalar(select(StaffUser).where(StaffUser.email == email))
            found = (user.id, user.password_hash) if user is not None else None
    except OperationalError:
        # The counter row stayed locked past the statement timeout: a flood of attempts on one
        # key. Refuse this one rather than check it uncounted.
        _verify(_DUMMY_HASH, password)
        return LoginOutcome("throttled", retry_after=FLOOD_RETRY_SECONDS)
    ok = _verify(found[1] if found else _DUMMY_HASH, password) and found is not None and not wait
    with scope() as session:
        session.add(LoginAttempt(created_at=now, remote_addr=remote_addr, success=ok))
        if wait:
            return LoginOutcome("throttled", retry_after=wait)
        user = session.get(StaffUser, found[0]) if ok else None
        if user is None:
            return LoginOutcome("invalid")
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([keys["pair"], keys["account"]])))
        user.last_login_at = now
        if needs_rehash(user.password_hash):
            user.password_hash = hash_secret(password)
        return LoginOutcome("ok", Principal(user.id, user.email, user.session_token))
