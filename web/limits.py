"""Per-client rate limit on POST /api/chat (Flask-Limiter), and the proxy set-up it depends on.

The client is the remote address. Behind a reverse proxy that address is the
proxy's, so ``PROXY_COUNT`` (the number of proxies in front of the app) turns on
werkzeug's ProxyFix, which believes exactly that many X-Forwarded-* hops and no
more: a client cannot spoof its address by sending the header itself.

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` is per process and only
for development; production (several workers, several instances) must share
them in Redis (``redis://host:6379/0``), and refuses to start otherwise. If Redis
goes away the limiter falls back to per-process memory and logs it, rather than
failing visitors' requests.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from web.errors import error_response

KEY = "clinicbot.limiter"
#: A person types a message every few seconds at most; a script does not.
DEFAULT_CHAT_LIMIT = "20 per minute;200 per hour"
CHAT_ENDPOINT = "api.chat"


def _chat_limit() -> str:
    return current_app.config["CHAT_RATE_LIMIT"]


def _breached(limit: RequestLimit):
    """429 in the API's error shape, with Retry-After in whole seconds (at least 1)."""
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    response = error_response(429, "rate_limited",
                              f"Too many messages; please wait {retry_after} seconds and try again.")
    response.headers["Retry-After"] = str(retry_after)
    return response


def _proxy_fix(app: Flask) -> None:
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count < 0:
        from app import ConfigError

        raise ConfigError("PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of the app")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)


def init_app(app: Flask) -> None:
    """Install ProxyFix and the chat limit (call after the api blueprint is registered)."""
    _proxy_fix(app)
    app.config.setdefault("CHAT_RATE_LIMIT", DEFAULT_CHAT_LIMIT)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "clinicbot")
    storage = str(app.config["RATELIMIT_STORAGE_URI"])
    if app.config["ENV_NAME"] == "production" and storage.startswith("memory://") and app.config.get(
            "RATELIMIT_ENABLED", True):
        from app import ConfigError

        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory:// in production: each worker would count on its own. "
            "Set CLINICBOT_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (or disable with "
            "CLINICBOT_RATELIMIT_ENABLED=false)")
    limiter = Limiter(get_remote_address, on_breach=_breached)
    limiter.init_app(app)
    app.extensions[KEY] = limiter
    view = app.view_functions.get(CHAT_ENDPOINT)
    if view is not None:
        app.view_functions[CHAT_ENDPOINT] = limiter.limit(_chat_limit, methods=["POST"])(view)
