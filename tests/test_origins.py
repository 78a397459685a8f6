"""F1: public POSTs take only JSON, from the bot's own pages or allowed origins, with server-issued ids."""

from __future__ import annotations

import pytest

from tests.appkit import open_app

POSTS = [
    ("/api/chat", {"message": "shin pain when running"}),
    ("/api/event", {"kind": "cta_click", "url": "https://example.com/book"}),
    ("/api/callback", {"name": "Ana", "phone": "555 0188 123", "consent": True}),
]


@pytest.mark.parametrize(("path", "body"), POSTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_public_post_refuses_simple_content_types(client, path, body, content_type):
    import json

    response = client.post(path, data=json.dumps(body), content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_public_post_refuses_a_foreign_origin(client, path, body):
    response = client.post(path, json=body, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_origin"


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_public_post_refuses_cross_site_fetch_metadata(client, path, body):
    response = client.post(path, json=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_origin"


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost"},
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    {},  # not a browser (curl, a server of the clinic's): no ambient authority to abuse
])
def test_chat_accepts_same_origin_and_non_browser_clients(client, headers):
    response = client.post("/api/chat", json={"message": "shin pain"}, headers=headers)
    assert response.status_code == 200


def test_chat_accepts_listed_origins(tmp_path, index_dir):
    app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "CORS_ORIGINS": "https://api-user.example",
                      "WIDGET_ORIGINS": "https://www.clinic.example"})
    client = app.test_client()
    for origin in ("https://api-user.example", "https://www.clinic.example"):
        response = client.post("/api/chat", json={"message": "knee"},
                               headers={"Origin": origin, "Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 200, origin
    assert client.post("/api/chat", json={"message": "knee"},
                       headers={"Origin": "https://other.example"}).status_code == 403


def test_chat_replaces_a_conversation_id_it_did_not_issue(client):
    response = client.post("/api/chat", json={"message": "shin pain", "conversation_id": "maria-lopez-5550188"})
    assert response.status_code == 200
    issued = response.get_json()["conversation_id"]
    assert issued and issued != "maria-lopez-5550188"
    again = client.post("/api/chat", json={"message": "and knee pain", "conversation_id": issued})
    assert again.status_code == 200
    assert again.get_json()["conversation_id"] == issued


def test_conversation_ids_are_bound_to_the_secret_key(client, tmp_path, index_dir):
    issued = client.post("/api/chat", json={"message": "knee", "conversation_id": "x"}).get_json()["conversation_id"]
    other = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "o"), "INDEX_DIR": str(index_dir),
                        "SECRET_KEY": "another-key"}).test_client()
    assert other.post("/api/chat", json={"message": "knee", "conversation_id": issued}
                      ).get_json()["conversation_id"] != issued
