"""Log every chat turn, redacted, without ever failing the visitor's request.

web/api/chat.py calls ``record_turn`` after ``respond``. Turns are written in batches
by web.turn_writer (journaled first, so a crash loses none); a database that is
down or full is logged, counted (web.db.record_failure) and retried, and the
visitor still gets the answer. Retention and purging live in web.retention.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from bot.desk import guess_region
from bot.redact import redact, redact_note
from store import inquiries
from web import db, turn_writer
from web.logs import warn_throttled
from web.retention import maybe_purge, retention_days

log = logging.getLogger(__name__)

def record_turn(chat_request, answer: dict) -> bool:
    """Store one /api/chat turn (see log_turn)."""
    return log_turn(chat_request.message, chat_request.channel, chat_request.conversation_id, answer)


def log_turn(message: str, channel: str, conversation_id: str | None, answer: dict) -> bool:
    """Store one turn; True when stored or safely queued (web.turn_writer), False when it could not be.

    With batched writes (the default) the turn goes to this worker's journal and
    is written within LOG_FLUSH_SECONDS; with LOG_FLUSH_SECONDS = 0 it is written
    here, and a database error is counted and the visitor answered anyway.
    """
    config = current_app.config
    if not config["INQUIRY_LOG"]:
        return False
    days = retention_days(config)
    # Reports group by the console's regions (data/regions.toml, desk sub-tables), each of which
    # refines one of the bot's lexicon regions (bot.desk.guess_region).
    guessed = guess_region(message, answer)
    answer = {**answer, "region": guessed.id if guessed else answer.get("region")}
    turn, sections = inquiries.turn_rows(channel=channel, answer=answer,
                                         redacted_text=_redacted(message, channel) if days else None,
                                         retention_days=days, conversation_id=conversation_id)
    batched = turn_writer.writer(current_app)
    if batched is not None:
        batched.submit(turn, sections)
        return True
    try:
        with db.session_scope() as session:
            db.fast_commit(session)
            inquiries.insert_turns(session.connection(), [(turn, sections)])
    except SQLAlchemyError:
        warn_throttled(current_app, log, "log_turn", "could not log a chat turn; the visitor was answered anyway",
                       exc_info=True)
        db.record_failure("log_turn")
        db.note_write(False)
        return False
    db.note_write(True)
    maybe_purge()
    return True


def _redacted(message: str, channel: str) -> str:
    """Visitor text as stored; a note staff pasted at the desk is read as a note about a caller, names and all."""
    return redact_note(message) if channel == "desk" else redact(message)


def record_event(kind: str, channel: str, conversation_id: str | None, target: str | None) -> bool:
    """Store a visitor action; False (and counted) when the database refused or does not answer."""
    if not db.answering():
        log.warning("could not log an event: the database does not answer")
        db.record_failure("log_event")
        return False
    try:
        with db.session_scope() as session:
            db.fast_commit(session)
            inquiries.add_event(session, kind=kind, channel=channel, conversation_id=conversation_id,
                                target=target)
    except SQLAlchemyError:
        warn_throttled(current_app, log, "log_event", "could not log an event", exc_info=True)
        db.record_failure("log_event")
        db.note_write(False)
        return False
    db.note_write(True)
    return True
