"""Answer a chat message with the conversation's memory, and raise live alerts for emergency answers.

web/api/chat.py calls ``answer`` instead of ``bot.chat.respond``. Here the topic on
record for the conversation_id (store/conversations.py, or Redis:
store/conversations_redis.py when CONVERSATION_STORE is a redis:// URL) is read, the bot's
memory rules (bot/memory.py) decide whether the message refers back to it, and
the message is answered alone or together with the complaint. The red-flag
screen reads the message on its own (inside respond) and, when a complaint is on
record, in context too: a combination that screens higher is answered as such.
An emergency answer on a visitor channel becomes a staff alert (store/alerts.py).

Memory must never cost a visitor the answer: a database that refuses or does
not answer is counted (web.db.record_failure) and the message answered alone.
``DELETE /api/conversations/<id>`` forgets the topic ("Start over").
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

from flask import current_app, g
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from bot import cards, followup, matcher, memory, triage
from bot.chat import answer_cards, respond, triage_numbers
from bot.redact import redact
from index import analysis, spanish
from store import alerts, conversations
from store.conversations_redis import RedisConversations
from web import db
from web.api.blueprint import VISITOR_CHANNELS
from web.conversation_ids import CONVERSATION_ID
from web.errors import ApiError
from web.kiosk import is_tap_path
from web.lifecycle import on_close
from web.retention import retention_days

log = logging.getLogger(__name__)

REDIS_KEY = "clinicbot.conversations.redis"

LEVELS = {"none": 0, "routine": 0, "urgent": 1, "emergency": 2}
PURGE_EVERY_SECONDS = 600
#: A follow-up's cards come from posts scoring at least this share of the complaint's best section.
TOPIC_SHARE = 0.25
TOPIC_SECTIONS = 12
#: Sections the follow-up's own words are looked up in, and the share of MIN_SCORE they must reach to lead.
OWN_SECTIONS = 60
OWN_SHARE = 0.5
#: A post may lead a follow-up's cards when its complaint score is at least this share of the best post's.
LEAD_SHARE = 0.6
_last_purge = {"at": 0.0}
_purge_lock = threading.Lock()


def idle(config) -> timedelta:
    """How long a conversation is remembered after its last message (CONVERSATION_IDLE_MINUTES)."""
    try:
        minutes = float(config["CONVERSATION_IDLE_MINUTES"])
    except (TypeError, ValueError):
        minutes = 120.0
    return timedelta(minutes=max(0.0, minutes))


def redis_store():
    """The Redis topic store when CONVERSATION_STORE is a redis:// URL, else None (the database)."""
    config = current_app.config
    url = str(config["CONVERSATION_STORE"] or "database")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    found = current_app.extensions.get(REDIS_KEY)
    if found is None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        found = current_app.extensions[REDIS_KEY] = RedisConversations(
            client, str(config["RATELIMIT_KEY_PREFIX"]))
        on_close(current_app, client.close)
    return found


#: How long a chat answer may wait to learn whether a network database answers at all. Memory is
#: optional: a frozen database must not slow the answer (tests/test_load.py), so this is short.
MEMORY_WAIT_SECONDS = 0.5
#: ... and how long it waits for a silent server database's probe before not asking it at all.
MEMORY_PROBE_SECONDS = 0.2


def _database_ready() -> bool:
    """May this request use the database for memory? SQLite is a local file and is not probed; a
    server database must have answered in the last second or answer within MEMORY_PROBE_SECONDS. A
    freeze that begins after that is caught by _bounded."""
    if db.database().engine.dialect.name == "sqlite":
        return True
    return db.answering(wait=MEMORY_PROBE_SECONDS)


#: Memory's reads and writes on a server database run here, so that a request waits for them at most
#: MEMORY_WAIT_SECONDS: a database that freezes mid-query (connections open, nothing answered) then holds
#: one of these threads, never the visitor's answer.
_memory_threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="conversation-memory")


def _bounded(work):
    """Run ``work`` in the app context; on a server database wait at most MEMORY_WAIT_SECONDS (FutureTimeout).

    SQLite is a local file: it runs in the request, as every other local query does.
    """
    if db.database().engine.dialect.name == "sqlite":
        return work()
    app = current_app._get_current_object()

    def in_context():
        with app.app_context():
            return work()

    try:
        return _memory_threads.submit(in_context).result(timeout=MEMORY_WAIT_SECONDS)
    except FutureTimeout:
        g.clinicbot_database_silent = True  # the rest of this request does not wait again (web.db.answering)
        raise


