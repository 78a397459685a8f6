"""Closing an app releases what it opened: a process that creates many apps keeps a flat descriptor count."""

from __future__ import annotations

import gc
import os

import pytest

from app import close_app
from tests.appkit import make_app
from web import lifecycle


def open_descriptors() -> int:
    """How many file descriptors this process holds."""
    return len(os.listdir("/proc/self/fd"))


def use(app) -> None:
    """What opens an app's resources: the index, the log (in the request or journaled), the probe."""
    client = app.test_client()
    response = client.post("/api/chat", json={"message": "my knee hurts when I run"})
    assert response.status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/kiosk").status_code == 200


@pytest.mark.parametrize(("database", "flush_seconds"), [("sqlite", 0), ("sqlite", 30), ("postgresql", 30)])
def test_close_app_releases_descriptors_without_the_garbage_collector(request, tmp_path, index_dir, database,
                                                                       flush_seconds):
    """30 apps created, used and closed hold no more descriptors than one: the garbage collector is off
    throughout, so nothing but close_app may release them (an app sits in reference cycles). Turns are
    written in the request or journaled; the log is a SQLite file or PostgreSQL connections."""
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None

    def cycle(n: int) -> None:
        app = make_app({"INSTANCE_PATH": str(tmp_path / f"instance-{n}"), "INDEX_DIR": str(index_dir),
                        "LOG_FLUSH_SECONDS": flush_seconds, "DATABASE_URL": url})
        use(app)
        close_app(app)

    cycle(0)  # the first app loads what every later one shares (modules, catalogs, the learned layer)
    gc.collect()
    before = open_descriptors()
    gc.disable()
    try:
        for n in range(1, 31):
            cycle(n)
        grown = open_descriptors() - before
    finally:
        gc.enable()
    assert grown < 5, f"30 closed apps left {grown} more descriptors open"


def test_close_runs_every_release_once_and_raises_the_first_error(app):
    """A failing release does not stop the others; a second close has nothing left to do."""
    ran = []

    def broken() -> None:
        ran.append("broken")
        raise OSError("cannot close")

    lifecycle.on_close(app, lambda: ran.append("first"))
    lifecycle.on_close(app, broken)
    lifecycle.on_close(app, lambda: ran.append("last"))
    with pytest.raises(OSError, match="cannot close"):
        lifecycle.close(app)
    assert ran[:3] == ["last", "broken", "first"]
    ran.clear()
    lifecycle.close(app)
    assert ran == []


def test_a_closed_app_still_answers(app):
    """Closing releases files and connections; a later request opens what it needs again."""
    close_app(app)
    use(app)
