"""Liveness and readiness endpoints."""

from __future__ import annotations

import pytest

from tests.appkit import open_app
from web.health import register_check


def test_healthz_answers_ok_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_loaded_index_version(client, app):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["index"]["ok"] is True
    assert body["checks"]["index"]["version"] == app.extensions["clinicbot.index"].get().version
    assert body["checks"]["index"]["sections"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_unavailable_without_index(tmp_path):
    from tests.appkit import make_app

    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(tmp_path / "empty"),
                      "SECRET_KEY": "k", "LOAD_INDEX_AT_START": False})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["index"] == {"ok": False, "reason": "no index loaded"}


@pytest.mark.parametrize("via", ["register_check", "db_health"])
def test_readyz_failing_database_check_is_503_without_details(app, via):
    def down():
        raise ConnectionError("password=hunter2 host=db")

    if via == "register_check":
        register_check(app, "database", down)
    else:
        app.extensions["clinicbot.db_health"] = down
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == {"ok": False, "reason": "database unreachable"}
    assert "hunter2" not in response.get_data(as_text=True)


def test_readyz_passing_database_check_is_ready(app):
    register_check(app, "database", lambda: None)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"] == {"ok": True}


def test_readyz_reports_unreachable_database_from_db_layer(tmp_path, index_dir):
    from tests.appkit import make_app

    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == {"ok": False, "reason": "database unreachable"}


def test_readyz_reports_working_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"] == {"ok": True}


@pytest.fixture
def proxied_postgres(tmp_path, index_dir, postgres_url):
    """An app on PostgreSQL through the test's TCP proxy, which can freeze it: yields (app, proxy).

    Its tables are emptied afterwards, like db_app's.
    """
    from sqlalchemy import make_url, text

    from store.models import Base
    from tests.appkit import make_app
    from tests.tcp_proxy import TcpProxy
    from web import db
    from web.refresh import archive

    target = make_url(postgres_url)
    with TcpProxy(target.host, target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                          "SECRET_KEY": "t", "DATABASE_URL": proxied, "PHONE": "310-555-0100",
                          "LOG_FLUSH_SECONDS": 0})
        try:
            yield app, proxy
        finally:
            proxy.thaw()
            tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
            with db.database(app).engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.database(app).engine.dispose()
            archive(app).dispose()  # /readyz probed the archive's database too


def wait_for_ok(client, path: str, seconds: float = 10) -> int:
    """GET path until it answers 200 or ``seconds`` pass; the last status."""
    import time

    deadline = time.monotonic() + seconds
    status = client.get(path).status_code
    while status != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = client.get(path).status_code
    return status


def test_readyz_and_metrics_do_not_hang_on_a_database_that_stopped_answering(proxied_postgres):
    """A frozen PostgreSQL (connections open, nothing answered): /readyz says 503 within the probe's
    timeout instead of holding the worker, later probes share the one still waiting, and /readyz is
    200 again once it answers."""
    import time

    from web import db

    app, proxy = proxied_postgres
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    proxy.freeze()
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        first = time.monotonic() - started
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"]["ok"] is False
        assert first < 2 * db.PROBE_SECONDS + 1.5  # the log's and the archive's database, each bounded
        probe = db.probe_for(db.database(app).engine)
        waiting = probe.pending
        assert waiting is not None and not waiting.done()
        metrics = client.get("/metrics").get_data(as_text=True)
        assert "clinicbot_database_up 0.0" in metrics
        assert probe.pending is waiting  # shared, not a second stuck thread
    finally:
        proxy.thaw()
    assert wait_for_ok(client, "/readyz") == 200


