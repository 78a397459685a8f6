"""The database: engine, sessions, migrations at start, and a health signal.

``CLINICBOT_DATABASE_URL`` picks the database (default: SQLite in the instance
folder; ``postgresql+psycopg://...`` for PostgreSQL). Migrations (Alembic, in
``migrations/``) run at start unless ``DB_AUTO_MIGRATE`` is false, serialised by
a lock so several gunicorn workers starting together do not race.

Logging visitor turns must never fail a visitor's request, so writers call
``record_failure()`` instead of raising; ``failure_count()`` and ``healthy()``
let /readyz and metrics report a database that has stopped accepting writes
(``clinicbot_db_failures_total`` and ``clinicbot_database_up`` in /metrics, the
"database" check in /readyz).

A database that goes away while the app runs must cost a visitor milliseconds,
not seconds: connections are opened with a short timeout, checked before use
(``pool_pre_ping``) and a statement may not run longer than a few seconds. When a
connection dies, SQLAlchemy invalidates the whole pool, so once the database is
back the next write opens fresh connections: no restart is needed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g, has_request_context
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from store import migrate
from store.engine import make_engine
from store.engine import session_scope as store_session_scope
from web.health import DB_HEALTH_KEY, register_check
from web.lifecycle import on_close

log = logging.getLogger(__name__)

KEY = "clinicbot.db"

_failures = {"count": 0}
_failures_lock = threading.Lock()
#: How long /readyz and /metrics wait for the database's answer to a trivial query.
PROBE_SECONDS = 2.0
#: A probe answered this recently counts for answering(): one SELECT 1 a second at most.
ANSWERED_RECENTLY = 1.0
#: Labelled by kind, a fixed set of names given in code (log_turn, log_event, purge, migrate...).
FAILURES = Counter("clinicbot_db_failures_total",
                   "Database operations that failed without failing the visitor's request, by kind.", ["kind"])


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str, instance_path: str):
        self.url = url
        self.instance_path = instance_path
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        #: False until a migration succeeded; while False, sessions retry it at most once a minute.
        self.migrated = False
        self.last_migration_attempt = 0.0
        self.auto_migrate = True

    def close(self) -> None:
        """Close the pooled connections (SQLite's files, PostgreSQL's sockets); the engine opens new ones if used."""
        self.engine.dispose()

    def ensure_schema(self) -> None:
        """Retry a migration that failed at start (database down then), at most once a minute."""
        if self.migrated or not self.auto_migrate or time.monotonic() - self.last_migration_attempt < 60:
            return
        try:
            upgrade(self)
        except SQLAlchemyError:
            record_failure("migrate")


def default_url(instance_path: str) -> str:
    """SQLite in the instance folder: works on a fresh clone with nothing installed."""
    return f"sqlite:///{os.path.join(instance_path, 'clinicbot.db')}"


#: Tables whose rows a purge rewrites: their old row versions still hold the purged text.
PURGED_TABLES = ("turns", "callbacks", "login_attempts")


def scrub_after_purge(app: Flask | None = None) -> None:
    """Leave no readable copy of purged text: SQLite's write-ahead log checkpointed and truncated,
    PostgreSQL's dead row versions vacuumed (VACUUM runs outside a transaction)."""
    engine = database(app).engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM {', '.join(PURGED_TABLES)}")


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision``; one process at a time on this host (store.migrate)."""
    database.last_migration_attempt = time.monotonic()
    migrate.upgrade(database.engine, revision, lock_path=Path(database.instance_path) / "migrate.lock")
    database.migrated = True


def current_revision(database: Database) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    return migrate.current_revision(database.engine)


def init_app(app: Flask) -> None:
    """Create the engine; migrate at start when configured to.

    A database that cannot be reached at start is logged and counted, not
    fatal: the chat keeps answering and logging resumes once it is back (the
    next successful start or `clinicbot db upgrade` creates the schema).
    """
    url = app.config["DATABASE_URL"] or default_url(app.instance_path)
    database = Database(url, app.instance_path)
    database.auto_migrate = app.config["DB_AUTO_MIGRATE"]
    app.extensions[KEY] = database
    on_close(app, database.close)
    app.extensions[DB_HEALTH_KEY] = _readiness_check(app)
    register_check(app, "database_writes", _writes_check(app))
    if database.auto_migrate:
        try:
            upgrade(database)
        except SQLAlchemyError:
            log.exception("database migration failed at start (%s)", database.engine.url.render_as_string())
            record_failure("migrate")


def database(app: Flask | None = None) -> Database:
    """The app's Database."""
    return (app or current_app).extensions[KEY]


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    db = database(app)
    db.ensure_schema()
    with store_session_scope(db.sessions) as session:
        yield session


