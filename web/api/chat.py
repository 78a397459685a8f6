"""POST /api/chat and DELETE /api/conversations/<id>: answer a visitor, forget a conversation.

Only translation happens here: validate the request, call the bot, return JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, jsonify

from bot.chat import respond
from web import conversation, teaching
from web.api.blueprint import CONTROL, MAX_CONTEXT_CHARS, bp, channel_of, conversation_id_of, json_object, lang_of
from web.clinic import bot_settings
from web.errors import ApiError
from web.inquiry_log import record_turn
from web.live import current_index
from web.logs import note_answer
from web.metrics import record_answer


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat request."""

    message: str
    conversation_id: str | None
    channel: str
    context: str | None
    #: the language of the visitor's page (web/i18n.py), for wording that is not the visitor's own
    lang: str | None = None


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
    return ChatRequest(message, conversation_id, channel, context, lang_of(payload))


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


@bp.delete("/conversations/<conversation_id>")
def forget_conversation(conversation_id: str):
    """Forget what a conversation was about ("Start over"); 204 whether or not there was anything."""
    conversation.forget(conversation_id)
    return "", 204
