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
