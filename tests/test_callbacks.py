"""Call-back hand-offs: the API's validation, the emergency refusal, the staff queue and retention."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from store import callbacks, inquiries
from store.models import Callback, utcnow
from tests.staffkit import csrf_token, login, make_account
from web import db

GOOD = {"name": "Ana", "phone": "(424) 555-0188", "preferred_time": "weekday mornings", "consent": True,
        "message": "my shin hurts when I run, email me at ana@example.com", "channel": "widget",
        "conversation_id": "conv-1"}


def test_callback_queued_with_conversation_summary(db_app, db_client):
    chat = db_client.post("/api/chat", json={"message": "shin pain when running", "channel": "widget",
                                             "conversation_id": "conv-1"})
    assert chat.status_code == 200
    response = db_client.post("/api/callback", json={**GOOD, "conversation_id": chat.get_json()["conversation_id"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "received" and "weekday mornings" in body["message"] and body["disclaimer"]
    assert re.fullmatch(r"CB-\d{4,}", body["reference"])  # read out over the phone
    with db.session_scope(db_app) as session:
        [callback] = session.scalars(select(Callback)).all()
        read = callbacks.sections_read(callback)
    assert callback.name == "Ana" and callback.phone == "(424) 555-0188" and callback.consent is True
    assert callback.triage_level == "routine"
    assert callback.region == "shin"
    assert read and all(s["url"].startswith("https://") for s in read)
    assert "ana@example.com" not in callback.words and "[email]" in callback.words
    assert callback.status == "open"


@pytest.mark.parametrize("change, code", [
    ({"consent": False}, "consent_required"),
    ({"consent": "yes"}, "consent_required"),
    ({"name": ""}, "missing_name"),
    ({"name": None}, "missing_name"),
    ({"name": 5}, "invalid_name"),
    ({"name": "x" * 101}, "invalid_name"),
    ({"phone": None, "email": None}, "missing_contact"),
    ({"phone": "call me"}, "invalid_phone"),
    ({"phone": "12345"}, "invalid_phone"),
    ({"phone": None, "email": "not-an-email"}, "invalid_email"),
    ({"channel": "fax"}, "invalid_channel"),
    ({"conversation_id": "has space"}, "invalid_conversation_id"),
    ({"message": "x" * 2001}, "invalid_message"),
])
def test_callback_rejects_bad_input(client, change, code):
    response = client.post("/api/callback", json={**GOOD, **change})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_callback_names_every_wrong_field_at_once(client):
    response = client.post("/api/callback", json={**GOOD, "consent": False, "name": "", "phone": "12",
                                                   "email": "nope"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "consent_required"  # the first, as before
    assert [f["code"] for f in error["fields"]] == ["consent_required", "missing_name", "invalid_phone",
                                                    "invalid_email"]
    assert all(f["message"] for f in error["fields"])


def test_callback_rejects_non_object(client):
    response = client.post("/api/callback", data="nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_callback_refused_for_emergency_message(app, client):
    response = client.post("/api/callback", json={**GOOD, "message": "crushing chest pain and can't breathe"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "emergency" and "911" in error["message"]
    with db.session_scope(app) as session:
        assert session.scalars(select(Callback)).all() == []


def test_callback_refused_after_emergency_in_conversation(client):
    chat = client.post("/api/chat", json={"message": "crushing chest pain and can't breathe", "conversation_id": "e-1"})
    response = client.post("/api/callback", json={**GOOD, "message": "",
                                                  "conversation_id": chat.get_json()["conversation_id"]})
    assert response.status_code == 409


def test_staff_queue_shows_summary_and_marks_done(app, client):
    chat = client.post("/api/chat", json={"message": "shin pain when running", "conversation_id": "conv-1"})
    assert client.post("/api/callback", json={**GOOD, "conversation_id": chat.get_json()["conversation_id"]}
                       ).status_code == 201
    make_account(app)
    login(client)
    page = client.get("/staff/callbacks")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Waiting (1)" in text and "Ana" in text and "weekday mornings" in text
    assert 'href="tel:(424)555-0188"' in text
    assert "Shin" in text or "shin" in text
    with db.session_scope(app) as session:
        callback_id = session.scalar(select(Callback.id))
    token = csrf_token(client, "/staff/callbacks")
    done = client.post(f"/staff/callbacks/{callback_id}/done", data={"csrf_token": token})
    assert done.status_code == 302
    assert "Waiting (0)" in client.get("/staff/callbacks").get_data(as_text=True)
    with db.session_scope(app) as session:
        callback = session.get(Callback, callback_id)
    assert callback.status == "done" and callback.done_by == "desk@example.com"
    assert callback.personal_expires_at > utcnow() + timedelta(days=29)
    missing = client.post("/staff/callbacks/9999/done", data={"csrf_token": token})
    assert missing.status_code == 404


def test_done_callback_contacts_purged_after_retention(db_app):
    with db.session_scope(db_app) as session:
        callback = callbacks.create(session, channel="widget", conversation_id=None, name="Ana", phone="5550188",
                                    email=None, preferred_time=None, consent=True, words="shin")
        session.flush()
        callbacks.mark_done(session, callback.id, "desk@example.com", 30, now=utcnow() - timedelta(days=31))
    with db.session_scope(db_app) as session:
        assert inquiries.purge(session).callbacks == 1
    with db.session_scope(db_app) as session:
        callback = session.scalar(select(Callback))
    assert callback.name is None and callback.phone is None and callback.words is None
    assert callback.status == "done" and callback.triage_level == "none"


def test_done_callback_with_zero_retention_erased_at_once(app):
    with db.session_scope(app) as session:
        callback = callbacks.create(session, channel="kiosk", conversation_id=None, name="Ana", phone=None,
                                    email="a@example.com", preferred_time=None, consent=True, words=None)
        session.flush()
        callbacks.mark_done(session, callback.id, "desk@example.com", 0)
    with db.session_scope(app) as session:
        assert session.scalar(select(Callback.email)) is None


def test_callback_region_from_own_words_without_conversation(app, client):
    response = client.post("/api/callback", json={**GOOD, "conversation_id": None,
                                                  "message": "my heel hurts in the morning"})
    assert response.status_code == 201
    with db.session_scope(app) as session:
        assert session.scalar(select(Callback.region)) == "heel_achilles"


def test_staff_queue_pages_and_sorts_after_a_flood(app, client):
    """F3: after a flood of requests the newest genuine one is reachable: sorted newest first, or by paging."""
    from datetime import timedelta

    start = utcnow() - timedelta(days=1)
    with db.session_scope(app) as session:
        for n in range(130):
            callbacks.create(session, channel="widget", conversation_id=None, name=f"Flood {n}", phone="5550100",
                             email=None, preferred_time=None, consent=True, words=None,
                             now=start + timedelta(seconds=n))
        callbacks.create(session, channel="widget", conversation_id=None, name="Genuine Person", phone="5550188",
                         email=None, preferred_time=None, consent=True, words=None, now=utcnow())
    make_account(app)
    login(client)
    first = client.get("/staff/callbacks")
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    assert "Waiting (131)" in text and "Genuine Person" not in text
    assert "sort=newest" in text and "page=2" in text
    newest = client.get("/staff/callbacks?sort=newest").get_data(as_text=True)
    assert "Genuine Person" in newest and "Flood 0<" not in newest
    last = client.get(f"/staff/callbacks?page={-(-131 // callbacks.PAGE_SIZE)}").get_data(as_text=True)
    assert "Genuine Person" in last
    assert client.get("/staff/callbacks?page=999").status_code == 200
    assert client.get("/staff/callbacks?sort=bogus&page=x").status_code == 200


def test_staff_queue_sorts_the_urgent_first(app, client):
    with db.session_scope(app) as session:
        for n in range(3):
            callbacks.create(session, channel="widget", conversation_id=None, name=f"Routine {n}", phone="5550100",
                             email=None, preferred_time=None, consent=True, words=None)
        callbacks.create(session, channel="widget", conversation_id=None, name="Urgent One", phone="5550100",
                         email=None, preferred_time=None, consent=True, words=None, triage_level="urgent")
    make_account(app)
    login(client)
    text = client.get("/staff/callbacks?sort=urgent").get_data(as_text=True)
    assert text.index("Urgent One") < text.index("Routine 0")
