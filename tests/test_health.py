"""Liveness and readiness endpoints."""

from __future__ import annotations

import pytest

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
