"""POST /api/event: what visitors do after an answer (clicking the booking call-to-action).

The reports need click-through, so the chat, widget and kiosk pages post a small
event when the CTA is followed. Like turn logging, a database failure never
becomes an error for the visitor: the response says whether it was recorded.
"""

from __future__ import annotations

import re

from flask import jsonify

from web.api.blueprint import bp, channel_of, conversation_id_of, json_object
from web.errors import ApiError
from web.inquiry_log import record_event

KINDS = ("cta_click",)
#: Only links a CTA can carry: web pages, phone and mail links. Nothing else is worth storing.
TARGET = re.compile(r"^(?:https?://|tel:|mailto:)[^\s]{1,2000}$", re.IGNORECASE)


@bp.post("/event")
def event():
    """Record one visitor event."""
    payload = json_object()
    kind = payload.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ApiError(400, "invalid_kind", f"The field 'kind' must be one of {', '.join(KINDS)}.")
    channel = channel_of(payload)
    conversation_id = conversation_id_of(payload)
    target = payload.get("url")
    if target is not None and (not isinstance(target, str) or not TARGET.match(target)):
        raise ApiError(400, "invalid_url", "The field 'url' must be an http(s), tel: or mailto: link.")
    recorded = record_event(kind, channel, conversation_id, target)
    return jsonify({"recorded": recorded}), 202
