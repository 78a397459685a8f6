"""The session cookie: HttpOnly, SameSite=Lax, and Secure whenever the request came over https.

A fixed SESSION_COOKIE_SECURE would either break plain-http development or
leak the cookie over http in production; deciding per request covers both
(behind a TLS-terminating proxy, enable ProxyFix so request.is_secure is right).
"""

from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with a per-request Secure flag."""

    def get_cookie_secure(self, app) -> bool:
        """Secure when configured, or when this request is https."""
        return app.config["SESSION_COOKIE_SECURE"] or request.is_secure
