"""Prometheus metrics: latency per endpoint, answers by triage level and match, index version and age."""

from __future__ import annotations

import re


def _sample(text: str, name: str, **labels) -> float:
    """The value of one sample in the exposition text (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_counts_answers_by_triage_level_and_match(client):
    before = client.get("/metrics").get_data(as_text=True)
    assert client.post("/api/chat", json={"message": "inner elbow pain when gripping"}).status_code == 200
    assert client.post("/api/chat", json={"message": "do you sell gift cards?"}).status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    after = response.get_data(as_text=True)
    for level, matched in (("routine", "true"), ("none", "false")):
        name = "clinicbot_answers_total"
        delta = _sample(after, name, triage_level=level, matched=matched) - _sample(
            before, name, triage_level=level, matched=matched)
        assert delta == 1


def test_metrics_latency_histogram_per_endpoint(client):
    client.get("/healthz")
    client.post("/api/chat", json={"message": "shin pain"})
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "clinicbot_request_duration_seconds_count", endpoint="api.chat", method="POST") >= 1
    assert _sample(text, "clinicbot_request_duration_seconds_count", endpoint="health.healthz") >= 1
    assert 'clinicbot_request_duration_seconds_bucket{endpoint="api.chat"' in text


def test_metrics_index_version_and_age(client, app):
    text = client.get("/metrics").get_data(as_text=True)
    version = app.extensions["clinicbot.index"].get().version
    assert re.search(rf'clinicbot_index_info{{[^}}]*version="{version}"[^}}]*}} 1\.0', text)
    assert 0 <= _sample(text, "clinicbot_index_age_seconds") < 86400 * 365


def test_metrics_never_label_visitor_text(client):
    client.post("/api/chat", json={"message": "zyxwvut unusual words here"})
    client.get("/api/zyxwvut-unknown")
    text = client.get("/metrics").get_data(as_text=True)
    assert "zyxwvut" not in text


def test_metrics_token_hides_endpoint_without_bearer(app):
    app.config["METRICS_TOKEN"] = "s3cret"
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 200
    assert "clinicbot_index_info" in response.get_data(as_text=True)


def test_metrics_database_up_on_working_database(client):
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "clinicbot_database_up") == 1


def test_metrics_database_down_counts_failed_log_writes(tmp_path, index_dir):
    from tests.appkit import make_app

    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = app.test_client()
    before = _sample(client.get("/metrics").get_data(as_text=True), "clinicbot_db_failures_total",
                     kind="log_turn")
    assert client.post("/api/chat", json={"message": "inner elbow pain when gripping"}).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "clinicbot_db_failures_total", kind="log_turn") == before + 1
    assert 'clinicbot_database_up 0.0' in text
