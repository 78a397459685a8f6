"""The lessons in force, for the chat: read from the database, cached per worker, never waited on long.

Every app server reads the same table (store/teaching.py). A worker keeps the
lessons it read and, at most every TEACHING_CACHE_SECONDS, asks the database a
one-row question (how many lessons, the newest, the last undo); only when the
answer changed does it read them again. A lesson saved on this worker is seen
at once; one saved on another server within TEACHING_CACHE_SECONDS.

Teaching must never cost a visitor the answer: a database that fails or does
not answer within TEACHING_WAIT_SECONDS leaves the lessons as last read.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import partial

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from bot import teaching as lessons
from bot.chat import respond
from store import teaching as store
from web import db

log = logging.getLogger(__name__)

KEY = "clinicbot.teaching"
#: How long a chat answer waits for a server database's answer about lessons.
TEACHING_WAIT_SECONDS = 0.3
_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="teaching")


@dataclass
class _Cache:
    """One worker's copy of the lessons."""

    teaching: lessons.Teaching | None = None
    version: tuple | None = None
    checked_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def from_rows(rows, version=None) -> lessons.Teaching:
    """Stored lessons as the bot reads them."""
    corrections, phrases = [], []
    for row in rows:
        if row.kind == "correction" and row.section_url:
            corrections.append(lessons.Correction(
                row.id, row.lang, store.terms_of(row), tuple(c for c in (row.concepts or "").split(",") if c),
                row.section_url, row.post_slug or "", row.section_heading))
        elif row.kind == "phrase":
            phrases.append(lessons.Phrase(row.id, row.lang, row.text, row.concept_id, row.post_slug))
    return lessons.Teaching(corrections, phrases, version)


def _cache(app) -> _Cache:
    return app.extensions.setdefault(KEY, _Cache())


def invalidate(app=None) -> None:
    """Read the lessons again at the next message (after a change made on this worker)."""
    _cache(app or current_app).checked_at = float("-inf")


def _refresh(app, cache: _Cache) -> None:
    """Ask for the version and, when it changed, read the lessons (in the app context)."""
    with app.app_context(), db.session_scope(app) as session:
        found = store.version(session)
        if found != cache.version:
            cache.teaching = from_rows(store.active(session), found)
            cache.version = found


def current(app=None) -> lessons.Teaching | None:
    """The lessons in force (None when there are none), as fresh as TEACHING_CACHE_SECONDS allows."""
    app = app or current_app._get_current_object()
    cache = _cache(app)
    now = time.monotonic()
    if now - cache.checked_at < float(app.config["TEACHING_CACHE_SECONDS"]):
        return cache.teaching or None
    database = db.database(app)
    if database.auto_migrate and not database.migrated:  # no schema yet: logging migrates, not this read
        return cache.teaching or None
    if not cache.lock.acquire(blocking=False):  # another thread is reading them: use what we have
        return cache.teaching or None
    try:
        cache.checked_at = now
        if database.engine.dialect.name == "sqlite":
            _refresh(app, cache)
        elif db.answering(app, wait=TEACHING_WAIT_SECONDS):
            _threads.submit(_refresh, app, cache).result(timeout=TEACHING_WAIT_SECONDS)
    except (SQLAlchemyError, FutureTimeout):
        log.warning("could not read the taught lessons; answering with those last read", exc_info=True)
        db.record_failure("teaching")
    finally:
        cache.lock.release()
    return cache.teaching or None


def responder(respond=respond, app=None):
    """``respond`` (bot.chat.respond) with the lessons in force, for web/api/chat.py."""
    found = current(app)
    return partial(respond, teaching=found) if found else respond
