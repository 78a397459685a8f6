"""Flask glue for the live feed refresh: `clinicbot refresh`, the optional in-server interval,
and the archive database's readiness check.

The archive lives in ``ARCHIVE_URL``, else ``DATABASE_URL`` (shared with the rest of
the app when several servers share PostgreSQL), else a SQLite file in the instance
folder. ``postgresql://`` URLs are read with psycopg 3.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
import time
from functools import partial
from pathlib import Path

from flask import Flask, current_app

from index.archive import Archive, ArchiveError
from index.refresh import RefreshError, refresh
from web import db
from web.health import register_check
from web.lifecycle import on_close

log = logging.getLogger(__name__)
KEY = "clinicbot.archive"
INTERVAL_KEY = "clinicbot.refresh_interval"


def archive_url(config, instance_path: str) -> str:
    """The archive's SQLAlchemy URL from config; SQLite in the instance folder by default."""
    url = config["ARCHIVE_URL"] or config["DATABASE_URL"]
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "archive.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def archive(app: Flask | None = None) -> Archive:
    """The app's archive, opened on first use."""
    app = app or current_app
    if KEY not in app.extensions:
        app.extensions[KEY] = Archive(archive_url(app.config, app.instance_path),
                                      lock_path=Path(app.instance_path) / "migrate.lock")
    return app.extensions[KEY]


def run_refresh(app: Flask, force: bool = False):
    """One refresh with the app's settings (raises RefreshError)."""
    try:
        store = archive(app)
    except ArchiveError as exc:
        raise RefreshError(str(exc)) from exc
    return refresh(app.config["FEED"], Path(app.config["INDEX_DIR"]), store,
                   platform=app.config["FEED_PAGINATION"], max_pages=app.config["FEED_MAX_PAGES"],
                   force=force)


class Interval:
    """Refresh every REFRESH_INTERVAL_SECONDS from inside the server.

    Every worker runs the timer, but one refresh per interval happens in total:
    a worker first takes a non-blocking lock on the index folder and checks when
    the last attempt was (a file's mtime), so the others skip.
    """

    def __init__(self, app: Flask, seconds: float):
        self.app = app
        self.seconds = seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="clinicbot-refresh", daemon=True)

    def start(self) -> Interval:
        """Start the daemon thread."""
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stop.wait(self.seconds * random.uniform(0.9, 1.1)):
            self.tick()

    def tick(self) -> bool:
        """Refresh if no process did within the interval; True if this call refreshed."""
        index_dir = Path(self.app.config["INDEX_DIR"])
        index_dir.mkdir(parents=True, exist_ok=True)
        marker = index_dir / ".last-refresh-attempt"
        with open(index_dir / ".refresh-lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                if marker.exists() and time.time() - marker.stat().st_mtime < self.seconds * 0.8:
                    return False
                marker.touch()
                try:
                    result = run_refresh(self.app)
                except RefreshError as exc:
                    log.error("scheduled refresh failed: %s", exc)
                    return True
                log.info("scheduled refresh: %s", result.summary())
                return True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _database_check(app: Flask):
    def check() -> None:
        # Bounded like the log database's probe: a frozen server must not hold /readyz.
        if not db.probe_for(archive(app).engine).answers():
            raise ConnectionError("the archive database does not answer")
    return check


def _close(app: Flask) -> None:
    """Stop the interval and close the archive's connections."""
    interval = app.extensions.pop(INTERVAL_KEY, None)
    if interval is not None:
        interval.stop.set()
    store = app.extensions.pop(KEY, None)
    if store is not None:
        store.dispose()


def init_app(app: Flask) -> None:
    """Register the command, the database readiness check and, if configured, the interval."""
    on_close(app, partial(_close, app))
    if app.config["ARCHIVE_URL"] or app.config["DATABASE_URL"]:
        register_check(app, "archive_database", _database_check(app))
    seconds = app.config["REFRESH_INTERVAL_SECONDS"]
    if seconds > 0 and app.config["LOAD_INDEX_AT_START"]:
        app.extensions[INTERVAL_KEY] = Interval(app, seconds).start()
