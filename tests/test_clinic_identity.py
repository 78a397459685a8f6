"""Another clinic's feed, end to end: every surface names that clinic, never the bundled one.

The Kibworth osteopaths' feed is read in place from ../shared (shared_path). Its
channel title names the clinic; its posts advertise no booking link the bundled
clinic's would be mistaken for. Replies, the chat page, the widget frame, the
kiosk, the desk's draft, the call-back confirmation and the error pages are all
served and read.
"""

from __future__ import annotations

import pytest

from index.live import build_from_feed
from tests.appkit import make_app
from tests.conftest import shared_path
from tests.staffkit import csrf_token, login, make_account
from web.clinic import name_from_title

BUNDLED = ("victory", "culver", "424-", "victoryperformancept")
KIBWORTH = "Kibworth Osteopaths & Pilates"
MESSAGES = ("put my back out lifting a big plant pot", "hi", "book an appointment", "do you sell gift cards?",
            "crushing chest pain spreading to my left arm", "my knees ache when I garden")


@pytest.fixture(scope="module")
def kibworth_feed():
    return str(shared_path("eval", "corpora", "kibworth-osteo", "feed.rss.xml"))


@pytest.fixture(scope="module")
def kibworth_index(tmp_path_factory, kibworth_feed):
    folder = tmp_path_factory.mktemp("kibworth") / "index"
    build_from_feed(kibworth_feed, folder)
    return folder


@pytest.fixture
def kibworth_app(tmp_path, kibworth_index, kibworth_feed):
    return make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "FEED": kibworth_feed,
                     "INDEX_DIR": str(kibworth_index)})


def assert_not_bundled(text: str, where: str) -> None:
    lowered = text.lower()
    found = [word for word in BUNDLED if word in lowered]
    assert not found, f"{where} names the bundled clinic: {found}"


@pytest.mark.parametrize(("title", "name"), [
    ("Kibworth Osteopaths &amp; Pilates - Blog".replace("&amp;", "&"), KIBWORTH),
    ("Back Pain – AT Surgical", "AT Surgical"),
    ("Blog", ""),
    ("News | Riverside Physio", "Riverside Physio"),
    ("", ""),
])
def test_name_from_title_keeps_the_site_name(title, name):
    assert name_from_title(title) == name


def test_kibworth_pages_name_kibworth(kibworth_app):
    client = kibworth_app.test_client()
    for path in ("/", "/widget/frame", "/kiosk", "/kiosk/config.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert_not_bundled(page, path)
        if path != "/kiosk/config.json":
            assert "Kibworth Osteopaths &amp; Pilates" in page, path


def test_kibworth_error_pages_do_not_name_the_bundled_clinic(kibworth_app):
    client = kibworth_app.test_client()
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert_not_bundled(response.get_data(as_text=True), "404 page")
    response = client.get("/api/chat")
    assert response.status_code == 405
    assert_not_bundled(response.get_data(as_text=True), "405 answer")


@pytest.mark.parametrize("message", MESSAGES)
def test_kibworth_replies_name_kibworth_or_no_one(kibworth_app, message):
    client = kibworth_app.test_client()
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    answer = response.get_json()
    assert_not_bundled(str(answer), f"the answer to {message!r}")
    assert answer["cta"] is None or "victory" not in str(answer["cta"]).lower()


def test_kibworth_back_question_gets_the_back_post(kibworth_app):
    answer = kibworth_app.test_client().post("/api/chat", json={"message": MESSAGES[0]}).get_json()
    assert answer["matched"]
    assert any("back pain" in r["post_title"].lower() for r in answer["results"][:3])


def test_kibworth_callback_confirmation_names_kibworth(kibworth_app):
    client = kibworth_app.test_client()
    response = client.post("/api/callback", json={
        "name": "Ann", "phone": "0116 279 0000", "preferred_time": "mornings", "consent": True,
        "message": "my back hurts", "channel": "widget", "conversation_id": "conv-k"})
    assert response.status_code in (200, 201, 202)
    body = response.get_data(as_text=True)
    assert_not_bundled(body, "call-back confirmation")
    assert KIBWORTH in response.get_json()["message"]


def test_kibworth_desk_draft_and_console_name_kibworth(kibworth_app):
    client = kibworth_app.test_client()
    make_account(kibworth_app)
    login(client)
    page = client.get("/staff/").get_data(as_text=True)
    assert_not_bundled(page, "the console")
    assert "Kibworth Osteopaths &amp; Pilates" in page
    data = {"csrf_token": csrf_token(client, "/staff/"),
            "inquiry": "Jo phoned: put her back out gardening last week, wants to know if we can help."}
    response = client.post("/staff/", data=data)
    assert response.status_code == 200
    draft = response.get_data(as_text=True)
    assert_not_bundled(draft, "the desk draft")
    assert "Kibworth Osteopaths &amp; Pilates" in draft
