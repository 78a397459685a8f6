"""Conversation memory in Redis, for deployments that set CONVERSATION_STORE to a redis:// URL.

The same topics as store/conversations.py, one JSON value per conversation whose
Redis TTL is the idle expiry, so Redis itself forgets (and drops the complaint
text) when a conversation goes quiet. Knows redis-py, not Flask.
"""

from __future__ import annotations

import json
from datetime import timedelta

from store.conversations import Remembered


class RedisConversations:
    """Topics under ``<prefix>:conversation:<id>``."""

    def __init__(self, client, prefix: str = "clinicbot"):
        self.client = client
        self.prefix = prefix

    def key(self, conversation_id: str) -> str:
        """The Redis key of one conversation."""
        return f"{self.prefix}:conversation:{conversation_id}"

    def recall(self, conversation_id: str) -> Remembered | None:
        """The topic on record, or None (none, expired, or not ours)."""
        raw = self.client.get(self.key(conversation_id))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return Remembered(data.get("complaint"), tuple(data.get("concepts") or ()), data.get("region"),
                              tuple(data.get("sections") or ()))
        except (ValueError, TypeError, AttributeError):
            return None

    def remember(self, conversation_id: str, *, channel: str, complaint: str | None, concepts: tuple[str, ...],
                 region: str | None, sections: tuple[str, ...], idle: timedelta) -> None:
        """Store (or replace) the topic; it expires ``idle`` from now."""
        seconds = int(idle.total_seconds())
        if seconds <= 0:
            self.forget(conversation_id)
            return
        value = json.dumps({"channel": channel, "complaint": complaint, "concepts": list(concepts),
                            "region": region, "sections": list(sections)})
        self.client.set(self.key(conversation_id), value, ex=seconds)

    def touch(self, conversation_id: str, idle: timedelta) -> None:
        """Keep a conversation alive without changing its topic."""
        seconds = int(idle.total_seconds())
        if seconds > 0:
            self.client.expire(self.key(conversation_id), seconds)

    def forget(self, conversation_id: str) -> bool:
        """Drop a conversation's topic; True when there was one."""
        return bool(self.client.delete(self.key(conversation_id)))
