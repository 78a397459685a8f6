"""Alembic migrations (in ``migrations/``) run on any of the app's databases.

One process at a time: a lock file on this host (several gunicorn workers start
together) and, on PostgreSQL, an advisory lock (several hosts share one server).
Knows SQLAlchemy and Alembic, not Flask.
"""

from __future__ import annotations

import fcntl
from contextlib import ExitStack
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: pg_advisory_xact_lock key every migration takes on PostgreSQL.
ADVISORY_LOCK = 724431


def alembic_config(connection=None) -> AlembicConfig:
    """An Alembic config pointing at migrations/, optionally on an open connection."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head", lock_path: str | Path | None = None) -> None:
    """Bring the schema of ``engine``'s database to ``revision``, holding the migration locks."""
    with ExitStack() as stack:
        if lock_path is not None:
            lock = stack.enter_context(open(lock_path, "w"))
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Waiting for another worker's migration is not a stuck statement.
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
            command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
