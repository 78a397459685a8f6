"""The /api blueprint and the request checks every one of its routes shares.

One blueprint for the public JSON API: chat and conversations (web/api/chat.py), events
(web/api/events.py), call-back requests (web/api/callback.py) and its OpenAPI description
(web/api/openapi.py). Each reads its body with ``json_object`` and names channels from ``CHANNELS``.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request

from web import conversation_ids
from web.conversation_ids import CONVERSATION_ID
from web.errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api")

#: Control characters other than tab/newline are dropped; they carry no meaning in a complaint.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


#: Every channel a message can come from; visitors use the first three, the front desk the last.
CHANNELS = ("web", "widget", "kiosk", "desk")
#: Channels of visitors themselves: call-back requests and live staff alerts come only from these.
VISITOR_CHANNELS = ("web", "widget", "kiosk")
MAX_CONTEXT_CHARS = 4096


def json_object() -> dict:
    """The request body as a JSON object; ApiError otherwise.

    Only ``application/json`` is read: text/plain and form bodies are what another
    website can make a visitor's browser send without a CORS preflight (web/origins.py).
    """
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).")
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # json raises it, not ValueError, for deeply nested bodies
        raise ApiError(400, "invalid_json", "The request body is nested too deeply.") from None
    if payload is None:
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object, not a list or a value.")
    return payload


def conversation_id_of(payload: dict) -> str | None:
    """The optional conversation id, checked against CONVERSATION_ID; one the server did not issue is replaced."""
    conversation_id = payload.get("conversation_id")
    if conversation_id is not None and (
        not isinstance(conversation_id, str) or not CONVERSATION_ID.match(conversation_id)
    ):
        raise ApiError(400, "invalid_conversation_id",
                       "The field 'conversation_id' must be 1-100 letters, digits, '-' or '_'.")
    return conversation_ids.adopt(conversation_id)


def channel_of(payload: dict, allowed: tuple[str, ...] = CHANNELS, default: str = "web") -> str:
    """The optional channel, one of ``allowed``."""
    channel = payload.get("channel", default)
    if not isinstance(channel, str) or channel not in allowed:
        raise ApiError(400, "invalid_channel", f"The field 'channel' must be one of {', '.join(allowed)}.")
    return channel


def lang_of(payload: dict) -> str | None:
    """The optional page language, one of LANGUAGES."""
    lang = payload.get("lang")
    allowed = current_app.config["LANGUAGES"]
    if lang is not None and (not isinstance(lang, str) or lang not in allowed):
        raise ApiError(400, "invalid_lang", f"The field 'lang' must be one of {', '.join(allowed)}.")
    return lang
