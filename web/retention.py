"""How long visitor text is kept, and the purge that enforces it.

``retention_days`` and ``callback_retention_days`` read the settings (web/config.py validates them);
``purge_now`` runs one purge (``clinicbot purge``); ``maybe_purge`` runs one at most once an hour per
process, called by web.turn_writer's flusher, so retention holds even if nobody schedules the command.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from store import inquiries
from web import db

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600
_last_purge = {"at": 0.0}
_purge_lock = threading.Lock()


def retention_days(config) -> int:
    """Configured days of raw (redacted) text; 0 keeps none (never negative: web/config.py)."""
    return config["RETENTION_DAYS"]


def callback_retention_days(config) -> int:
    """Days an open call-back request keeps its contact details (at least 1: web/config.py)."""
    return config["CALLBACK_RETENTION_DAYS"]


def purge_now(config) -> inquiries.PurgeResult:
    """One purge under the settings in force, then scrub what it freed (web.db.scrub_after_purge)."""
    days = retention_days(config)
    with db.session_scope() as session:
        result = inquiries.purge(session, retention_days=days,
                                 open_callback_days=callback_retention_days(config))
        if days == 0:
            result = inquiries.PurgeResult(result.turn_texts + inquiries.purge_all_text(session),
                                           result.callbacks, result.login_attempts)
    if result.turn_texts or result.callbacks:
        db.scrub_after_purge()
    return result


def maybe_purge(now: float | None = None) -> bool:
    """Purge expired text if the last purge in this process is over an hour old."""
    now = time.monotonic() if now is None else now
    with _purge_lock:
        if _last_purge["at"] and now - _last_purge["at"] < PURGE_EVERY_SECONDS:
            return False
        _last_purge["at"] = now
    try:
        result = purge_now(current_app.config)
    except SQLAlchemyError:
        log.warning("scheduled purge failed", exc_info=True)
        db.record_failure("purge")
        return False
    if result.turn_texts or result.callbacks:
        log.info("purged %d expired texts and %d call-back contacts", result.turn_texts, result.callbacks)
    return True
