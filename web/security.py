"""Security headers on every response, and the host allowlist.

Every header is set with ``setdefault``: a view that needs a different policy
(the widget frame route, which may be framed by the clinics' sites) sets its own
Content-Security-Policy and it wins. X-Frame-Options is only added when the
final policy forbids framing, so it can never contradict a view's own
``frame-ancestors``. HSTS is sent on HTTPS requests only (behind a TLS-terminating
proxy, set PROXY_COUNT so X-Forwarded-Proto is believed).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

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


def _relative_location(response):
    """A redirect to this same host says only the path: the Host header is never echoed back (F9).

    Werkzeug's own redirects (a missing trailing slash) are absolute URLs built from
    the request's Host; a forged Host would otherwise send the visitor elsewhere.
    """
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():
            response.headers["Location"] = parts._replace(scheme="", netloc="").geturl() or "/"
    return response


BAD_HOST_PAGE = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Bad request</title>"
                 "<h1>Bad request</h1><p>This site is not served at that address.</p></html>")


class HostGuard:
    """WSGI middleware: a request for a host not in TRUSTED_HOSTS gets 400 before Flask sees it (F8).

    Inside Flask an untrusted host breaks URL building, so even the error page failed
    (500). Answered here, the 400 needs nothing from the request: JSON in the API's
    error shape under /api/, a static page elsewhere, with the security headers.
    """

    def __init__(self, wsgi_app, trusted: list[str]):
        self.wsgi_app, self.trusted = wsgi_app, trusted

    def __call__(self, environ, start_response):
        try:
            get_host(environ, trusted_hosts=self.trusted)
        except SecurityError:
            return self._refuse(environ)(environ, start_response)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _refuse(environ) -> Response:
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body = json.dumps({"error": {"code": "bad_request", "message": "The request could not be understood."}})
            response = Response(body, status=400, mimetype="application/json")
        else:
            response = Response(BAD_HOST_PAGE, status=400, mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response


def init_app(app: Flask) -> None:
    """Add the headers to every response; requests for other hosts than TRUSTED_HOSTS
    (a list, or None for any: web/config.py) get 400."""
    app.after_request(_headers)
    app.after_request(_relative_location)
    if app.config["TRUSTED_HOSTS"]:
        app.wsgi_app = HostGuard(app.wsgi_app, app.config["TRUSTED_HOSTS"])
