"""One JSON error shape for the API, HTML error pages everywhere else.

API errors are always ``{"error": {"code": str, "message": str}}`` with the HTTP
status set accordingly; messages are written here, never taken from exceptions.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from bot.i18n import N_

log = logging.getLogger(__name__)

CODES = {
    400: ("bad_request", N_("The request could not be understood.")),
    403: ("forbidden", N_("This request is not allowed.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This address does not accept that method.")),
    413: ("payload_too_large", N_("The request body is too large.")),
    415: ("unsupported_media_type", N_("Send the request body as JSON.")),
    429: ("rate_limited", N_("Too many requests; please wait a moment and try again.")),
    500: ("internal_error", N_("Something went wrong on our side. Please try again.")),
    503: ("unavailable", N_("The service is starting or briefly unavailable. Please try again.")),
}


class ApiError(Exception):
    """A client error with a stable code and a message safe to show."""

    def __init__(self, status: int, code: str, message: str, fields: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        #: every wrong field of a form at once ({"field", "code", "message"}), so a form can mark them all
        self.fields = fields


def error_response(status: int, code: str | None = None, message: str | None = None, fields: list | None = None):
    """The pinned JSON error shape; a form's other wrong fields ride along in ``error.fields``."""
    default_code, default_message = CODES.get(status, ("error", N_("The request failed.")))
    # Our own default wording is in the visitor's language (web/i18n.py); an ApiError's message is the caller's.
    error = {"code": code or default_code, "message": message or gettext(default_message)}
    if fields:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    return response


#: Paths that only ever answer JSON: their errors keep the JSON shape whatever the client accepts.
JSON_PATHS = ("/api/", "/kiosk/staff/", "/kiosk/config.json")


def wants_json() -> bool:
    """JSON endpoints, JSON request bodies, and clients that prefer JSON over HTML get JSON errors."""
    if request.path.startswith(JSON_PATHS) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    if wants_json():
        response = error_response(status)
    else:
        _, message = CODES.get(status, ("error", N_("The request failed.")))
        response = make_response(render_template("error.html", status=status, message=gettext(message)), status)
    for header in ("Retry-After", "Allow"):
        value = exc.get_response().headers.get(header)
        if value:
            response.headers[header] = value
    return response


def _handle_api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
