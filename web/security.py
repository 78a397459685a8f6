"""Security headers on every response, and the host allowlist.

Every header is set with ``setdefault``: a view that needs a different policy
(the widget frame route, which may be framed by the clinics' sites) sets its own
Content-Security-Policy and it wins. X-Frame-Options is only added when the
final policy forbids framing, so it can never contradict a view's own
``frame-ancestors``. HSTS is sent on HTTPS requests only (behind a TLS-terminating
proxy, set PROXY_COUNT so X-Forwarded-Proto is believed).
"""

from __future__ import annotations

from flask import Flask, current_app, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", ""):
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure and current_app.config["HSTS"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response; requests for other hosts than TRUSTED_HOSTS
    (a list, or None for any: web/config.py) get 400."""
    app.after_request(_headers)