def _recall(conversation_id: str) -> memory.Topic | None:
    """The topic on record, or None (none, expired, or the store unavailable)."""
    in_redis = redis_store()
    if in_redis is not None:
        try:
            found = in_redis.recall(conversation_id)
        except RedisError:
            log.warning("could not read a conversation's topic from Redis", exc_info=True)
            db.record_failure("conversation")
            return None
        return memory.Topic(found.complaint, found.concepts, found.region, found.sections) if found else None
    if not _database_ready():
        db.record_failure("conversation")
        return None

    def read() -> memory.Topic | None:
        with db.session_scope() as session:
            found = conversations.recall(session, conversation_id)
            return memory.Topic(found.complaint, found.concepts, found.region, found.sections) if found else None

    try:
        return _bounded(read)
    except (SQLAlchemyError, FutureTimeout):
        log.warning("could not read a conversation's topic; answering the message alone", exc_info=True)
        db.record_failure("conversation")
        return None


def _remember(conversation_id: str, channel: str, before: memory.Topic | None, after: memory.Topic | None) -> None:
    """Store the topic after this answer (or just keep it alive); failures are counted, never raised."""
    if after is None:
        return
    config = current_app.config
    in_redis = redis_store()
    if in_redis is not None:
        try:
            if after == before:
                in_redis.touch(conversation_id, idle(config))
            else:
                in_redis.remember(conversation_id, channel=channel, complaint=after.complaint,
                                  concepts=after.concepts, region=after.region, sections=after.sections,
                                  idle=idle(config))
        except RedisError:
            log.warning("could not store a conversation's topic in Redis", exc_info=True)
            db.record_failure("conversation")
        return
    if not _database_ready():
        db.record_failure("conversation")
        return
    def write() -> None:
        with db.session_scope() as session:
            if after == before:
                conversations.touch(session, conversation_id, idle(config))
            else:
                conversations.remember(session, conversation_id, channel=channel, complaint=after.complaint,
                                       concepts=after.concepts, region=after.region, sections=after.sections,
                                       idle=idle(config))

    try:
        _bounded(write)
    except (SQLAlchemyError, FutureTimeout):
        log.warning("could not store a conversation's topic", exc_info=True)
        db.record_failure("conversation")
    _maybe_purge()


def _alert(channel: str, message: str, answer: dict) -> None:
    """An emergency answer on a visitor channel: tell every open staff page."""
    level = (answer.get("triage") or {}).get("level")
    if level != "emergency" or channel not in VISITOR_CHANNELS:
        return
    days = retention_days(current_app.config)
    if not _database_ready():  # the emergency answer must not wait on a frozen database
        log.warning("could not record a staff alert: the database does not answer")
        db.record_failure("alert")
        return
    def write() -> None:
        with db.session_scope() as session:
            alerts.add(session, channel=channel, rule_ids=list(answer["triage"].get("rule_ids") or []),
                       redacted_text=redact(message) if days else None, retention_days=days)

    try:
        _bounded(write)
    except (SQLAlchemyError, FutureTimeout):
        log.warning("could not record a staff alert", exc_info=True)
        db.record_failure("alert")


def _maybe_purge() -> None:
    """Delete expired conversations and alert texts, at most every PURGE_EVERY_SECONDS per process."""
    now = time.monotonic()
    with _purge_lock:
        if _last_purge["at"] and now - _last_purge["at"] < PURGE_EVERY_SECONDS:
            return
        _last_purge["at"] = now
    if not _database_ready():
        return
    try:
        with db.session_scope() as session:
            conversations.purge(session)
            alerts.purge(session)
    except SQLAlchemyError:
        log.warning("could not purge expired conversations", exc_info=True)
        db.record_failure("purge")


def english(text: str) -> str:
    """What the lexicon and the index read: a Spanish text's English gloss (index/spanish.py), else the text."""
    return spanish.gloss(text) if spanish.detect(text) == "es" else text


def topic_posts(index, topic: memory.Topic) -> dict[str, float]:
    """The posts that answer the complaint itself, with their best score: those within TOPIC_SHARE of the
    complaint's best section."""
    ranking = matcher.rank(index, english(topic.query()), limit=TOPIC_SECTIONS)
    floor = max(matcher.MIN_SCORE, ranking.best_score * TOPIC_SHARE)
    posts: dict[str, float] = {}
    for m in ranking.matches:
        if m.score >= floor:
            slug = index.sections[m.section_id]["post_slug"]
            posts[slug] = max(posts.get(slug, 0.0), m.score)
    return posts


