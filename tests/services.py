"""PostgreSQL and Redis for the tests that need them (both run on 127.0.0.1 on the CI machine).

Each test gets its own throwaway database and Redis key prefix, so parallel runs
and other suites sharing the servers never see each other's data. Unreachable
services skip the test locally and fail it under CI=true, where they must exist.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

#: The one variable naming the PostgreSQL server the tests may create databases on.
POSTGRES_SERVER = os.environ.get("CLINICBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLINICBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _unavailable(what: str, exc: Exception):
    message = f"{what} is not reachable ({type(exc).__name__}: {exc})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: CI must provide it (see .ci/run)")
    pytest.skip(message)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A uniquely named, empty database on POSTGRES_SERVER (a SQLAlchemy URL), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"clinicbot_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        _unavailable("PostgreSQL at " + POSTGRES_SERVER.rsplit("@", 1)[-1], exc)
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for this test (SQLAlchemy URL, psycopg 3), dropped afterwards."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def shared_postgres_url():
    """One database for the session's db_app tests, which empty its tables after each test."""
    with postgres_database() as url:
        yield url


@pytest.fixture
def redis_prefix():
    """(Redis URL, a key prefix unique to this test); the keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable("Redis at " + REDIS_URL, exc)
    prefix = f"clinicbot-test-{uuid.uuid4().hex[:12]}"
    try:
        yield REDIS_URL, prefix
    finally:
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
        client.close()
