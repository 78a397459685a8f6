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
    from app import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(tmp_path / "empty"),
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
    from app import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == {"ok": False, "reason": "database unreachable"}


def test_readyz_reports_working_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"] == {"ok": True}


def test_readyz_and_metrics_do_not_hang_on_a_database_that_stopped_answering(tmp_path, index_dir, postgres_url):
    """A frozen PostgreSQL (connections open, nothing answered): /readyz says 503 within the probe's
    timeout instead of holding the worker, later probes share the one still waiting, and /readyz is
    200 again once it answers."""
    import time

    from sqlalchemy import make_url

    from app import create_app
    from tests.tcp_proxy import TcpProxy
    from web import db

    target = make_url(postgres_url)
    with TcpProxy(target.host, target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                          "SECRET_KEY": "t", "DATABASE_URL": proxied})
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
        deadline = time.monotonic() + 10
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/readyz").status_code == 200
        db.database(app).engine.dispose()
