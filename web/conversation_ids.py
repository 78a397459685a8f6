"""Conversation ids are issued by the server: a random part and an HMAC of it under the secret key.

A client-chosen id could carry a visitor's name or number into the log, or join
someone else's conversation summary to a forged call-back request. The id the
server hands out is ``<16 hex random>-<16 hex HMAC-SHA256>``; an id that does not
verify is replaced by a fresh one, so only ids this deployment issued are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import current_app

# What a client may send as a conversation id (the API checks it before adopt()).
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
SALT = b"clinicbot.conversation:"


def _mac(nonce: str, key: str) -> str:
    """The id's check part: HMAC-SHA256 of the random part; 64 bits are plenty against guessing."""
    return hmac.new(key.encode(), SALT + nonce.encode(), hashlib.sha256).hexdigest()[:16]


def issue(key: str | None = None) -> str:
    """A new conversation id signed with the app's secret key."""
    nonce = secrets.token_hex(8)
    return f"{nonce}-{_mac(nonce, key or current_app.config['SECRET_KEY'])}"


def issued(value: str, key: str | None = None) -> bool:
    """Whether ``value`` is an id this deployment issued (constant-time check)."""
    nonce, _, mac = value.partition("-")
    if len(nonce) != 16 or len(mac) != 16:
        return False
    return hmac.compare_digest(mac, _mac(nonce, key or current_app.config["SECRET_KEY"]))


def adopt(value: str | None) -> str | None:
    """The id to store for a client-sent one: itself when issued here, a fresh id otherwise, None for none."""
    if value is None:
        return None
    return value if issued(value) else issue()
