"""Security headers, HSTS, the host allowlist, body limits, error shapes and the secret key."""

from __future__ import annotations

import pytest
from flask import make_response

from tests.appkit import make_app, open_app
from web.config import ConfigError

ROUTES = [("get", "/"), ("get", "/healthz"), ("get", "/readyz"), ("post", "/api/chat"), ("get", "/nowhere"),
          ("get", "/api/nowhere"), ("get", "/metrics")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_security_headers_on_every_response(client, method, path):
    response = getattr(client, method)(path, json={"message": "knee"} if method == "post" else None)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_security_hsts_on_https_only(client):
    response = client.get("/healthz", base_url="https://bot.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_security_hsts_behind_tls_proxy_with_proxy_count(tmp_path, index_dir):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "PROXY_COUNT": 1})
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_security_view_own_csp_wins_and_drops_frame_deny(app):
    frame_csp = "default-src 'self'; frame-ancestors https://www.clinic.example"

    @app.get("/test-frame")
    def frame():
        response = make_response("frame")
        response.headers["Content-Security-Policy"] = frame_csp
        return response

    response = app.test_client().get("/test-frame")
    assert response.headers["Content-Security-Policy"] == frame_csp
    assert "X-Frame-Options" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host, status", [("bot.example", 200), ("evil.example", 400)])
def test_security_trusted_hosts(tmp_path, index_dir, host, status):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "TRUSTED_HOSTS": "bot.example, www.bot.example"})
    response = app.test_client().get("/api/chat", base_url=f"http://{host}")
    assert response.status_code == (405 if status == 200 else 400)
    assert "error" in response.get_json()


@pytest.mark.parametrize("kwargs, status, code", [
    ({"method": "GET", "path": "/api/nowhere"}, 404, "not_found"),
    ({"method": "GET", "path": "/api/chat"}, 405, "method_not_allowed"),
    ({"method": "POST", "path": "/api/chat", "data": "x" * (65 * 1024), "content_type": "application/json"},
     413, "payload_too_large"),
])
def test_security_api_errors_are_json_shape(client, kwargs, status, code):
    response = client.open(kwargs.pop("path"), **kwargs)
    assert response.status_code == status
    assert response.get_json() == {"error": {"code": code, "message": response.get_json()["error"]["message"]}}
    if status == 405:
        assert "POST" in response.headers["Allow"]


def test_security_api_415_and_500_are_json_shape(app):
    from werkzeug.exceptions import UnsupportedMediaType

    @app.post("/api/test-415")
    def unsupported():
        raise UnsupportedMediaType()

    @app.post("/api/test-500")
    def broken():
        raise RuntimeError("secret internals /etc/passwd")

    client = app.test_client()
    response = client.post("/api/test-415")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    response = client.post("/api/test-500")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "passwd" not in response.get_data(as_text=True)


def test_security_pages_get_html_errors(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_security_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINICBOT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set in production"):
        open_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path / "i"),
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert not (tmp_path / "i" / "secret_key").exists()


def test_security_production_starts_with_key_and_shared_storage(tmp_path, index_dir):
    app = make_app({"ENV_NAME": "production", "SECRET_KEY": "a-real-secret-key", "INDEX_DIR": str(index_dir),
                      "INSTANCE_PATH": str(tmp_path / "i"), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert app.config["SECRET_KEY"] == "a-real-secret-key"


def _hosts_app(tmp_path, index_dir, trusted):
    return open_app({"INSTANCE_PATH": str(tmp_path / "h"), "INDEX_DIR": str(index_dir), "SECRET_KEY": "k",
                       "TRUSTED_HOSTS": trusted})


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/staff/login"), ("GET", "/staff"),
                                          ("GET", "/kiosk"), ("GET", "/nowhere"), ("POST", "/api/chat"),
                                          ("GET", "/healthz")])
def test_security_untrusted_host_is_400_everywhere(tmp_path, index_dir, method, path):
    """F8: pages too, not only the API: the error page itself must not need the untrusted host."""
    client = _hosts_app(tmp_path, index_dir, "bot.example").test_client()
    response = client.open(path, method=method, base_url="http://evil.example", json={"message": "knee"})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "bad_request"
    else:
        assert response.mimetype == "text/html" and "evil.example" not in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/staff", "/staff/", "/staff/log"])
def test_security_redirects_never_echo_an_untrusted_host(tmp_path, index_dir, path):
    """F9: with TRUSTED_HOSTS unset, Location is relative, never http://<whatever Host said>/..."""
    client = _hosts_app(tmp_path, index_dir, None).test_client()
    response = client.get(path, base_url="http://evil.example")
    assert 300 <= response.status_code < 400
    assert "evil.example" not in response.headers["Location"]
    assert response.headers["Location"].startswith("/")
