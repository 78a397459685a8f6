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
them in Redis (``redis://host:6379/0``), and refuses to start otherwise (web/config.py). If Redis
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
CHAT_ENDPOINT = "api.chat"
CALLBACK_ENDPOINT = "api.callback"
EVENT_ENDPOINT = "api.event"
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

    timeout = app.config["REDIS_TIMEOUT_SECONDS"]
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0),
            "retry_on_timeout": False, "health_check_interval": 0}


def _proxy_fix(app: Flask) -> None:
    count = app.config["PROXY_COUNT"]  # never negative: web/config.py
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)


def init_app(app: Flask) -> None:
    """Install ProxyFix and the visitor API's limits (call after the blueprints they wrap are registered)."""
    _proxy_fix(app)
    storage = str(app.config["RATELIMIT_STORAGE_URI"])
    if storage.startswith(("redis://", "rediss://", "redis+sentinel://", "redis+cluster://")):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {**_redis_options(app),
                                                   **(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})}
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
