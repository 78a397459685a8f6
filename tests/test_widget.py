"""The widget's server side: loader caching, the frame's framing policy, config validation."""

from __future__ import annotations

import json
import re

import pytest
from flask import url_for

from tests.appkit import make_app
from web.config import ConfigError
from web.widget import origin_allowed

HOST = "https://www.example-clinic.com"


@pytest.fixture
def widget_app(tmp_path, index_dir):
    """The app with one allowed host origin."""
    return make_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "INDEX_DIR": str(index_dir),
        "SECRET_KEY": "test-secret-key",
        "WIDGET_ORIGINS": f"{HOST}, https://*.example-group.org",
    })


@pytest.fixture
def widget_client(widget_app):
    """A client of the app with an allowlist."""
    return widget_app.test_client()


def frame_config(response) -> dict:
    """The JSON config the frame page hands to chat.js."""
    html = response.get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="chat-config">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_loader_is_javascript_cacheable_for_an_hour(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    assert "__clinicbotWidget" in response.get_data(as_text=True)


def test_loader_answers_conditional_request_with_304(client):
    etag = client.get("/widget.js").headers["ETag"]
    response = client.get("/widget.js", headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_versioned_loader_is_immutable_and_unknown_version_is_404(app, client):
    with app.test_request_context():
        url = url_for("widget.versioned_loader", version=app.extensions["clinicbot_widget"]["version"])
    assert re.fullmatch(r"/widget-[0-9a-f]{12}\.js", url)
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/widget-000000000000.js").status_code == 404


def test_loader_makes_no_third_party_requests(client):
    """The loader only ever talks to the origin it was loaded from (no fonts, CDNs, analytics)."""
    source = client.get("/widget.js").get_data(as_text=True)
    urls = set(re.findall(r"https?://[^\s\"')]+", source))
    assert urls <= {"http://www.w3.org/2000/svg", "https://BOT_HOST/widget.js"}


def test_frame_allows_only_configured_ancestors(widget_client):
    response = widget_client.get(f"/widget/frame?origin={HOST}")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {HOST} https://*.example-group.org" in csp
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in csp
    assert response.headers["Cache-Control"] == "no-store"


def test_frame_without_allowlist_cannot_be_framed(client):
    response = client.get("/widget/frame?origin=https://evil.example")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert frame_config(response)["parentOrigin"] is None


@pytest.mark.parametrize("path", ["/", "/widget.js", "/no-such-page"])
def test_other_routes_keep_frame_ancestors_none(widget_client, path):
    response = widget_client.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("origin,expected", [
    (HOST, HOST),
    ("https://shop.example-group.org", "https://shop.example-group.org"),
    ("https://evil.example", None),
    ("https://www.example-clinic.com.evil.example", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_frame_posts_messages_only_to_an_allowed_parent(widget_client, origin, expected):
    response = widget_client.get("/widget/frame", query_string={"origin": origin})
    assert response.status_code == 200
    assert frame_config(response)["parentOrigin"] == expected


def test_frame_validates_accent_and_escapes_greeting(widget_client):
    response = widget_client.get("/widget/frame", query_string={
        "origin": HOST, "accent": "red;}</style>", "greeting": "<img src=x onerror=alert(1)> Hello"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<img src=x" not in html
    config = frame_config(response)
    assert config["accent"] is None
    assert config["greeting"] == "<img src=x onerror=alert(1)> Hello"
    assert config["channel"] == "widget"
    assert "Not medical advice." in html
    assert "<script>" not in html
    assert re.search(r'<textarea[^>]*\bdisabled\b', html)  # enabled by chat.js, never submitted natively


def test_frame_keeps_a_valid_accent(widget_client):
    response = widget_client.get("/widget/frame", query_string={"origin": HOST, "accent": "#AA3377"})
    assert frame_config(response)["accent"] == "#AA3377"


def test_create_app_refuses_bad_widget_origins(tmp_path, index_dir):
    with pytest.raises(ConfigError, match="CLINICBOT_WIDGET_ORIGINS: 'https://bad.example/x'"):
        make_app({"INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir), "SECRET_KEY": "k",
                    "WIDGET_ORIGINS": "https://ok.example https://bad.example/x"})


@pytest.mark.parametrize("origin,allowed", [
    ("https://a.example", True),
    ("https://sub.b.example", True),
    ("https://b.example", False),
    ("http://sub.b.example", False),
    ("https://evilb.example", False),
])
def test_origin_allowed_matches_exact_and_wildcard_entries(origin, allowed):
    assert origin_allowed(origin, ("https://a.example", "https://*.b.example")) is allowed