def fast_commit(session: Session) -> None:
    """Let this transaction commit without waiting for the disk flush (PostgreSQL only).

    For high-volume, low-stakes writes (logged turns, events): the commit is
    still atomic and survives an app crash or restart; only a crash of the
    database server itself can lose the last fraction of a second of them.
    That is the same guarantee SQLite's WAL + synchronous=NORMAL gives, and it
    keeps a disk flush off every visitor's request.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def record_failure(kind: str) -> None:
    """Count a database operation that failed without failing the visitor's request."""
    with _failures_lock:
        _failures["count"] += 1
    FAILURES.labels(kind).inc()


#: A write that failed this recently, with none succeeding since, makes the instance unready.
WRITE_FAILURE_SECONDS = 60.0
WRITES_KEY = "clinicbot.db_writes"


def note_write(ok: bool, app: Flask | None = None) -> None:
    """Remember whether the latest write of logged turns or events went through (for /readyz)."""
    state = (app or current_app).extensions.setdefault(WRITES_KEY, {"failed_at": None, "ok_at": None})
    state["ok_at" if ok else "failed_at"] = time.monotonic()


def writes_failing(app: Flask | None = None) -> bool:
    """True when the latest write failed within WRITE_FAILURE_SECONDS: the database answers
    a SELECT (a full disk does not stop that) but does not take what the app must store."""
    state = (app or current_app).extensions.get(WRITES_KEY) or {}
    failed, ok = state.get("failed_at"), state.get("ok_at")
    return bool(failed and (ok is None or failed > ok) and time.monotonic() - failed < WRITE_FAILURE_SECONDS)


def _writes_check(app: Flask):
    def check() -> None:
        if writes_failing(app):
            raise OSError("recent writes to the database failed")
    return check


def failure_count() -> int:
    """How many database writes have failed in this process since start (for metrics)."""
    return _failures["count"]


class Probe:
    """A trivial query on a thread of its own, waited for at most a few seconds; shared while in flight.

    A database that stopped answering without closing its connections (a frozen
    server) would otherwise hold a /readyz or /metrics request until gunicorn's
    worker timeout. While a probe is still waiting, callers share it instead of
    piling up threads.
    """

    def __init__(self, engine: Engine):
        # Weak: probes are kept in a WeakKeyDictionary keyed by their engine, and a value that held
        # its key would keep every engine (and its pooled connections) for the life of the process.
        self._engine = weakref.ref(engine)
        self._lock = threading.Lock()
        self.pending: Future | None = None
        #: time.monotonic() of the last answer, for callers content with a recent one
        self.answered_at = float("-inf")

    def _run(self, answer: Future) -> None:
        engine = self._engine()
        if engine is None:
            answer.set_result(False)
            return
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            self.answered_at = time.monotonic()
            answer.set_result(True)
        except SQLAlchemyError:
            answer.set_result(False)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the answer
            answer.set_exception(exc)

    def answers(self, timeout: float = PROBE_SECONDS, recent: float = 0.0) -> bool:
        """True when the database answered within ``timeout`` seconds, or did less than ``recent`` seconds ago."""
        if recent and time.monotonic() - self.answered_at < recent:
            return True
        with self._lock:
            answer = self.pending
            if answer is None or answer.done():
                answer = self.pending = Future()
                threading.Thread(target=self._run, args=(answer,), name="db-probe", daemon=True).start()
        try:
            return answer.result(timeout=timeout)
        except FutureTimeout:
            return False


_probes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_probes_lock = threading.Lock()


def probe_for(engine: Engine) -> Probe:
    """The one Probe of this engine."""
    with _probes_lock:
        probe = _probes.get(engine)
        if probe is None:
            probe = _probes[engine] = Probe(engine)
        return probe


def healthy(app: Flask | None = None, timeout: float = PROBE_SECONDS) -> bool:
    """True when the database answers a trivial query within ``timeout`` seconds (for /readyz, /metrics)."""
    return probe_for(database(app).engine).answers(timeout)


def answering(app: Flask | None = None, wait: float = PROBE_SECONDS, recent: float = ANSWERED_RECENTLY) -> bool:
    """True when the database answered in the last ``recent`` seconds or answers within ``wait`` seconds.

    Asked before a request's own queries (staff pages, call-backs, events): a frozen
    database then costs a visitor or the desk a clear 503 after two seconds, not a
    worker thread held until gunicorn's timeout. A freeze that begins after the check
    can still hold that one request. Once silent, the rest of the request is told so
    at once.
    """
    if has_request_context() and g.get("clinicbot_database_silent"):
        return False  # found silent earlier in this request: don't wait again (the error page, say)
    if probe_for(database(app).engine).answers(wait, recent=recent):
        return True
    if has_request_context():
        g.clinicbot_database_silent = True
    return False


def _readiness_check(app: Flask):
    """The /readyz "database" check: raises while the database does not answer."""
    def check() -> None:
        if not healthy(app):
            raise ConnectionError("the database does not answer")
    return check
