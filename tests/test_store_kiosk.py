"""Kiosk settings and staff PIN storage (store/kiosk.py): hashing, rate limiting, lockout, validation."""

from __future__ import annotations

import json
import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from store import migrate
from store.engine import make_engine, scope_for
from store.kiosk import LEGACY_FILENAME, KioskStore, PinError, SettingsError, import_legacy_file

FILENAME = "clinicbot.db"

REGION_IDS = ["neck", "elbow", "knee"]
DEFAULTS = {"idle_seconds": 60, "regions": REGION_IDS, "message": ""}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        """Start at an arbitrary fixed time."""
        self.now = 1_000_000.0

    def __call__(self) -> float:
        """The current (hand-set) time."""
        return self.now


@pytest.fixture
def clock():
    """A hand-moved clock for lockout timing."""
    return Clock()


@pytest.fixture
def engine(tmp_path):
    """A migrated SQLite database in tmp_path, as the app opens it."""
    engine = make_engine(f"sqlite:///{tmp_path / FILENAME}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine, clock):
    """A store with a small policy: 3 failures in 10 minutes lock a client out for 2 minutes."""
    return KioskStore(scope_for(engine), max_attempts=3, window_seconds=600, lockout_seconds=120, clock=clock)


def _stored_pin_hash(tmp_path) -> str:
    with sqlite3.connect(tmp_path / FILENAME) as db:
        (value,) = db.execute("SELECT value FROM kiosk_settings WHERE key = 'pin_hash'").fetchone()
    return json.loads(value)


def test_kiosk_store_pin_is_stored_only_as_argon2_hash(store, tmp_path):
    store.set_pin("482913")
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (tmp_path / FILENAME).read_bytes()
    assert b"482913" not in raw
    assert _stored_pin_hash(tmp_path).startswith("$argon2id$")


@pytest.mark.parametrize("pin", ["123", "1234", "12345", "1234567890123", "12a456", "", " 123456", None])
def test_kiosk_store_set_pin_rejects_bad_form(store, pin):
    with pytest.raises(PinError, match="6 to 12 digits"):
        store.set_pin(pin)


def test_kiosk_store_check_pin_without_pin_set_says_so(store):
    result = store.check_pin("10.0.0.1", "1234")
    assert result.no_pin and not result.ok


def test_kiosk_store_check_pin_counts_failures_then_locks_client(store, clock):
    store.set_pin("246800")
    assert store.check_pin("10.0.0.1", "1111").attempts_left == 2
    assert store.check_pin("10.0.0.1", "1111").attempts_left == 1
    locked = store.check_pin("10.0.0.1", "1111")
    assert locked.locked and locked.retry_after == 120
    # during the lockout even the right PIN is refused, without being checked
    during = store.check_pin("10.0.0.1", "246800")
    assert during.locked and not during.ok and 0 < during.retry_after <= 120
    # another client is not affected
    assert store.check_pin("10.0.0.2", "246800").ok
    clock.now += 121
    assert store.check_pin("10.0.0.1", "246800").ok


def test_kiosk_store_success_resets_failure_count(store):
    store.set_pin("246800")
    store.check_pin("c", "0000")
    store.check_pin("c", "0000")
    assert store.check_pin("c", "246800").ok
    assert store.check_pin("c", "0000").attempts_left == 2


def test_kiosk_store_failures_outside_window_are_forgotten(store, clock):
    store.set_pin("246800")
    store.check_pin("c", "0000")
    store.check_pin("c", "0000")
    clock.now += 601
    assert store.check_pin("c", "0000").attempts_left == 2


def test_kiosk_store_set_pin_and_clear_lockouts_unlock_everyone(store):
    store.set_pin("246800")
    for _ in range(3):
        store.check_pin("c", "0000")
    assert store.check_pin("c", "246800").locked
    assert store.clear_lockouts() == 1
    assert store.check_pin("c", "246800").ok
    for _ in range(3):
        store.check_pin("c", "0000")
    store.set_pin("135700")
    assert store.check_pin("c", "135700").ok


def test_kiosk_store_pin_fingerprint_changes_with_pin(store):
    assert store.pin_fingerprint() is None
    store.set_pin("246800")
    first = store.pin_fingerprint()
    store.set_pin("246800")
    assert first and store.pin_fingerprint() != first  # a new salt: old tokens die


def test_kiosk_store_settings_default_then_saved_values(store, tmp_path):
    assert store.settings(DEFAULTS) == DEFAULTS
    saved = store.save_settings({"idle_seconds": 90, "regions": ["knee", "neck"], "message": "  Hi \n there "},
                                REGION_IDS, DEFAULTS)
    assert saved == {"idle_seconds": 90, "regions": ["neck", "knee"], "message": "Hi there"}
    assert KioskStore(scope_for(make_engine(f"sqlite:///{tmp_path / FILENAME}"))).settings(DEFAULTS) == saved


@pytest.mark.parametrize(("changes", "error"), [
    ({"idle_seconds": 4}, "idle_seconds must be a whole number from 5 to 1800"),
    ({"idle_seconds": 1801}, "idle_seconds must be"),
    ({"idle_seconds": "60"}, "idle_seconds must be"),
    ({"idle_seconds": True}, "idle_seconds must be"),
    ({"regions": []}, "show at least one region"),
    ({"regions": ["elbow", "tail"]}, "unknown region id\\(s\\): tail"),
    ({"regions": "elbow"}, "regions must be a list"),
    ({"message": 5}, "message must be a string"),
    ({"message": "x" * 241}, "at most 240 characters"),
    ({"colour": "red"}, "unknown setting\\(s\\): colour"),
    (["idle_seconds"], "settings must be a JSON object"),
])
def test_kiosk_store_save_settings_rejects_bad_values(store, changes, error):
    with pytest.raises(SettingsError, match=error):
        store.save_settings(changes, REGION_IDS, DEFAULTS)
    assert store.settings(DEFAULTS) == DEFAULTS


def test_kiosk_store_global_budget_limits_guesses_from_many_addresses(engine, clock, monkeypatch):
    """F5: 150 guesses from 150 addresses are not all checked; the budget backs off then recovers."""
    import store.kiosk as kiosk_store

    store = KioskStore(scope_for(engine), max_attempts=5, window_seconds=900, lockout_seconds=300, global_attempts=20,
                       clock=clock)
    store.set_pin("246800")
    checked = []
    real = kiosk_store.check_password_hash
    monkeypatch.setattr(kiosk_store, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    results = [store.check_pin(f"10.0.{n // 250}.{n % 250}", f"{n:06d}") for n in range(150)]
    assert len(checked) <= 21
    refused = [r for r in results if r.locked]
    assert len(refused) >= 129 and all(r.retry_after > 0 for r in refused)
    clock.now += refused[-1].retry_after + 1
    assert store.check_pin("10.9.9.9", "246800").ok  # the budget recovers after the back-off


def test_kiosk_store_checks_the_hash_outside_any_write_transaction(store, tmp_path, monkeypatch):
    """F5: while a PIN hash is computed, another worker can still write (read the kiosk config, save settings)."""
    import store.kiosk as kiosk_store

    store.set_pin("246800")
    writable = []
    real = kiosk_store.check_password_hash

    def slow_check(pin_hash, pin):
        other = sqlite3.connect(tmp_path / FILENAME, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writable.append(True)
        except sqlite3.OperationalError:
            writable.append(False)
        finally:
            other.close()
        return real(pin_hash, pin)

    monkeypatch.setattr(kiosk_store, "check_password_hash", slow_check)
    store.check_pin("c", "000000")
    store.check_pin("c", "246800")
    assert writable == [True, True]


def _store_legacy_hash(tmp_path, pin: str) -> str:
    """Put a werkzeug scrypt hash of ``pin`` where the PIN hash lives, as the old kiosk stored it."""
    legacy = generate_password_hash(pin, method="scrypt")
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("INSERT INTO kiosk_settings (key, value) VALUES ('pin_hash', ?)", (json.dumps(legacy),))
    return legacy


def test_kiosk_store_existing_short_pin_still_opens(store, tmp_path):
    """A 4-digit PIN stored before the 6-digit rule keeps working until staff set a new one."""
    _store_legacy_hash(tmp_path, "2468")
    assert store.check_pin("c", "2468").ok


def test_kiosk_store_old_scrypt_pin_is_rehashed_with_argon2_on_success(store, tmp_path):
    legacy = _store_legacy_hash(tmp_path, "246800")
    assert not store.check_pin("c", "111111").ok
    assert _stored_pin_hash(tmp_path) == legacy  # a wrong PIN changes nothing
    assert store.check_pin("c", "246800").ok
    assert _stored_pin_hash(tmp_path).startswith("$argon2id$")
    assert store.check_pin("c", "246800").ok and not store.check_pin("c", "111111").ok


def test_kiosk_store_imports_the_old_per_host_file_once(store, tmp_path):
    """Nothing lost: the settings and PIN of an instance's kiosk.sqlite3 come over, then the file is set aside."""
    old = tmp_path / LEGACY_FILENAME
    legacy_hash = generate_password_hash("246800", method="scrypt")
    with sqlite3.connect(old) as db:  # the old file's schema, as web/kiosk_store.py made it
        db.executescript("""
            CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE pin_failure (client TEXT PRIMARY KEY, failures INTEGER NOT NULL,
                                      first_at REAL NOT NULL, locked_until REAL NOT NULL DEFAULT 0);
            CREATE TABLE pin_budget (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL,
                                     first_at REAL NOT NULL, blocked_until REAL NOT NULL DEFAULT 0);
        """)
        db.execute("INSERT INTO setting VALUES ('pin_hash', ?)", (json.dumps(legacy_hash),))
        db.execute("INSERT INTO setting VALUES ('settings', ?)",
                   (json.dumps({"idle_seconds": 90, "regions": ["neck", "wrist-hand"]}),))
    db.close()
    assert import_legacy_file(store, old)
    assert not old.exists() and old.with_name(LEGACY_FILENAME + ".imported").exists()
    assert store.settings(DEFAULTS) == {**DEFAULTS, "idle_seconds": 90, "regions": ["neck", "wrist_hand"]}
    assert store.check_pin("c", "246800").ok
    assert not import_legacy_file(store, old)  # once


def test_kiosk_store_write_transaction_holds_the_write_lock_from_its_start(store, tmp_path):
    """Counters are read then written: a second worker must wait for the whole transaction, not interleave."""
    with store._db(write=True):
        other = sqlite3.connect(tmp_path / FILENAME, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_kiosk_store_import_keeps_shared_values_and_survives_a_worker_that_imported_first(store, tmp_path,
                                                                                      monkeypatch):
    """Workers start together: the shared value wins, and a file another worker renamed is no error."""
    store.save_settings({"idle_seconds": 120}, REGION_IDS, DEFAULTS)
    old = tmp_path / LEGACY_FILENAME
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE pin_failure (client TEXT PRIMARY KEY, failures INTEGER, first_at REAL, "
                   "locked_until REAL)")
        db.execute("INSERT INTO setting VALUES ('settings', ?)", (json.dumps({"idle_seconds": 90}),))
    db.close()

    def renamed_by_another_worker(self, target):
        raise FileNotFoundError(self)

    monkeypatch.setattr(type(old), "rename", renamed_by_another_worker)
    assert not import_legacy_file(store, old)
    assert store.settings(DEFAULTS)["idle_seconds"] == 120
    assert not import_legacy_file(store, tmp_path / "absent.sqlite3")
    assert not (tmp_path / "absent.sqlite3").exists()
