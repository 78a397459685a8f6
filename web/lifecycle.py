"""Closing an app: what each module opened (engines, the loaded index, the journal, clients) is released.

A server holds one app until its process exits, and the OS reclaims everything then. A
process that creates many apps (the test suite, benchmarks, tools) must release each one
itself: an app sits in reference cycles, so it is freed only by a full garbage collection,
which a long process seldom runs, and until then it kept its SQLite files, index memory maps
and database connections open (over 1,000 descriptors late in a test session). Each module's
``init_app`` registers what releases its part; ``close`` runs them, the last registered first.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

KEY = "clinicbot.closers"


def on_close(app: Flask, release: Callable[[], None]) -> None:
    """Have ``close(app)`` call ``release``."""
    app.extensions.setdefault(KEY, []).append(release)


def close(app: Flask) -> None:
    """Release what the app holds, once; every release runs even when one fails (the first error is raised)."""
    releases = app.extensions.pop(KEY, [])
    error: BaseException | None = None
    for release in reversed(releases):
        try:
            release()
        except Exception as exc:  # noqa: BLE001 - the others must still run; raised below
            error = error or exc
    if error is not None:
        raise error
