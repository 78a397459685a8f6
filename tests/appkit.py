"""The settings every in-process test app starts from, and the factory that applies them.

Tests pass configuration to create_app; they never change os.environ or the
defaults at import, so a gunicorn server a test starts sees the production
defaults unless the test hands it variables itself (bench/server.py).
"""

from __future__ import annotations

from app import create_app

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


def make_app(config: dict | None = None):
    """create_app over TEST_CONFIG with the test's own settings on top."""
    return create_app({**TEST_CONFIG, **(config or {})})
