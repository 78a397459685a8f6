"""Kiosk settings and the staff PIN, in the shared database (store/models.py's kiosk tables).

In the database rather than a file on each host because every gunicorn worker and
every app server reads and writes them: PIN failures must be counted across all of
them or the rate limit is per-process and easy to beat. Failures are counted per
client and, because addresses are cheap, in one global budget with a doubling
back-off. The PIN is stored only as a hash (store/passwords.py), and it is checked
after the attempt is counted and committed: the slow hash never runs inside a write
transaction, so a guessing flood does not stall the kiosk's settings for everyone
else. Nothing here knows about HTTP; web/kiosk.py translates requests into these calls.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store.engine import Scope, read_only_sqlite
from store.models import KioskPinBudget, KioskPinFailure, KioskSetting
from store.passwords import hash_secret, needs_rehash
from store.passwords import verify_secret as check_password_hash

log = logging.getLogger(__name__)
#: The per-host file the kiosk used before its tables moved here; imported once (import_legacy_file).
LEGACY_FILENAME = "kiosk.sqlite3"
#: pg_advisory_xact_lock key taken by every kiosk write on PostgreSQL.
ADVISORY_LOCK = 724432
#: A new PIN: 6 digits are a million guesses, 4 were ten thousand.
NEW_PIN_PATTERN = re.compile(r"^[0-9]{6,12}$")
#: What an attempt may be: a 4-digit PIN set before the 6-digit rule keeps working until changed.
PIN_PATTERN = re.compile(r"^[0-9]{4,12}$")
#: First and longest back-off of the global budget, in seconds; it doubles with each attempt past it.
BUDGET_BACKOFF = (30, 900)
#: Settings staff may change, with the bounds the kiosk page can honour.
MIN_IDLE_SECONDS = 5
MAX_IDLE_SECONDS = 1800
MAX_MESSAGE_CHARS = 240

class PinError(ValueError):
    """A PIN that cannot be used (wrong form)."""


class SettingsError(ValueError):
    """A settings change that cannot be applied; the message is safe to show staff."""


@dataclass(frozen=True)
class PinCheck:
    """Outcome of one PIN attempt."""

    ok: bool
    locked: bool = False
    retry_after: int = 0
    attempts_left: int = 0
    no_pin: bool = False


class KioskStore:
    """Settings, PIN hash and PIN failure counts, in the database ``scope`` opens."""

    def __init__(self, scope: Scope, max_attempts: int = 5, window_seconds: int = 900,
                 lockout_seconds: int = 300, global_attempts: int = 30, clock=time.time):
        """``scope`` opens a committing session (web.db.session_scope); the policy numbers come from app config."""
        self.scope = scope
        self.max_attempts = max_attempts
        self.global_attempts = global_attempts
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self.clock = clock

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[Session]:
        """A short transaction per operation; a writing one holds the kiosk's write lock from its start.

        Counters are read, changed and written back, so two workers must not interleave:
        on PostgreSQL an advisory lock, on SQLite a write as the first statement (the
        transaction then holds SQLite's write lock, like BEGIN IMMEDIATE).
        """
        with self.scope() as session:
            if write:
                if session.get_bind().dialect.name == "postgresql":
                    session.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
                else:
                    session.execute(update(KioskPinBudget).where(KioskPinBudget.id == 0).values(failures=0))
            yield session

    def _get(self, db: Session, key: str):
        """A stored JSON value, or None; values are JSON so settings keep their types."""
        value = db.scalar(select(KioskSetting.value).where(KioskSetting.key == key))
        return json.loads(value) if value is not None else None

    def _put(self, db: Session, key: str, value) -> None:
        """Insert or replace one JSON value in the caller's (locked) transaction."""
        row = db.get(KioskSetting, key)
        if row is None:
            db.add(KioskSetting(key=key, value=json.dumps(value)))
        else:
            row.value = json.dumps(value)

    # --- PIN -------------------------------------------------------------------------------

    def set_pin(self, pin: str) -> None:
        """Store a new PIN (hashed) and forget all failure counts and lockouts."""
        if not isinstance(pin, str) or not NEW_PIN_PATTERN.match(pin):
            raise PinError("the PIN must be 6 to 12 digits")
        pin_hash = hash_secret(pin)
        with self._db(write=True) as db:
            self._put(db, "pin_hash", pin_hash)
            db.execute(delete(KioskPinFailure))
            db.execute(delete(KioskPinBudget))

    def pin_fingerprint(self) -> str | None:
        """A value that changes whenever the PIN changes, so old staff tokens stop working."""
        with self._db() as db:
            pin_hash = self._get(db, "pin_hash")
        return pin_hash.rsplit("$", 1)[-1][:16] if pin_hash else None

    def check_pin(self, client: str, pin: str) -> PinCheck:
        """Check one attempt from one client, counting it per client and in the global budget first.

        A locked-out client's attempts, and every attempt while the global budget is
        backing off, are refused without looking at the PIN, so guessing during a
        lockout learns nothing. The attempt is counted as a failure and committed
        before the hash is checked (so simultaneous guesses cannot slip past the
        count), and a success takes it back.
        """
        now = self.clock()
        with self._db(write=True) as db:
            pin_hash = self._get(db, "pin_hash")
            if pin_hash is None:
                return PinCheck(ok=False, no_pin=True)
            refused = self._count_client(db, client, now) or self._count_budget(db, now)
            if refused:
                return refused
            row = db.get(KioskPinFailure, client)
            failures, locked_until = row.failures, row.locked_until
        if isinstance(pin, str) and PIN_PATTERN.match(pin) and check_password_hash(pin_hash, pin):
            with self._db(write=True) as db:
                db.execute(delete(KioskPinFailure).where(KioskPinFailure.client == client))
                budget = db.get(KioskPinBudget, 1)
                if budget is not None:
                    budget.failures = max(0, budget.failures - 1)
                if needs_rehash(pin_hash) and self._get(db, "pin_hash") == pin_hash:
                    # an old (scrypt) hash: store today's kind now that the PIN is known
                    self._put(db, "pin_hash", hash_secret(pin))
            return PinCheck(ok=True)
        if locked_until:
            return PinCheck(ok=False, locked=True, retry_after=self.lockout_seconds)
        return PinCheck(ok=False, attempts_left=self.max_attempts - failures)

    def _count_client(self, db: Session, client: str, now: float) -> PinCheck | None:
        """Count an attempt for ``client``; the refusal when it is locked out, else None."""
        row = db.get(KioskPinFailure, client)
        if row is None:
            row = KioskPinFailure(client=client, failures=0, first_at=now, locked_until=0.0)
            db.add(row)
        if row.locked_until > now:
            return PinCheck(ok=False, locked=True, retry_after=max(1, int(row.locked_until - now + 0.999)))
        if now - row.first_at > self.window_seconds or row.locked_until:
            row.failures, row.first_at = 0, now
        row.failures += 1
        row.locked_until = now + self.lockout_seconds if row.failures >= self.max_attempts else 0.0
        db.flush()
        return None

    def _count_budget(self, db: Session, now: float) -> PinCheck | None:
        """Count an attempt in the budget every client shares; the refusal while it backs off, else None."""
        row = db.get(KioskPinBudget, 1)
        if row is None:
            row = KioskPinBudget(id=1, failures=0, first_at=now, blocked_until=0.0)
            db.add(row)
        if row.blocked_until > now:
            return PinCheck(ok=False, locked=True, retry_after=max(1, int(row.blocked_until - now + 0.999)))
        if now - row.first_at > self.window_seconds:
            row.failures, row.first_at, row.blocked_until = 0, now, 0.0
        row.failures += 1
        over = row.failures - self.global_attempts
        if over > 0:
            base, cap = BUDGET_BACKOFF
            row.blocked_until = now + min(cap, base * 2 ** min(over - 1, 20))
        db.flush()
        return None

    def clear_lockouts(self) -> int:
        """Forget every failure count (staff locked themselves out); returns how many were cleared."""
        with self._db(write=True) as db:
            db.execute(delete(KioskPinBudget))
            return db.execute(delete(KioskPinFailure)).rowcount

    # --- settings --------------------------------------------------------------------------

    def settings(self, defaults: dict) -> dict:
        """Stored settings over the configured defaults."""
        with self._db() as db:
            stored = self._get(db, "settings") or {}
        return {**defaults, **{k: v for k, v in stored.items() if k in defaults}}

    def save_settings(self, changes: dict, region_ids: list[str], defaults: dict) -> dict:
        """Validate a staff change and store it; return the settings now in force.

        Only known keys are accepted and each is checked, so a bad request can
        never leave the kiosk unusable (no regions, an idle time of one second).
        """
        if not isinstance(changes, dict):
            raise SettingsError("settings must be a JSON object")
        unknown = sorted(set(changes) - {"idle_seconds", "regions", "message"})
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        clean: dict = {}
        if "idle_seconds" in changes:
            idle = changes["idle_seconds"]
            if isinstance(idle, bool) or not isinstance(idle, int) or not MIN_IDLE_SECONDS <= idle <= MAX_IDLE_SECONDS:
                raise SettingsError(f"idle_seconds must be a whole number from {MIN_IDLE_SECONDS} "
                                    f"to {MAX_IDLE_SECONDS}")
            clean["idle_seconds"] = idle
        if "regions" in changes:
            regions = changes["regions"]
            if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
                raise SettingsError("regions must be a list of region ids")
            unknown_ids = sorted(set(regions) - set(region_ids))
            if unknown_ids:
                raise SettingsError(f"unknown region id(s): {', '.join(unknown_ids)}")
            if not regions:
                raise SettingsError("show at least one region")
            clean["regions"] = [r for r in region_ids if r in set(regions)]
        if "message" in changes:
            message = changes["message"]
            if not isinstance(message, str):
                raise SettingsError("message must be a string")
            message = " ".join(message.split())
            if len(message) > MAX_MESSAGE_CHARS:
                raise SettingsError(f"message must be at most {MAX_MESSAGE_CHARS} characters")
            clean["message"] = message
        with self._db(write=True) as db:
            stored = self._get(db, "settings") or {}
            stored.update(clean)
            self._put(db, "settings", stored)
        return self.settings(defaults)


def import_legacy_file(store: KioskStore, path: str | Path) -> bool:
    """Copy a host's old ``kiosk.sqlite3`` (settings, PIN hash, failure counts) into the shared tables, once.

    Keys the shared tables already hold win (another server imported its file first),
    so nothing already shared is overwritten. The file is renamed ``*.imported``
    afterwards, kept rather than deleted. Returns whether a file was imported.
    """
    path = Path(path)
    if not path.is_file():
        return False
    legacy = read_only_sqlite(path)
    try:
        with legacy.connect() as old:
            settings = old.execute(text("SELECT key, value FROM setting")).all()
            failures = old.execute(text("SELECT client, failures, first_at, locked_until FROM pin_failure")).all()
        with store._db(write=True) as db:
            for key, value in settings:
                if key == "settings":  # region ids were spelled with '-' then ("wrist-hand"), '_' now
                    stored = json.loads(value)
                    if isinstance(stored.get("regions"), list):
                        stored["regions"] = [str(r).replace("-", "_") for r in stored["regions"]]
                    value = json.dumps(stored)
                if db.get(KioskSetting, key) is None:
                    db.add(KioskSetting(key=key, value=value))
            for client, count, first_at, locked_until in failures:
                if db.get(KioskPinFailure, client) is None:
                    db.add(KioskPinFailure(client=client, failures=count, first_at=first_at,
                                           locked_until=locked_until))
    except SQLAlchemyError:
        log.exception("could not import the old kiosk settings from %s; will retry at the next start", path)
        return False
    finally:
        legacy.dispose()
    try:
        path.rename(path.with_name(path.name + ".imported"))
    except FileNotFoundError:
        return False  # another worker starting at the same time imported it (keys already there win)
    log.info("imported the old kiosk settings from %s into the database", path)
    return True
