"""web/conversation.py over the API: follow-ups answered for the earlier complaint, new topics, Start over, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import conversations
from store.models import utcnow
from tests.services import redis_prefix  # noqa: F401 - fixture
from web import db

ELBOW = "pain on the inside of my elbow when I grip things"
FOLLOW_UP = "what exercises can I do for it?"


_ISSUED: dict = {}


def cid(app, name: str) -> str:
    """The server-issued id (web/conversation_ids.py) standing for a test's conversation name."""
    from web import conversation_ids as ids

    key = (id(app), name)
    if key not in _ISSUED:
        with app.app_context():
            _ISSUED[key] = ids.issue()
    return _ISSUED[key]


def ask(client, message: str, conversation_id: str | None = "conv-1", **extra) -> dict:
    """POST one message; the answer's JSON."""
    body = {"message": message, **extra}
    if conversation_id:
        body["conversation_id"] = cid(client.application, conversation_id)
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200
    return response.get_json()


def slugs(answer: dict) -> list[str]:
    return [r["post_slug"] for r in answer["results"]]


def about(answer: dict, word: str) -> bool:
    """True when every card is from a post whose slug names ``word``."""
    return bool(answer["results"]) and all(word in slug for slug in slugs(answer))


def test_follow_up_alone_is_not_about_the_elbow(client):
    """The bug this fixes: with no memory the follow-up is ranked on its own words."""
    answer = ask(client, FOLLOW_UP, conversation_id=None)
    assert not about(answer, "elbow")


def test_follow_up_is_answered_for_the_earlier_complaint(client):
    first = ask(client, ELBOW)
    assert first["region"] == "elbow"
    answer = ask(client, FOLLOW_UP)
    assert answer["matched"] is True
    assert about(answer, "elbow"), slugs(answer)
    assert not any("knee" in slug or "hip" in slug for slug in slugs(answer))
    assert answer["region"] == "elbow"


@pytest.mark.parametrize(("message", "words"), [
    (FOLLOW_UP, ("loading", "exercise", "strength")),
    ("how long will it take to heal?", ("long", "resolve", "heal")),
])
def test_follow_up_leads_with_the_complaint_sections_its_own_words_find(client, message, words):
    """Not the complaint's overview again: the elbow post's section about what was asked comes first."""
    ask(client, ELBOW)
    first = ask(client, message)["results"][0]
    assert "elbow" in first["post_slug"]
    assert any(word in (first["section_heading"] or "").lower() for word in words), first["section_heading"]


@pytest.mark.parametrize("message", ["how long will it take to heal?", "is it serious?", "it hurts"])
def test_other_referring_questions_stay_with_the_complaint(client, message):
    ask(client, ELBOW)
    answer = ask(client, message)
    assert answer["intent"] is None
    assert about(answer, "elbow"), slugs(answer)


def test_conversations_do_not_share_memory(client):
    ask(client, ELBOW, conversation_id="conv-a")
    answer = ask(client, FOLLOW_UP, conversation_id="conv-b")
    assert not about(answer, "elbow")


def test_new_complaint_changes_the_topic(client):
    ask(client, ELBOW)
    knee = ask(client, "my knee aches at the front when I go down stairs")
    assert knee["region"] == "knee"
    answer = ask(client, FOLLOW_UP)
    assert not any("elbow" in slug for slug in slugs(answer)), slugs(answer)


def test_start_over_forgets(client, app):
    ask(client, ELBOW)
    response = client.delete(f"/api/conversations/{cid(app, 'conv-1')}")
    assert response.status_code == 204
    with db.session_scope(app) as session:
        assert conversations.recall(session, cid(app, "conv-1")) is None
    answer = ask(client, FOLLOW_UP)
    assert not about(answer, "elbow")


def test_forget_refuses_a_malformed_id(client):
    response = client.delete("/api/conversations/not%20an%20id")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_conversation_id"


def test_expired_topic_is_not_used_and_is_purged(client, app):
    ask(client, ELBOW)
    later = utcnow() + timedelta(minutes=121)
    with db.session_scope(app) as session:
        assert conversations.recall(session, cid(app, "conv-1"), now=later) is None
        assert conversations.recall(session, cid(app, "conv-1")) is not None
        assert conversations.purge(session, now=later) == 1
        assert conversations.count(session) == 0