def test_staff_pages_callbacks_and_events_answer_at_once_while_the_database_is_frozen(proxied_postgres):
    """With PostgreSQL frozen, every request that would read or write it gets its answer within the
    probe's timeout: the desk a 503 page with Retry-After, a call-back request a 503 telling the
    visitor to phone (an emergency one still its 409 instruction), an event 202 unrecorded. All
    work again once the database answers."""
    import time

    from tests import staffkit
    from web import db

    app, proxy = proxied_postgres
    client = app.test_client()
    callback = {"name": "Dana", "phone": "424-555-0100", "consent": True}
    event = {"kind": "cta_click", "url": "https://example.com/book"}
    staffkit.make_account(app)
    assert staffkit.login(client).status_code == 302
    assert client.get("/staff/").status_code == 200
    proxy.freeze()
    try:
        time.sleep(db.ANSWERED_RECENTLY)  # the last answer no longer counts
        timed = []
        for send in (lambda: client.get("/staff/"),
                     lambda: client.get("/staff/login"),
                     lambda: client.post("/api/callback", json=callback),
                     lambda: client.post("/api/callback", json={
                         **callback, "message": "crushing chest pain and I can't breathe"}),
                     lambda: client.post("/api/event", json=event)):
            started = time.monotonic()
            timed.append((send(), time.monotonic() - started))
        desk, login, saved, emergency, clicked = (response for response, _ in timed)
        assert max(seconds for _, seconds in timed) < db.PROBE_SECONDS + 1.5, timed
        assert desk.status_code == 503 and login.status_code == 503
        assert desk.headers["Retry-After"] == "30"
        assert "cannot reach its database" in desk.get_data(as_text=True)
        assert saved.status_code == 503
        assert saved.get_json()["error"]["code"] == "unavailable"
        assert "310-555-0100" in saved.get_json()["error"]["message"]
        assert emergency.status_code == 409 and emergency.get_json()["error"]["code"] == "emergency"
        assert clicked.status_code == 202 and clicked.get_json() == {"recorded": False}
    finally:
        proxy.thaw()
    assert wait_for_ok(client, "/staff/") == 200
    assert client.post("/api/callback", json=callback).status_code == 201
    assert client.post("/api/event", json=event).get_json() == {"recorded": True}


def _production(tmp_path, index_dir, **config):
    return open_app({"ENV_NAME": "production", "SECRET_KEY": "a-real-secret-key", "INDEX_DIR": str(index_dir),
                       "INSTANCE_PATH": str(tmp_path / "p"), "RATELIMIT_ENABLED": False, **config})


def test_production_metrics_and_readyz_detail_need_the_token(tmp_path, index_dir):
    """F17: no public feed URL or request counts in production; a load balancer still gets the status."""
    client = _production(tmp_path, index_dir, METRICS_TOKEN="s3cret-scrape-token").test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}).status_code == 200
    public = client.get("/readyz")
    assert public.status_code == 200
    assert public.get_json() == {"status": "ready"}
    detailed = client.get("/readyz", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert detailed.get_json()["checks"]["index"]["version"]
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json() == {"status": "ok"}


def test_production_without_token_keeps_metrics_closed(tmp_path, index_dir):
    client = _production(tmp_path, index_dir).test_client()
    assert client.get("/metrics").status_code == 404
    assert "checks" not in client.get("/readyz").get_json()


def _disk_full(*args, **kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("INSERT INTO turns", {}, Exception("database or disk is full"))


def test_readyz_reports_a_database_that_cannot_be_written(app, client, monkeypatch, caplog):
    """F15: SELECT 1 still answers on a full disk; readiness must look at the writes too, and log once."""
    import logging

    from store import inquiries

    monkeypatch.setattr(inquiries, "insert_turns", _disk_full)
    caplog.set_level(logging.WARNING)
    for _ in range(5):  # bounded
        assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database_writes"]["ok"] is False
    assert sum("could not log a chat turn" in r.getMessage() for r in caplog.records) == 1
    monkeypatch.undo()
    assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_a_journal_that_cannot_be_written(tmp_path, index_dir, caplog):
    """F15: a journal folder that cannot be written makes the instance unready, and is logged once."""
    import logging

    from web import turn_writer

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal folder should be")
    app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "LOG_FLUSH_SECONDS": 0.05, "LOG_JOURNAL_DIR": str(blocker / "journal")})
    client = app.test_client()
    caplog.set_level(logging.WARNING)
    try:
        for _ in range(5):  # bounded
            assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["journal"]["ok"] is False
        assert sum("could not journal a chat turn" in r.getMessage() for r in caplog.records) == 1
    finally:
        turn_writer.writer(app).stop()


def test_turns_are_written_directly_when_the_journal_cannot_be(tmp_path, index_dir):
    """F15: with no journal, an answered turn goes to the database in its request, not to memory only
    (where a killed worker lost it)."""
    from sqlalchemy import func, select

    from store.models import Turn
    from web import db, turn_writer

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "LOG_FLUSH_SECONDS": 30, "LOG_JOURNAL_DIR": str(blocker / "journal")})
    client = app.test_client()
    try:
        for _ in range(5):
            assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
        with db.session_scope(app) as session:
            assert session.scalar(select(func.count()).select_from(Turn)) == 5  # no flush has run (30 s)
    finally:
        turn_writer.writer(app).stop()
