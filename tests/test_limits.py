"""The per-client rate limits (chat, call-back requests, events) and the proxy set-up that identifies clients."""

from __future__ import annotations

import re

import pytest

from tests.appkit import make_app, open_app
from web.config import ConfigError


@pytest.fixture
def limited(tmp_path, index_dir):
    """An app allowing 3 chat messages per minute per client."""
    return make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                       "SECRET_KEY": "k", "CHAT_RATE_LIMIT": "3 per minute"})


def _chat(client, **kwargs):
    return client.post("/api/chat", json={"message": "knee pain"}, **kwargs)


def test_limits_chat_answers_429_with_retry_after_in_error_shape(limited):
    client = limited.test_client()
    assert [_chat(client).status_code for _ in range(3)] == [200, 200, 200]
    response = _chat(client)
    assert response.status_code == 429
    body = response.get_json()
    assert body == {"error": {"code": "rate_limited", "message": body["error"]["message"]}}
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert body["error"]["message"].startswith("Too many messages; please wait ")


def test_limits_apply_per_client_address(limited):
    client = limited.test_client()
    for _ in range(3):
        _chat(client, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert _chat(client, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    assert _chat(client, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200


def test_limits_do_not_touch_other_endpoints(limited):
    client = limited.test_client()
    for _ in range(3):
        _chat(client)
    assert _chat(client).status_code == 429
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_limits_forwarded_for_ignored_without_proxy_count(limited):
    client = limited.test_client()
    for n in range(3):
        _chat(client, headers={"X-Forwarded-For": f"192.0.2.{n}"})
    assert _chat(client, headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429


def test_limits_proxy_count_trusts_one_forwarded_hop(tmp_path, index_dir):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "CHAT_RATE_LIMIT": "1 per minute", "PROXY_COUNT": 1})
    client = app.test_client()
    assert _chat(client, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert _chat(client, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    # A client prepending its own forged hop is still identified by what the proxy appended.
    assert _chat(client, headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.1"}).status_code == 429
    assert _chat(client, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_limits_production_refuses_per_process_memory_storage(tmp_path, index_dir):
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        make_app({"ENV_NAME": "production", "SECRET_KEY": "a-real-key", "INSTANCE_PATH": str(tmp_path / "i"),
                    "INDEX_DIR": str(index_dir)})


def test_limits_negative_proxy_count_is_config_error(tmp_path, index_dir):
    with pytest.raises(ConfigError, match="PROXY_COUNT"):
        make_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                    "PROXY_COUNT": -1})


def test_limits_default_chat_limit_applies(tmp_path, index_dir, monkeypatch):
    monkeypatch.delenv("CLINICBOT_CHAT_RATE_LIMIT", raising=False)
    client = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                         "SECRET_KEY": "k"}).test_client()
    statuses = [client.post("/api/chat", json={"message": "knee pain"}).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


@pytest.fixture
def desk_limited(tmp_path, index_dir):
    """An app taking 2 call-back requests and 5 attempts an hour, and 3 events a minute, per client."""
    return make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                       "SECRET_KEY": "k", "CALLBACK_RATE_LIMIT": "2 per hour",
                       "CALLBACK_ATTEMPT_RATE_LIMIT": "5 per hour", "EVENT_RATE_LIMIT": "3 per minute"})


CALLBACK = {"name": "Dana", "phone": "424-555-0100", "consent": True}


def test_limits_callback_counts_stored_requests_then_answers_429_saying_to_call(desk_limited):
    client = desk_limited.test_client()
    assert client.post("/api/callback", json={**CALLBACK, "consent": False}).status_code == 400  # not counted
    assert [client.post("/api/callback", json=CALLBACK).status_code for _ in range(2)] == [201, 201]
    refused = client.post("/api/callback", json=CALLBACK)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert "call the clinic" in refused.get_json()["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 3601
    assert re.search(r"wait (59|60) minutes", refused.get_json()["error"]["message"])
    other = client.post("/api/callback", json=CALLBACK, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201  # per client


def test_limits_callback_caps_every_attempt_refused_ones_too(desk_limited):
    client = desk_limited.test_client()
    statuses = [client.post("/api/callback", json={**CALLBACK, "consent": False}).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200  # other limits untouched


def test_limits_event_answers_429_after_its_limit(desk_limited):
    client = desk_limited.test_client()
    event = {"kind": "cta_click", "url": "https://example.com/book"}
    assert [client.post("/api/event", json=event).status_code for _ in range(4)] == [202, 202, 202, 429]
