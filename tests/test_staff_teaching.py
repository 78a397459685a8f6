"""Teach the bot on the console (web/staff/teaching.py, store/teaching.py, web/teaching.py).

Lessons are stored with who and when, listed, undone with who and when, redacted
before storage, behind the login and CSRF like every console form, and reach
the chat at once on this worker and within TEACHING_CACHE_SECONDS on another.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from store import teaching as store
from store.models import Teaching
from tests.appkit import make_app
from tests.staffkit import EMAIL, csrf_token, login, make_account, store_turn
from web import db

MESSAGE = "the front of my lower leg aches after every jog"
PARAPHRASE = "my lower leg hurts at the front when I jog"
TARGET_HEADING = "Shin Splints (Medial Tibial Stress Syndrome)"
RADIO = re.compile(r'name="section_url" value="([^"]+)"[^>]*>\s*<label[^>]*>\s*'
                   r'<span class="sec-title">([^<]*)</span>\s*<span class="sec-heading">([^<]*)</span>')


@pytest.fixture
def desk(app, client):
    """A logged-in console client."""
    make_account(app)
    login(client)
    return client


def choices(client, **params) -> dict[str, str]:
    """Section heading -> link offered on the teaching page for a message and search."""
    response = client.get("/staff/teaching", query_string=params)
    assert response.status_code == 200
    return {heading: url for url, _, heading in RADIO.findall(response.get_data(as_text=True))}


def teach(client, text: str, url: str, **extra):
    token = csrf_token(client, "/staff/teaching")
    return client.post("/staff/teaching/corrections", data={"text": text, "section_url": url, "csrf_token": token,
                                                            **extra})


def first_heading(app, message: str) -> str | None:
    """What a visitor (another browser) gets first."""
    response = app.test_client().post("/api/chat", json={"message": message})
    assert response.status_code == 200
    results = response.get_json()["results"]
    return results[0]["section_heading"] if results else None


def rows(app) -> list[Teaching]:
    with db.session_scope(app) as session:
        return list(session.scalars(select(Teaching).order_by(Teaching.id)))


def test_teaching_correction_is_stored_listed_and_applied(app, desk):
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    assert TARGET_HEADING in offered
    assert first_heading(app, PARAPHRASE) != TARGET_HEADING
    response = teach(desk, MESSAGE, offered[TARGET_HEADING])
    assert response.status_code == 303
    [row] = rows(app)
    assert row.kind == "correction" and row.created_by == EMAIL and row.created_at is not None
    assert row.section_heading == TARGET_HEADING and row.was_answer and row.undone_at is None
    assert json.loads(row.terms) and "lower_leg" in row.concepts.split(",")
    page = desk.get("/staff/teaching").get_data(as_text=True)
    assert MESSAGE in page and EMAIL in page and TARGET_HEADING in page
    # The same message and one that means the same get the chosen section first.
    assert first_heading(app, MESSAGE) == TARGET_HEADING
    assert first_heading(app, PARAPHRASE) == TARGET_HEADING


def test_teaching_undo_is_recorded_and_stops_the_lesson(app, desk):
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    teach(desk, MESSAGE, offered[TARGET_HEADING])
    [row] = rows(app)
    token = csrf_token(desk, "/staff/teaching")
    assert desk.post(f"/staff/teaching/{row.id}/undo", data={"csrf_token": token}).status_code == 303
    [row] = rows(app)
    assert row.undone_by == EMAIL and row.undone_at is not None
    assert first_heading(app, PARAPHRASE) != TARGET_HEADING
    page = desk.get("/staff/teaching").get_data(as_text=True)
    assert "Undone" in page and MESSAGE in page  # still listed
    assert desk.post("/staff/teaching/999/undo", data={"csrf_token": token}).status_code == 404


def test_teaching_stored_text_and_reading_are_redacted(app, desk):
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    text = f"Hi, my name is Brenda Walsh, call me on 07700 900123 or brenda@example.com: {MESSAGE}"
    assert teach(desk, text, offered[TARGET_HEADING]).status_code == 303
    [row] = rows(app)
    stored = row.text + row.terms
    for private in ("Brenda", "brenda", "walsh", "07700", "900123", "example.com"):
        assert private not in stored
    assert "[name]" in row.text and "[phone]" in row.text and "[email]" in row.text


def test_teaching_phrase_is_stored_and_applied(app, desk):
    message = "my zinger flares up after a long run"
    assert "Achilles" not in (first_heading(app, message) or "")
    token = csrf_token(desk, "/staff/teaching")
    response = desk.post("/staff/teaching/phrases", data={"phrase": "zinger", "lang": "en",
                                                          "meaning": "concept:achilles", "csrf_token": token})
    assert response.status_code == 303
    [row] = rows(app)
    assert (row.kind, row.text, row.concept_id, row.created_by) == ("phrase", "zinger", "achilles", EMAIL)
    assert "Achilles" in (first_heading(app, message) or "")


@pytest.mark.parametrize("data, error", [
    ({"phrase": "the of", "meaning": "concept:achilles"}, "not a stop word"),
    ({"phrase": "zinger", "meaning": "concept:no_such"}, "Choose a topic or a post"),
    ({"phrase": "zinger", "meaning": "post:no-such-post"}, "Choose a topic or a post"),
    ({"phrase": "", "meaning": "concept:achilles"}, "This field is required"),
    ({"phrase": "x" * 81, "meaning": "concept:achilles"}, "between 2 and 80"),
])
def test_teaching_phrase_bad_input_is_a_clear_400(app, desk, data, error):
    token = csrf_token(desk, "/staff/teaching")
    response = desk.post("/staff/teaching/phrases", data={"lang": "en", "csrf_token": token, **data})
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert rows(app) == []


def test_teaching_correction_refuses_red_flags_and_unknown_sections(app, desk):
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    response = teach(desk, "crushing chest pain and I can't breathe", offered[TARGET_HEADING])
    assert response.status_code == 400 and "red-flag" in response.get_data(as_text=True)
    response = teach(desk, MESSAGE, "https://elsewhere.example/post")
    assert response.status_code == 400 and "not in the blog" in response.get_data(as_text=True)
    response = teach(desk, MESSAGE, "")
    assert response.status_code == 400 and "Choose the section" in response.get_data(as_text=True)
    assert rows(app) == []


def test_teaching_page_shows_red_flag_answer_without_sections(desk):
    response = desk.get("/staff/teaching", query_string={"text": "crushing chest pain and I can't breathe"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lessons never change a red-flag answer" in page and 'name="section_url"' not in page


@pytest.mark.parametrize("path, data", [
    ("/staff/teaching/corrections", {"text": MESSAGE, "section_url": "x"}),
    ("/staff/teaching/phrases", {"phrase": "zinger", "meaning": "concept:achilles"}),
    ("/staff/teaching/1/undo", {}),
])
def test_teaching_posts_need_csrf_and_login(app, client, path, data):
    make_account(app)
    assert client.post(path, data=data).status_code in (400, 401)  # anonymous
    login(client)
    assert client.post(path, data=data).status_code == 400  # no token
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    assert rows(app) == []


def test_teaching_page_needs_login(client):
    response = client.get("/staff/teaching")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_teaching_from_the_log_and_the_gaps(app, desk):
    with db.session_scope(app) as session:
        turn_id = store_turn(session, channel="web", answer={"matched": False, "triage": {"level": "none"}},
                             redacted_text="do you have anything about [name]'s zinger", retention_days=30)
    log = desk.get("/staff/log").get_data(as_text=True)
    assert f"/staff/teaching?turn={turn_id}" in log
    page = desk.get("/staff/teaching", query_string={"turn": turn_id, "source": "log"}).get_data(as_text=True)
    assert "do you have anything about [name]&#39;s zinger" in page
    assert 'name="source" value="log"' in page
    reports = desk.get("/staff/reports").get_data(as_text=True)
    assert "/staff/teaching?text=" in reports and "source=gaps" in reports


def test_teaching_store_versions_change_with_each_lesson(db_app):
    section = {"section_url": "https://blog.example/a", "post_slug": "a", "post_title": "A", "heading": "H"}
    with db.session_scope(db_app) as session:
        empty = store.version(session)
        row = store.add_correction(session, who="a@example.com", redacted_text="knee", lang="en",
                                   terms={"knee": 1}, concepts=["knee"], section=section)
        added = store.version(session)
        store.add_phrase(session, who="b@example.com", redacted_phrase="heel cord", lang="en", concept_id="achilles")
        assert store.undo(session, row.id, "c@example.com").undone_by == "c@example.com"
        assert store.undo(session, row.id, "d@example.com").undone_by == "c@example.com"  # the first stands
        undone = store.version(session)
        assert len({empty, added, undone}) == 3
        assert [r.kind for r in store.active(session)] == ["phrase"]
        assert [r.kind for r in store.listing(session)] == ["phrase", "correction"]
        assert store.undo(session, 12345, "x@example.com") is None


def test_teaching_reaches_another_app_server_on_the_same_database(app, desk, tmp_path, index_dir):
    other = make_app({"INSTANCE_PATH": str(tmp_path / "other"), "INDEX_DIR": str(index_dir),
                      "DATABASE_URL": db.database(app).url, "TEACHING_CACHE_SECONDS": 0})
    assert first_heading(other, PARAPHRASE) != TARGET_HEADING  # read (and cached) before the lesson
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    teach(desk, MESSAGE, offered[TARGET_HEADING])
    assert first_heading(other, PARAPHRASE) == TARGET_HEADING


def test_teaching_keeps_no_text_when_the_log_keeps_none(app, desk):
    app.config["RETENTION_DAYS"] = 0
    offered = choices(desk, text=MESSAGE, q="shin splints shockwave")
    assert teach(desk, MESSAGE, offered[TARGET_HEADING]).status_code == 303
    [row] = rows(app)
    assert row.text == "" and json.loads(row.terms)
    assert "text not kept" in desk.get("/staff/teaching").get_data(as_text=True)
    assert first_heading(app, PARAPHRASE) == TARGET_HEADING
