"""The settings every in-process test app starts from, and the factory that applies them.

Tests pass configuration to create_app; they never change os.environ or the
defaults at import, so a gunicorn server a test starts sees the production
defaults unless the test hands it variables itself (bench/server.py).
"""

from __future__ import annotations

from app import close_app, create_app

#: Tests send hundreds of messages (and call-back requests and events) from one client
#: address: the per-client limits are lifted (tests/test_limits.py sets its own), and each
#: logged turn is written in its request so a test can read it back at once
#: (batched writes: tests/test_turn_writer.py, tests/test_load.py).
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "CHAT_RATE_LIMIT": "100000 per minute",
    "CALLBACK_RATE_LIMIT": "100000 per minute",
    "CALLBACK_ATTEMPT_RATE_LIMIT": "100000 per minute",
    "EVENT_RATE_LIMIT": "100000 per minute",
    "LOG_FLUSH_SECONDS": 0,
}


#: The lifted limits as environment variables, for a gunicorn server a test starts: it
#: answers every test from 127.0.0.1 (its logged turns keep the production batching).
SERVER_ENV = {f"CLINICBOT_{name}": value for name, value in TEST_CONFIG.items() if name.endswith("RATE_LIMIT")}


#: Apps opened by open_app and not yet closed, oldest first (tests/conftest.py closes a test's own).
_opened: list = []


def open_app(config: dict | None = None):
    """create_app with exactly ``config``; the app is closed after the test that opened it
    (``close_opened``), so its database files, connections and index maps do not wait for the
    garbage collector."""
    app = create_app(config)
    _opened.append(app)
    return app


def make_app(config: dict | None = None):
    """create_app over TEST_CONFIG with the test's own settings on top (closed like open_app's)."""
    return open_app({**TEST_CONFIG, **(config or {})})


def opened() -> int:
    """How many apps are open: a mark for close_opened."""
    return len(_opened)


def close(app) -> None:
    """Close one app now (a module- or session-scoped fixture's, at its teardown)."""
    if app in _opened:
        _opened.remove(app)
    close_app(app)


def close_opened(mark: int = 0) -> None:
    """Close the apps opened since ``mark``, newest first."""
    while len(_opened) > mark:
        close_app(_opened.pop())
