"""The HTML pages."""

from __future__ import annotations

import re

import pytest


def test_chat_page_renders_with_notice_and_assets(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Victory Performance and Physical Therapy" in html
    assert "Not medical advice." in html
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert "/static/chat.js" in html and "/static/chat.css" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_chat_page_escapes_configured_text(app, client):
    app.config["CLINIC_NAME"] = "<img src=x onerror=alert(1)>"
    html = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_page_is_html_404(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_responses_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path,script", [("/", "chat.js"), ("/widget/frame", "chat.js"), ("/kiosk", "kiosk.js"),
                                         ("/staff/login", "staff.js")])
def test_pages_load_the_shared_dom_helpers_before_their_script(client, path, script):
    response = client.get(path)
    assert response.status_code == 200
    scripts = re.findall(r'<script src="/static/([\w.]+?)(?:\?[^"]*)?"', response.get_data(as_text=True))
    assert scripts.index("dom.js") < scripts.index(script), scripts


@pytest.mark.parametrize("path", ["/", "/kiosk", "/widget/frame", "/staff/login"])
def test_every_surface_links_the_favicon(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in response.get_data(as_text=True)


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
