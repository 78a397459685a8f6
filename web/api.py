"""The public JSON API: POST /api/chat.

Only translation happens here: validate the request, call the bot, return JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request

from bot.chat import respond
from web import conversation, conversation_ids, teaching
from web.clinic import bot_settings
from web.conversation_ids import CONVERSATION_ID
from web.errors import ApiError
from web.inquiry_log import record_turn
from web.live import current_index
from web.logs import note_answer
from web.metrics import record_answer

bp = Blueprint("api", __name__, url_prefix="/api")

#: Control characters other than tab/newline are dropped; they carry no meaning in a complaint.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


CHANNELS = ("web", "widget", "kiosk", "desk")
MAX_CONTEXT_CHARS = 4096


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat request."""

    message: str
    conversation_id: str | None
    channel: str
    context: str | None


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


def parse_chat_request(max_chars: int) -> ChatRequest:
    """Validate the body; raise ApiError with a precise message when it is wrong."""
    payload = json_object()
    if "message" not in payload:
        raise ApiError(400, "missing_message", "The field 'message' is required.")
    message = payload["message"]
    if not isinstance(message, str):
        raise ApiError(400, "invalid_message", "The field 'message' must be a string.")
    message = CONTROL.sub(" ", message).strip()
    if not message:
        raise ApiError(400, "empty_message", "The field 'message' must not be empty.")
    if len(message) > max_chars:
        raise ApiError(400, "message_too_long", f"The field 'message' must be at most {max_chars} characters.")
    conversation_id = conversation_id_of(payload)
    channel = channel_of(payload)
    context = payload.get("context")
    if context is not None and (not isinstance(context, str) or len(context) > MAX_CONTEXT_CHARS):
        raise ApiError(400, "invalid_context",
                       f"The field 'context' must be a string of at most {MAX_CONTEXT_CHARS} characters.")
    return ChatRequest(message, conversation_id, channel, context)


@bp.post("/chat")
def chat():
    """Answer one visitor message."""
    chat_request = parse_chat_request(current_app.config["MAX_MESSAGE_CHARS"])
    index = current_index()
    # Read with the conversation's topic when the message refers back to it (web/conversation.py).
    # The clinic's lessons (web/teaching.py) ride along with respond; they act after the red-flag screen.
    answer = conversation.answer(chat_request, index, bot_settings(current_app.config, index),
                                 teaching.responder(respond))
    answer["conversation_id"] = chat_request.conversation_id
    record_turn(chat_request, answer)
    record_answer(answer)
    note_answer(answer)
    return jsonify(answer)
