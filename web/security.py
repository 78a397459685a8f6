"""Security headers on every response."""

from __future__ import annotations

from flask import Flask

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    csp = response.headers["Content-Security-Policy"]
    if "frame-ancestors" not in csp or "frame-ancestors 'none'" in csp:
        # A view that set its own frame-ancestors allowlist (the widget frame) is framed by that list alone.
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(_headers)
