"""Cross-site requests to the public POST endpoints are refused (issue 17, F1).

A browser lets any website send a "simple" cross-origin POST (text/plain, a form)
without asking first, and it carries the visitor's own address, so per-client
limits do not help. The API takes only ``application/json`` (web/api/blueprint.py), which a
foreign page cannot send without a CORS preflight, and this check refuses, before
any view runs, a browser request whose ``Origin`` is neither this site nor on the
allowlists (``CORS_ORIGINS``, ``WIDGET_ORIGINS``), or whose ``Sec-Fetch-Site`` says
cross-site without such an origin. Requests with neither header do not come from
a browser page (curl, a clinic's own server) and carry no visitor's ambient rights.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from web.errors import error_response
from web.widget import origin_allowed

#: Paths whose state-changing requests are visitor-facing and take no CSRF token.
GUARDED = ("/api/", "/kiosk/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _own_origin() -> str:
    """This request's own origin, as a browser on our page would send it."""
    return f"{request.scheme}://{request.host}".lower()


def allowed(origin: str | None, fetch_site: str | None) -> bool:
    """Whether a request with these headers may change state."""
    if origin == "null":  # sandboxed frames, data: URLs: never one of ours
        return False
    if origin:
        origin = origin.rstrip("/").lower()
        return (origin == _own_origin() or origin in current_app.config["CORS_ORIGINS"]
                or origin_allowed(origin, current_app.extensions["clinicbot_widget"]["origins"]))
    return fetch_site in (None, "same-origin", "none")


def _check():
    """Refuse a cross-site state-changing request in the API's error shape."""
    if request.method in SAFE_METHODS or not request.path.startswith(GUARDED):
        return None
    if allowed(request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site")):
        return None
    return error_response(403, "forbidden_origin",
                          "This request came from a page that may not use this service.")


def init_app(app: Flask) -> None:
    """Check origins before any view (CORS has normalised its allowlist by then)."""
    app.before_request(_check)
