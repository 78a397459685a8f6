"""The inquiry log: every chat turn stored redacted, retention, purge, and a database that is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from store import inquiries
from store.migrate import alembic_config
from store.models import Event, Turn, utcnow
from tests.staffkit import store_turn
from web import db

NOTE = "Hi, my name is Maria Lopez, inner elbow pain when gripping, call me at 424-543-4336"


def turns(app):
    """All logged turns, oldest first."""
    with db.session_scope(app) as session:
        return list(session.scalars(select(Turn).order_by(Turn.id)).unique())


def failures(kind: str) -> float:
    """clinicbot_db_failures_total{kind} as /metrics reports it."""
    return sum(sample.value for metric in db.FAILURES.collect() for sample in metric.samples
               if sample.name.endswith("_total") and sample.labels.get("kind") == kind)


def test_chat_turn_logged_with_metadata_and_redacted_text(db_app, db_client):
    response = db_client.post("/api/chat", json={"message": NOTE, "channel": "widget", "conversation_id": "c-1"})
    assert response.status_code == 200
    body = response.get_json()
    [turn] = turns(db_app)
    assert turn.channel == "widget"
    assert turn.conversation_id == body["conversation_id"] != "c-1"  # issued by the server
    assert turn.triage_level == body["triage"]["level"]
    assert turn.matched is body["matched"] is True
    assert "Lopez" not in turn.text and "4336" not in turn.text
    assert "[name]" in turn.text and "[phone]" in turn.text and "inner elbow pain" in turn.text
    assert turn.text_expires_at > utcnow() + timedelta(days=29)
    with db.session_scope(db_app) as session:
        turn = session.get(Turn, turn.id)
        slugs = [s.post_slug for s in turn.sections]
        scores = [s.score for s in turn.sections]
    assert slugs == [r["post_slug"] for r in body["results"]]
    assert scores == [r["score"] for r in body["results"]]
    assert turn.best_score == max(scores)


def test_chat_emergency_turn_logged_with_rule_ids(db_app, db_client):
    response = db_client.post("/api/chat", json={"message": "crushing chest pain and I can't breathe"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "emergency"
    [turn] = turns(db_app)
    assert turn.triage_level == "emergency"
    assert turn.rule_ids == ",".join(body["triage"]["rule_ids"]) and turn.rule_ids
    assert turn.channel == "web"


def test_chat_turn_region_taken_from_answer(db_app):
    with db.session_scope(db_app) as session:
        store_turn(session, channel="kiosk", answer={"region": "knee", "matched": False, "results": []},
                 redacted_text="knee", retention_days=30)
    [turn] = turns(db_app)
    assert turn.region == "knee"
    assert turn.triage_level == "none"


def test_retention_zero_keeps_only_metadata(app, client):
    app.config["RETENTION_DAYS"] = 0
    response = client.post("/api/chat", json={"message": "shin pain when running"})
    assert response.status_code == 200
    [turn] = turns(app)
    assert turn.text is None and turn.text_expires_at is None
    assert turn.matched is True


def test_purge_removes_only_expired_text(db_app):
    now = utcnow()
    with db.session_scope(db_app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="old knee", retention_days=30,
                 now=now - timedelta(days=31))
        store_turn(session, channel="web", answer={}, redacted_text="new knee", retention_days=30,
                 now=now - timedelta(days=29))
    with db.session_scope(db_app) as session:
        result = inquiries.purge(session, now=now)
    assert result.turn_texts == 1
    old, new = turns(db_app)
    assert old.text is None and old.triage_level == "none"
    assert new.text == "new knee"


def test_purge_command_reports_and_removes(db_app):
    with db.session_scope(db_app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="old", retention_days=1,
                 now=utcnow() - timedelta(days=2))
    result = db_app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged 1 message texts" in result.output
    assert turns(db_app)[0].text is None


def test_purge_command_with_zero_retention_drops_all_text(app):
    with db.session_scope(app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="fresh", retention_days=30)
    app.config["RETENTION_DAYS"] = 0
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert turns(app)[0].text is None


def test_db_upgrade_command_reports_revision(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()  # re-chained at merges
    assert f"database at revision {head}" in result.output


def test_chat_answers_when_database_is_down(tmp_path, index_dir):
    from tests.appkit import make_app

    log_turn_failures = failures("log_turn")
    before = db.failure_count()
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert db.failure_count() == before + 1
    response = app.test_client().post("/api/chat", json={"message": "inner elbow pain when gripping"})
    assert response.status_code == 200
    assert response.get_json()["matched"] is True
    assert db.failure_count() == before + 2
    assert failures("log_turn") == log_turn_failures + 1
    assert db.healthy(app) is False


def test_healthy_true_on_working_database(db_app):
    assert db.healthy(db_app) is True


def test_event_records_cta_click(db_app, db_client):
    response = db_client.post("/api/event", json={"kind": "cta_click", "channel": "widget", "conversation_id": "c",
                                                  "url": "https://example.com/contact"})
    assert response.status_code == 202
    assert response.get_json() == {"recorded": True}
    with db.session_scope(db_app) as session:
        assert session.scalar(select(func.count()).select_from(Event).where(Event.kind == "cta_click")) == 1


@pytest.mark.parametrize("payload, code", [
    ({"kind": "page_view"}, "invalid_kind"),
    ({"kind": "cta_click", "channel": "fax"}, "invalid_channel"),
    ({"kind": "cta_click", "conversation_id": "bad id!"}, "invalid_conversation_id"),
    ({"kind": "cta_click", "url": "javascript:alert(1)"}, "invalid_url"),
    (["cta_click"], "invalid_json"),
])
def test_event_rejects_bad_input(client, payload, code):
    response = client.post("/api/event", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_chat_turn_without_bot_region_gets_lexicon_region(app, client):
    assert client.post("/api/chat", json={"message": "inner elbow pain when gripping"}).status_code == 200
    assert client.post("/api/chat", json={"message": "do you sell gift cards?"}).status_code == 200
    elbow, gift = turns(app)
    assert elbow.region == "elbow"
    assert gift.region is None


def test_maybe_purge_runs_at_most_hourly(app, monkeypatch):
    from web import retention

    monkeypatch.setitem(retention._last_purge, "at", 0.0)
    with app.app_context():
        assert retention.maybe_purge(now=10_000.0) is True
        assert retention.maybe_purge(now=10_060.0) is False
        assert retention.maybe_purge(now=10_000.0 + retention.PURGE_EVERY_SECONDS + 1) is True


def test_chat_request_purges_expired_text_opportunistically(db_app, db_client, monkeypatch):
    from web import retention

    monkeypatch.setitem(retention._last_purge, "at", 0.0)
    with db.session_scope(db_app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="expired", retention_days=1,
                 now=utcnow() - timedelta(days=2))
    assert db_client.post("/api/chat", json={"message": "shin pain"}).status_code == 200
    old, new = turns(db_app)
    assert old.text is None
    assert new.text == "shin pain"


def test_logging_resumes_when_database_comes_back(tmp_path, index_dir, postgres_url):
    """Started while the database was unreachable, the app migrates and logs once it is reachable."""
    from sqlalchemy import create_engine, text

    from tests.appkit import make_app

    name = f"late_{tmp_path.name[-8:].lower().replace('-', '_')}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "DATABASE_URL": postgres_url.rsplit("/", 1)[0] + f"/{name}"})
    database = db.database(app)
    assert database.migrated is False
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        database.last_migration_attempt = 0.0
        assert app.test_client().post("/api/chat", json={"message": "shin pain"}).status_code == 200
        assert database.migrated is True
        assert [t.text for t in turns(app)] == ["shin pain"]
    finally:
        database.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _open_callback(session, name: str, phone: str, when):
    from store import callbacks

    return callbacks.create(session, channel="widget", conversation_id=None, name=name, phone=phone, email=None,
                            preferred_time=None, consent=True, words="my knee", now=when)


def test_purge_erases_open_callbacks_after_their_own_period(db_app):
    """F11: a 400-day-old open request no longer keeps a name and a phone number."""
    from store.models import Callback

    db_app.config["CALLBACK_RETENTION_DAYS"] = 90
    with db.session_scope(db_app) as session:
        _open_callback(session, "Old Open", "5550100", utcnow() - timedelta(days=400))
        _open_callback(session, "Recent Open", "5550101", utcnow() - timedelta(days=10))
    result = db_app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    with db.session_scope(db_app) as session:
        old, recent = session.scalars(select(Callback).order_by(Callback.id)).all()
        assert old.name is None and old.phone is None and old.words is None and old.status == "expired"
        assert recent.name == "Recent Open" and recent.phone == "5550101" and recent.status == "open"


def test_lowering_retention_shortens_rows_already_stored(db_app):
    """F11: text stored under a 30-day retention goes when retention is lowered to 7."""
    now = utcnow()
    with db.session_scope(db_app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="ten days old", retention_days=30,
                           now=now - timedelta(days=10))
        store_turn(session, channel="web", answer={}, redacted_text="two days old", retention_days=30,
                           now=now - timedelta(days=2))
    db_app.config["RETENTION_DAYS"] = 7
    assert db_app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    old, new = turns(db_app)
    assert old.text is None and new.text == "two days old"


def test_purged_text_is_not_left_readable_in_sqlite_files(app):
    """F11: neither the database file nor its write-ahead log still holds purged text."""
    from pathlib import Path

    with db.session_scope(app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="ZEBRAWORD knee pain", retention_days=1,
                           now=utcnow() - timedelta(days=3))
        _open_callback(session, "QUOKKANAME", "5550100", utcnow() - timedelta(days=400))
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    folder = Path(app.instance_path)
    for path in folder.glob("clinicbot.db*"):
        data = path.read_bytes()
        assert b"ZEBRAWORD" not in data and b"QUOKKANAME" not in data, path.name


def test_purge_vacuums_purged_postgresql_tables(db_app):
    """F11: PostgreSQL's dead row versions of purged text are vacuumed after a purge."""
    from sqlalchemy import text

    engine = db.database(db_app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (SQLite is covered by its own file test)")
    with db.session_scope(db_app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="old", retention_days=1,
                           now=utcnow() - timedelta(days=3))
    assert db_app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        vacuumed = dict(connection.execute(text(
            "SELECT relname, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname IN ('turns', 'callbacks')")).all())
    assert vacuumed == {"turns": True, "callbacks": True}