def stay_on_topic(reply: dict, index, topic: memory.Topic, message: str) -> dict:
    """A follow-up's cards from the complaint's own posts only ("exercises for it" are the elbow's, not the
    knee's), led by the sections of those posts that the follow-up's own words find ("The Loading Program"
    for exercises, "Why does it take so long" for healing time); all cards when none is on topic."""
    posts = topic_posts(index, topic)
    kept = [card for card in reply.get("results") or [] if card.get("post_slug") in posts]
    if not kept:
        return reply
    own = matcher.rank(index, english(message), limit=OWN_SECTIONS)
    combined = memory.combined(topic, message)
    heard = analysis.read(english(combined), index)
    reading = cards.read(heard, combined, reply.get("lang") or "en", list(heard.concepts))
    # Only the complaint's leading posts may lead: a running post that merely touched the complaint
    # must not answer "and if I keep running?" ahead of the complaint's own post.
    leading = {slug for slug, score in posts.items() if score >= max(posts.values()) * LEAD_SHARE}
    found = [m for m in own.matches
             if m.score >= matcher.MIN_SCORE * OWN_SHARE and index.sections[m.section_id]["post_slug"] in leading]
    # The complaint's best post first ("inside of the elbow" is golfer's before tennis elbow).
    found.sort(key=lambda m: (-posts[index.sections[m.section_id]["post_slug"]], -m.score))
    lead = answer_cards(index, found, reading)
    shown = {card["section_url"] for card in lead}
    # One card per post (bot/cards.py): a kept card of a leading post joins its post's card as a link.
    merged = cards.group(lead + [card for card in kept if card["section_url"] not in shown])
    return {**reply, "results": merged[:len(reply["results"])]}


def _screen(text: str, settings) -> str:
    """The red-flag level of a text."""
    return triage.screen(text, numbers=triage_numbers(settings)).level


def answer(chat_request, index, settings, respond=respond) -> dict:
    """The bot's answer to one request, read with the conversation's topic when it refers back to it.

    ``respond`` is bot.chat.respond, passed by the caller (web/api/chat.py) so the API stays the one place
    that calls the bot.
    """
    message, conversation_id = chat_request.message, chat_request.conversation_id
    # A client answering the bot's own question ("Which part of your elbow?") carries its context:
    # that pairing wins, and the result becomes the topic.
    earlier = followup.decode_context(chat_request.context)
    topic = _recall(conversation_id) if conversation_id else None
    if earlier is not None:
        topic = memory.Topic(earlier["message"], tuple(memory.subjects(analysis.concepts(english(earlier["message"])))),
                             earlier["region"])
    # Read once (index/analysis.read): bot.chat.respond finds this Reading cached for the same text.
    concepts = list(analysis.read(english(message), index).concepts)
    reading = memory.classify(topic, message, concepts)
    if earlier is not None:
        reading = memory.FOLLOW_UP if reading != memory.NEW_TOPIC else reading
        context = chat_request.context
    elif reading == memory.FOLLOW_UP:
        context = followup.encode_context(topic.query(), topic.region)
    else:
        context = None
    # The page's language (web/i18n.py): for a message in neither language and for tapped wording.
    # A kiosk's tapped keywords are screened by the rules only and answered in the page's language.
    reply = respond(message, index, settings, context=context, page_lang=getattr(chat_request, "lang", None),
                    keywords=is_tap_path(chat_request.channel, message))
    if reading == memory.FOLLOW_UP and earlier is None and reply.get("results"):
        reply = stay_on_topic(reply, index, topic, message)
    repeated = False
    if topic is not None and (reply.get("triage") or {}).get("level") != "emergency":
        # In context: "my back hurts" then "and I can't feel my saddle area" screens as one account.
        together = LEVELS.get(_screen(memory.combined(topic, message), settings), 0)
        alone = LEVELS.get((reply.get("triage") or {}).get("level"), 0)
        before = LEVELS.get(_screen(topic.query(), settings), 0)
        # A follow-up about a red-flag complaint gets its guidance again; any other message only
        # when the two together say more than the complaint did ("thanks" after chest pain is thanks).
        if together > alone and (reading == memory.FOLLOW_UP or together > before):
            # Screened together, answered in the language of this message.
            reply = respond(memory.combined(topic, message), index, settings, lang=reply.get("lang"))
            repeated = together <= before  # the desk was alerted to this complaint already
    if not repeated:
        _alert(chat_request.channel, message, reply)
    if conversation_id:
        keep_text = retention_days(current_app.config) > 0
        after = memory.next_topic(topic, reading, message, concepts, reply, keep_text, redact(message))
        _remember(conversation_id, chat_request.channel, topic if earlier is None else None, after)
    return reply


def forget(conversation_id: str) -> None:
    """Forget what a conversation was about ("Start over"); ApiError 400 or 503 when it cannot."""
    if not CONVERSATION_ID.match(conversation_id):
        raise ApiError(400, "invalid_conversation_id",
                       "The conversation id must be 1-100 letters, digits, '-' or '_'.")
    in_redis = redis_store()
    if in_redis is not None:
        try:
            in_redis.forget(conversation_id)
        except RedisError:
            db.record_failure("conversation")
            raise ApiError(503, "unavailable", "Please try again in a moment.") from None
        return
    if not _database_ready():
        db.record_failure("conversation")
        raise ApiError(503, "unavailable", "Please try again in a moment.")
    try:
        with db.session_scope() as session:
            conversations.forget(session, conversation_id)
    except SQLAlchemyError:
        db.record_failure("conversation")
        raise ApiError(503, "unavailable", "Please try again in a moment.") from None
