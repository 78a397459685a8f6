"""PostgreSQL and Redis for the tests that need them (both run on 127.0.0.1 on the CI machine).

Each test gets its own throwaway database and Redis key prefix, so parallel runs
and other suites sharing the servers never see each other's data. Unreachable
services skip the test locally and fail it under CI=true, where they must exist.
"""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_ADMIN = os.environ.get("CLINICBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLINICBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _unavailable(what: str, exc: Exception):
    message = f"{what} is not reachable ({type(exc).__name__}: {exc})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: CI must provide it (see .ci/run)")
    pytest.skip(message)


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    import psycopg

    name = f"clinicbot_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _unavailable("PostgreSQL at " + POSTGRES_ADMIN.rsplit("@", 1)[-1], exc)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
