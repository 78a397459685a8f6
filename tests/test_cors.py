"""CORS allowlist for the API."""

from __future__ import annotations

import pytest

from tests.appkit import make_app

ALLOWED = "https://www.clinic.example"


@pytest.fixture
def cors_client(tmp_path, index_dir):
    """A client for an app that allows one clinic origin (configured as a comma-separated string)."""
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "CORS_ORIGINS": f"{ALLOWED}/, https://other.example"})
    return app.test_client()


def test_cors_allowed_origin_gets_its_origin_back(cors_client):
    response = cors_client.post("/api/chat", json={"message": "knee pain"}, headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in response.headers["Vary"]


def test_cors_unlisted_origin_gets_no_grant(cors_client):
    response = cors_client.post("/api/chat", json={"message": "knee pain"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403  # refused before the view runs (web/origins.py)
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("origin, status", [(ALLOWED, 200), ("https://evil.example", 403)])
def test_cors_preflight_answers_only_allowed_origins(cors_client, origin, status):
    response = cors_client.options("/api/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert response.status_code == status
    if status == 200:
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    else:
        assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_pages_never_get_grants(cors_client):
    response = cors_client.get("/", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_default_allows_no_origin(client):
    response = client.post("/api/chat", json={"message": "knee pain"}, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers
