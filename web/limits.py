"""Per-client rate limits on the visitor API (Flask-Limiter), and the proxy set-up they depend on.

POST /api/chat, POST /api/callback (counted per accepted request, so a visitor
fixing a typo in the form is not punished, with a looser cap on every attempt: a
script must not fill the front desk's call-back queue) and POST /api/event.

The client is the remote address. Behind a reverse proxy that address is the
proxy's, so ``PROXY_COUNT`` (the number of proxies in front of the app) turns on
werkzeug's ProxyFix, which believes exactly that many X-Forwarded-* hops and no
more: a client cannot spoof its address by sending the header itself.

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` is per process and only
for development; production (several workers, several instances) must share
them in Redis (``redis://host:6379/0``), and refuses to start otherwise. If Redis
goes away the limiter fails open to per-process memory and logs it, rather than
failing visitors' requests: every Redis call has a short timeout
(``REDIS_TIMEOUT_SECONDS``, no retries), so a frozen Redis costs one request at most
that long; Flask-Limiter then counts in each worker's memory and asks Redis again
after a back-off doubling from 1 s (up to 32 s), so while Redis is away the limits
are per worker, not shared.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from web.errors import error_response

KEY = "clinicbot.limiter"
#: A person types a message every few seconds at most; a script does not.
DEFAULT_CHAT_LIMIT = "20 per minute;200 per hour"
CHAT_ENDPOINT = "api.chat"
#: Call-back requests the desk will receive from one client; a person needs one, maybe two.
DEFAULT_CALLBACK_LIMIT = "3 per hour;10 per day"
#: Every POST /api/callback, refused ones included (each is screened for emergencies).
DEFAULT_CALLBACK_ATTEMPT_LIMIT = "30 per hour"
CALLBACK_ENDPOINT = "handoff.callback"
#: Booking and call clicks: a person makes a handful.
DEFAULT_EVENT_LIMIT = "30 per minute;300 per hour"
EVENT_ENDPOINT = "events.event"
#: Longest any one Redis call may take (connect, read or write), in seconds: a frozen Redis
#: must not hold a visitor's request (issue 17, F16).
DEFAULT_REDIS_TIMEOUT_SECONDS = 0.25
#: What the 429 tells the visitor, by endpoint.
REFUSALS = {
    CHAT_ENDPOINT: "Too many messages; please wait {wait} and try again.",
    CALLBACK_ENDPOINT: "Too many call-back requests from this device; please wait {wait} or call the clinic.",
}


def _config_limit(key: str):
    """The limit string a config key holds, read per request so tests and operators can set it."""
    def limit() -> str:
        """This request's value of the setting."""
        return current_app.config[key]
    return limit


def _accepted(response) -> bool:
    """Only a stored call-back request counts against the call-back limit."""
    return response.status_code == 201


def _wait(seconds: int) -> str:
    """How long to wait, in the unit a person would say ("45 seconds", "60 minutes")."""
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def _breached(limit: RequestLimit):
    """429 in the API's error shape, with Retry-After in whole seconds (at least 1)."""
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    wording = REFUSALS.get(request.endpoint, "Too many requests; please wait {wait} and try again.")
    response = error_response(429, "rate_limited", wording.format(wait=_wait(retry_after)))
    response.headers["Retry-After"] = str(retry_after)
    return response


def _refused(exc: RateLimitExceeded):
    """The response _breached made (its wording and Retry-After), which the app's generic
    HTTP error handler would otherwise replace with the plain 429 message."""
    if exc.response is not None:
        return exc.response
    return error_response(429)


def _redis_options(app: Flask) -> dict:
    """Short timeouts and no retries for the limiter's Redis client: redis-py retries a timed-out
    call three times by default, which made a frozen Redis cost each request 5-10 s."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = float(app.config.get("REDIS_TIMEOUT_SECONDS") or DEFAULT_REDIS_TIMEOUT_SECONDS)
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0),
            "retry_on_timeout": False, "health_check_interval": 0}


def _proxy_fix(app: Flask) -> None:
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count < 0:
        from app import ConfigError

        raise ConfigError("PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of the app")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)


def init_app(app: Flask) -> None:
    """Install ProxyFix and the visitor API's limits (call after the blueprints they wrap are registered)."""
    _proxy_fix(app)
    app.config.setdefault("CHAT_RATE_LIMIT", DEFAULT_CHAT_LIMIT)
    app.config.setdefault("CALLBACK_RATE_LIMIT", DEFAULT_CALLBACK_LIMIT)
    app.config.setdefault("CALLBACK_ATTEMPT_RATE_LIMIT", DEFAULT_CALLBACK_ATTEMPT_LIMIT)
    app.config.setdefault("EVENT_RATE_LIMIT", DEFAULT_EVENT_LIMIT)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "clinicbot")
    storage = str(app.config["RATELIMIT_STORAGE_URI"])
    if storage.startswith(("redis://", "rediss://", "redis+sentinel://", "redis+cluster://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", _redis_options(app))
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
    app.register_error_handler(RateLimitExceeded, _refused)
    limits = {
        CHAT_ENDPOINT: [limiter.limit(_config_limit("CHAT_RATE_LIMIT"), methods=["POST"])],
        CALLBACK_ENDPOINT: [limiter.limit(_config_limit("CALLBACK_RATE_LIMIT"), methods=["POST"],
                                          deduct_when=_accepted),
                            limiter.limit(_config_limit("CALLBACK_ATTEMPT_RATE_LIMIT"), methods=["POST"])],
        EVENT_ENDPOINT: [limiter.limit(_config_limit("EVENT_RATE_LIMIT"), methods=["POST"])],
    }
    for endpoint, decorators in limits.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for decorate in decorators:
            view = decorate(view)
        app.view_functions[endpoint] = view
