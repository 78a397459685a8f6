"""Engines and sessions: the one place a database connection is configured.

Every database the app opens (the inquiry log and console, the kiosk's settings,
the post archive) goes through ``make_engine``, so SQLite gets the same pragmas
and PostgreSQL the same timeouts everywhere. Knows SQLAlchemy, not Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

#: Seconds to wait for a new connection, and the longest a statement may run (PostgreSQL).
CONNECT_TIMEOUT = 3
STATEMENT_TIMEOUT_MS = 5000

#: A zero-argument callable opening a session that commits on success (``session_scope``'s shape).
Scope = Callable[[], AbstractContextManager[Session]]


def sqlite_pragmas(dbapi_connection, _record, synchronous: str = "NORMAL", busy_timeout_ms: int = 5000) -> None:
    """Foreign keys on (so deletes cascade), WAL and a busy timeout for several workers.

    synchronous=NORMAL is SQLite's recommended setting with WAL: a committed turn
    survives a crash or restart of the app; only an OS crash or power cut can
    lose the last commits, and it saves an fsync on every logged turn (the post
    archive asks for FULL: it is written rarely and is the only copy of old posts).
    secure_delete zeroes what an update or delete frees, so a purge leaves no
    readable text behind.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str, *, statement_timeout_ms: int | None = STATEMENT_TIMEOUT_MS,
                sqlite_synchronous: str = "NORMAL", sqlite_busy_timeout_ms: int = 5000) -> Engine:
    """An engine with short connect timeouts: a dead database must not hang a visitor.

    ``postgres://`` and ``postgresql://`` URLs are read with psycopg 3.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", partial(sqlite_pragmas, synchronous=sqlite_synchronous,
                                                busy_timeout_ms=sqlite_busy_timeout_ms))
        return engine
    connect_args: dict = {"connect_timeout": CONNECT_TIMEOUT}
    if statement_timeout_ms:
        # a network that drops packets: give up on unacknowledged data
        connect_args["tcp_user_timeout"] = statement_timeout_ms
        connect_args["options"] = f"-c statement_timeout={statement_timeout_ms}"
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5,
                         connect_args=connect_args)


def read_only_sqlite(path) -> Engine:
    """An engine that only reads an existing SQLite file (never creates it, sets no pragma)."""
    return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def redact_url(url: str) -> str:
    """A database URL without its password, for logs and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is reported by name only
        return "<unparsable database URL>"


@contextmanager
def session_scope(sessions: sessionmaker) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def scope_for(engine: Engine) -> Scope:
    """A ``Scope`` over ``engine``: for CLI tools and tests that have an engine but no app."""
    return partial(session_scope, sessionmaker(engine, expire_on_commit=False))
