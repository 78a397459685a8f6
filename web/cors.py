"""CORS for the API: only origins on the allowlist (``CORS_ORIGINS``) may call it from a browser.

The chat page and the widget frame are served from the bot's own origin and need
no CORS. A clinic that calls /api/chat from its own site's script lists that
site's origin (``https://www.example-clinic.com``). Origins not on the list get
no CORS headers, so the browser withholds the answer; preflights for them get 403.
"""

from __future__ import annotations

from flask import Flask, current_app, request

ALLOWED_METHODS = "POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _preflight():
    """Answer OPTIONS for the API before routing: allowed origins get the grant, others 403."""
    if request.method != "OPTIONS" or not _is_api() or "Origin" not in request.headers:
        return None
    origin = request.headers["Origin"].rstrip("/")
    response = current_app.make_default_options_response()
    if origin not in current_app.config["CORS_ORIGINS"]:
        response.status_code = 403
        return response
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def _headers(response):
    if not _is_api():
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin and origin in current_app.config["CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def init_app(app: Flask) -> None:
    """Answer preflights and API responses by the allowlist (parsed and checked in web/config.py)."""
    app.before_request(_preflight)
    app.after_request(_headers)
