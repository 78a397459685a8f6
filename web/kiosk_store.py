"""Kiosk settings and the staff PIN, kept in a small SQLite file in the instance folder.

SQLite rather than a JSON file because every gunicorn worker reads and writes it:
PIN failures must be counted across workers or the rate limit is per-process and
easy to beat. Failures are counted per client and, because addresses are cheap, in
one global budget with a doubling back-off. The PIN is stored only as a werkzeug
scrypt hash, and it is checked after the attempt is counted and committed: the slow
hash never runs inside a write transaction, so a guessing flood does not stall the
kiosk's settings for everyone else. Nothing here knows about HTTP; web/kiosk.py
translates requests into these calls.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

FILENAME = "kiosk.sqlite3"
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pin_failure (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at REAL NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pin_budget (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    failures INTEGER NOT NULL,
    first_at REAL NOT NULL,
    blocked_until REAL NOT NULL DEFAULT 0
);
"""


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
    """Settings, PIN hash and PIN failure counts for one instance folder."""

    def __init__(self, instance_path: str | Path, max_attempts: int = 5, window_seconds: int = 900,
                 lockout_seconds: int = 300, global_attempts: int = 30, clock=time.time):
        """Open (creating if needed) the store; the policy numbers come from app config."""
        self.path = Path(instance_path) / FILENAME
        self.max_attempts = max_attempts
        self.global_attempts = global_attempts
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.executescript(SCHEMA)
        finally:
            db.close()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A short connection per operation, committed on success; IMMEDIATE so counters never race."""
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _get(self, db: sqlite3.Connection, key: str):
        """A stored JSON value, or None; values are JSON so settings keep their types."""
        row = db.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def _put(self, db: sqlite3.Connection, key: str, value) -> None:
        """Insert or replace one JSON value in the caller's transaction."""
        db.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    # --- PIN -------------------------------------------------------------------------------

    def set_pin(self, pin: str) -> None:
        """Store a new PIN (hashed) and forget all failure counts and lockouts."""
        if not isinstance(pin, str) or not NEW_PIN_PATTERN.match(pin):
            raise PinError("the PIN must be 6 to 12 digits")
        pin_hash = generate_password_hash(pin, method="scrypt")
        with self._db() as db:
            self._put(db, "pin_hash", pin_hash)
            db.execute("DELETE FROM pin_failure")
            db.execute("DELETE FROM pin_budget")

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
        with self._db() as db:
            pin_hash = self._get(db, "pin_hash")
            if pin_hash is None:
                return PinCheck(ok=False, no_pin=True)
            refused = self._count_client(db, client, now) or self._count_budget(db, now)
            if refused:
                return refused
            failures, locked_until = db.execute(
                "SELECT failures, locked_until FROM pin_failure WHERE client = ?", (client,)).fetchone()
        if isinstance(pin, str) and PIN_PATTERN.match(pin) and check_password_hash(pin_hash, pin):
            with self._db() as db:
                db.execute("DELETE FROM pin_failure WHERE client = ?", (client,))
                db.execute("UPDATE pin_budget SET failures = MAX(0, failures - 1)")
            return PinCheck(ok=True)
        if locked_until:
            return PinCheck(ok=False, locked=True, retry_after=self.lockout_seconds)
        return PinCheck(ok=False, attempts_left=self.max_attempts - failures)

    def _count_client(self, db: sqlite3.Connection, client: str, now: float) -> PinCheck | None:
        """Count an attempt for ``client``; the refusal when it is locked out, else None."""
        row = db.execute("SELECT failures, first_at, locked_until FROM pin_failure WHERE client = ?",
                         (client,)).fetchone()
        failures, first_at, locked_until = row if row else (0, now, 0.0)
        if locked_until > now:
            return PinCheck(ok=False, locked=True, retry_after=max(1, int(locked_until - now + 0.999)))
        if now - first_at > self.window_seconds or locked_until:
            failures, first_at = 0, now
        failures += 1
        locked_until = now + self.lockout_seconds if failures >= self.max_attempts else 0.0
        db.execute("INSERT INTO pin_failure (client, failures, first_at, locked_until) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(client) DO UPDATE SET failures = excluded.failures, "
                   "first_at = excluded.first_at, locked_until = excluded.locked_until",
                   (client, failures, first_at, locked_until))
        return None

    def _count_budget(self, db: sqlite3.Connection, now: float) -> PinCheck | None:
        """Count an attempt in the budget every client shares; the refusal while it backs off, else None."""
        row = db.execute("SELECT failures, first_at, blocked_until FROM pin_budget WHERE id = 1").fetchone()
        failures, first_at, blocked_until = row if row else (0, now, 0.0)
        if blocked_until > now:
            return PinCheck(ok=False, locked=True, retry_after=max(1, int(blocked_until - now + 0.999)))
        if now - first_at > self.window_seconds:
            failures, first_at, blocked_until = 0, now, 0.0
        failures += 1
        over = failures - self.global_attempts
        if over > 0:
            base, cap = BUDGET_BACKOFF
            blocked_until = now + min(cap, base * 2 ** min(over - 1, 20))
        db.execute("INSERT INTO pin_budget (id, failures, first_at, blocked_until) VALUES (1, ?, ?, ?) "
                   "ON CONFLICT(id) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, "
                   "blocked_until = excluded.blocked_until", (failures, first_at, blocked_until))
        return None

    def clear_lockouts(self) -> int:
        """Forget every failure count (staff locked themselves out); returns how many were cleared."""
        with self._db() as db:
            db.execute("DELETE FROM pin_budget")
            return db.execute("DELETE FROM pin_failure").rowcount

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
        with self._db() as db:
            stored = self._get(db, "settings") or {}
            stored.update(clean)
            self._put(db, "settings", stored)
        return self.settings(defaults)