def test_idle_expiry_is_configurable(client, app):
    app.config["CONVERSATION_IDLE_MINUTES"] = 0
    ask(client, ELBOW)
    answer = ask(client, FOLLOW_UP)
    assert not about(answer, "elbow")


def test_complaint_is_redacted_and_not_kept_without_retention(client, app):
    ask(client, "my elbow hurts when I grip, call me on 0412 345 678")
    with db.session_scope(app) as session:
        kept = conversations.recall(session, cid(app, "conv-1"))
    assert kept.complaint and "345" not in kept.complaint
    app.config["RETENTION_DAYS"] = 0
    ask(client, ELBOW, conversation_id="conv-2")
    with db.session_scope(app) as session:
        kept = conversations.recall(session, cid(app, "conv-2"))
    assert kept.complaint is None and kept.region == "elbow"
    answer = ask(client, FOLLOW_UP, conversation_id="conv-2")
    assert about(answer, "elbow"), slugs(answer)


def test_red_flag_screen_still_reads_the_message_alone(client):
    ask(client, ELBOW)
    answer = ask(client, "I have crushing chest pain and I'm sweating")
    assert answer["triage"]["level"] == "emergency"


def test_red_flag_screen_reads_the_message_in_context(client):
    """Neither message is an emergency alone; together they are a head injury on blood thinners (NICE NG232)."""
    first = ask(client, "my shoulder has been stiff for a week and I take blood thinners for my heart rhythm")
    assert first["triage"]["level"] != "emergency"
    alone = ask(client, "I banged my head on the kitchen cupboard this morning", conversation_id=None)
    assert alone["triage"]["level"] != "emergency"
    answer = ask(client, "I banged my head on the kitchen cupboard this morning")
    assert answer["triage"]["level"] == "emergency"
    assert answer["results"] == []


def test_docs_name_the_routes_and_settings(app):
    """docs/conversation.md is the reference: every route and setting it relies on exists and is named."""
    from pathlib import Path

    from web import config

    text = (Path(__file__).resolve().parent.parent / "docs" / "conversation.md").read_text()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "api.forget_conversation" or rule.endpoint.startswith("staff.alert"):
            documented = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            documented = documented.replace("{alert_id}", "{id}")
            assert documented in text, rule.rule
    assert {"CONVERSATION_IDLE_MINUTES", "CONVERSATION_STORE"} <= set(config.DEFAULTS)
    assert "CLINICBOT_CONVERSATION_IDLE_MINUTES" in text


def test_topics_live_in_redis_when_configured(tmp_path, index_dir, redis_prefix):  # noqa: F811
    """CONVERSATION_STORE=redis://...: the follow-up still stays on the elbow, the key has the idle TTL,
    Start over deletes it, and the database holds no topic."""
    import redis

    from tests.appkit import open_app

    url, prefix = redis_prefix
    app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "redis-instance"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "test-secret-key", "CONVERSATION_STORE": url, "RATELIMIT_KEY_PREFIX": prefix})
    client = app.test_client()
    ask(client, ELBOW)
    key = f"{prefix}:conversation:{cid(app, 'conv-1')}"
    server = redis.Redis.from_url(url)
    assert 0 < server.ttl(key) <= 120 * 60
    assert about(ask(client, FOLLOW_UP), "elbow")
    with db.session_scope(app) as session:
        assert conversations.count(session) == 0
    assert client.delete(f"/api/conversations/{cid(app, 'conv-1')}").status_code == 204
    assert server.exists(key) == 0
    assert not about(ask(client, FOLLOW_UP), "elbow")
    server.close()


def test_spanish_follow_up_stays_with_the_spanish_complaint(client):
    ask(client, "me duele la parte interna del codo cuando agarro cosas")
    answer = ask(client, "¿cuánto tiempo tarda en sanar?")
    assert answer["lang"] == "es"
    assert about(answer, "elbow"), slugs(answer)


def test_purge_command_drops_expired_topics(client, app):
    ask(client, ELBOW)
    with db.session_scope(app) as session:
        conversations.remember(session, "conv-old", channel="web", complaint="old knee pain", concepts=("knee",),
                               region="knee", sections=(), idle=timedelta(minutes=1),
                               now=utcnow() - timedelta(hours=3))
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged 1 expired conversation topics" in result.output
    with db.session_scope(app) as session:
        assert conversations.count(session) == 1
