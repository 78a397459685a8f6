"""Structured JSON logs that never carry visitor text."""

from __future__ import annotations

import json
import logging
import sys

from web.logs import ACCESS_LOGGER, JsonFormatter

SECRET = "my knee hurts call me at 555-0100 jane@example.com"


def test_logs_access_line_is_json_with_answer_facts_not_text(client, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    response = client.post("/api/chat?q=" + "leak", json={"message": SECRET, "conversation_id": "c-1"})
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    entry = json.loads(line)
    assert entry["path"] == "/api/chat"
    assert entry["endpoint"] == "api.chat"
    assert entry["status"] == 200
    assert entry["triage"] in {"routine", "none", "urgent"}
    assert isinstance(entry["matched"], bool)
    assert entry["duration_ms"] >= 0
    assert entry["request_id"] == response.headers["X-Request-ID"]
    for fragment in ("knee", "555-0100", "jane@", "leak", "c-1"):
        assert fragment not in line


def test_logs_exception_keeps_type_and_frames_but_not_message():
    try:
        {}["my knee hurts"]
    except KeyError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "unhandled error", None, sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exc_type"] == "builtins.KeyError"
    assert entry["stack"] and __file__ in entry["stack"][0]
    assert "knee" not in json.dumps(entry)


def test_logs_unhandled_error_logged_without_visitor_text(app, caplog, monkeypatch):
    import web.api.chat

    def broken(message, index, settings, **kwargs):
        raise ValueError(f"cannot answer {message}")

    monkeypatch.setattr(web.api.chat, "respond", broken)
    caplog.set_level(logging.INFO)
    response = app.test_client().post("/api/chat", json={"message": SECRET})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert any('"exc_type": "builtins.ValueError"' in line for line in lines)
    assert not any("knee" in line for line in lines)


def test_logs_request_id_from_proxy_is_kept_when_sane(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"
