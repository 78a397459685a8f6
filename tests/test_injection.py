"""XSS payloads (../shared/extern/xss-payloads.txt) against the API: as messages and planted in a feed.

Through the API no payload may come back as markup: snippet_html holds escaped
text with <mark> only, links are only http(s) (tel: for the call button), and
nothing is echoed. The same payloads are driven through a real browser in
tests/browser/test_injection_browser.py.
"""

from __future__ import annotations

import shutil

import pytest

from index import search
from index.live import build_from_feed
from tests import appkit
from tests.adversarial import answer_problems, load_payloads, marker, write_planted_feed
from tests.appkit import make_app
from web.api.blueprint import CHANNELS


@pytest.fixture(scope="module")
def payloads():
    """The payload list, read once."""
    return load_payloads()


@pytest.fixture(scope="module")
def bundled_client(tmp_path_factory, built_index_dir):
    """The API over the bundled index, shared by the module."""
    root = tmp_path_factory.mktemp("inject-bundled")
    shutil.copytree(built_index_dir, root / "index")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(root / "instance"),
                    "INDEX_DIR": str(root / "index"), "SECRET_KEY": "inject"})
    yield app.test_client()
    appkit.close(app)


@pytest.fixture(scope="module")
def planted(tmp_path_factory, payloads):
    """(client, build result, index) over a feed with every payload planted in its own post."""
    root = tmp_path_factory.mktemp("inject-planted")
    feed = write_planted_feed(root / "planted.rss.xml", payloads)
    result = build_from_feed(str(feed), root / "index")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(root / "instance"), "INDEX_DIR": str(root / "index"),
                    "FEED": str(feed), "SECRET_KEY": "inject"})
    yield app.test_client(), result, search.load(root / "index")
    appkit.close(app)


def test_injection_payload_list_is_the_documented_one(payloads):
    assert len(payloads) == 233


@pytest.mark.parametrize("channel", CHANNELS)
def test_injection_every_payload_as_message_is_answered_inertly(bundled_client, payloads, channel):
    failures = {}
    for payload in payloads:
        response = bundled_client.post("/api/chat", json={"message": payload, "channel": channel,
                                                          "context": payload})
        if response.status_code != 200:
            failures[payload] = f"status {response.status_code}"
            continue
        problems = answer_problems(response.get_json(), payload)
        if problems:
            failures[payload] = problems
    assert failures == {}


def test_injection_payload_with_matching_words_keeps_snippet_escaped(bundled_client, payloads):
    # The payload words next to a real complaint, so the answer carries snippets built around them.
    failures = {}
    for payload in payloads:
        response = bundled_client.post("/api/chat", json={"message": f"outer knee pain running {payload}"})
        assert response.status_code == 200
        body = response.get_json()
        problems = answer_problems(body, payload)
        if problems or not body["results"]:
            failures[payload] = problems or "no results"
    assert failures == {}


def test_injection_planted_feed_indexes_every_post(planted, payloads):
    _, result, index = planted
    assert result.n_posts == len(payloads)
    assert {p["guid"] for p in index.posts} == {marker(i) for i in range(len(payloads))}
    for section in index.sections:
        assert section["post_url"] == "" or section["post_url"].startswith("https://clinic.example/")
    assert index.manifest["booking"]["url"] in (None,) or index.manifest["booking"]["url"].startswith("http")


def test_injection_planted_posts_are_answered_inertly(planted, payloads):
    client, _, index = planted
    failures = {}
    for number, payload in enumerate(payloads):
        response = client.post("/api/chat", json={"message": f"{marker(number)} knee pain stretches"})
        assert response.status_code == 200
        body = response.get_json()
        problems = answer_problems(body, payload)
        if not body["results"] or marker(number) not in body["results"][0]["post_title"]:
            problems.append("the planted post was not the top answer")
        if problems:
            failures[number] = problems
    assert failures == {}


def test_injection_payload_as_clinic_name_is_escaped_in_the_page(tmp_path, built_index_dir, payloads):
    # Operator settings reach the page too (heading, embedded JSON config); they must arrive as text.
    shutil.copytree(built_index_dir, tmp_path / "index")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "INDEX_DIR": str(tmp_path / "index"), "SECRET_KEY": "inject"})
    client = app.test_client()
    failures = []
    for payload in payloads:
        app.config["CLINIC_NAME"] = payload
        response = client.get("/")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        if any(ch in payload for ch in "<>") and payload in page:
            failures.append(payload)
    assert failures == []


def test_injection_payload_as_widget_greeting_is_escaped_in_the_frame(bundled_client, payloads):
    # The loader passes the host page's data-greeting to /widget/frame in the URL: anyone can craft it.
    from web.widget import MAX_GREETING_CHARS

    failures = []
    for payload in payloads:
        response = bundled_client.get("/widget/frame", query_string={"greeting": payload})
        assert response.status_code == 200
        shown = payload.strip()[:MAX_GREETING_CHARS]
        if any(ch in shown for ch in "<>") and shown in response.get_data(as_text=True):
            failures.append(payload)
    assert failures == []
