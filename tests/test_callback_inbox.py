"""The call-back inbox: owners, notes and outcomes kept as history, views and counts, local times and waits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from store import callbacks
from store.models import Callback, CallbackEvent, utcnow
from tests.appkit import make_app
from tests.staffkit import csrf_token, login, make_account
from web import db
from web.config import ConfigError
from web.staff.localtime import waited

OTHER = "second@example.com"


def queue_one(app, name="Ana Example", minutes_ago=90, level="none", **fields) -> int:
    """Store one open request received ``minutes_ago``; its id."""
    with db.session_scope(app) as session:
        callback = callbacks.create(session, channel="widget", conversation_id=None, name=name, phone="4245550188",
                                    email=None, preferred_time=None, consent=True, words="shin pain",
                                    triage_level=level, now=utcnow() - timedelta(minutes=minutes_ago), **fields)
        session.flush()
        return callback.id


@pytest.fixture
def inbox(app, client):
    """A logged-in client, a second staff account and one waiting request."""
    make_account(app)
    make_account(app, OTHER)
    login(client)
    return client


def post(client, path, **data):
    """POST a console form with a valid CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/staff/callbacks"), **data})


def events(app, callback_id):
    with db.session_scope(app) as session:
        return [(e.kind, e.by, e.owner, e.outcome, e.note, e.created_at)
                for e in session.scalars(select(CallbackEvent).where(CallbackEvent.callback_id == callback_id)
                                         .order_by(CallbackEvent.id))]


def test_inbox_assign_to_me_another_and_nobody_is_history(app, inbox):
    cb = queue_one(app)
    assert post(inbox, f"/staff/callbacks/{cb}/assign", owner="me").status_code == 302
    assert post(inbox, f"/staff/callbacks/{cb}/assign", owner=OTHER).status_code == 302
    assert post(inbox, f"/staff/callbacks/{cb}/assign", owner="").status_code == 302
    history = events(app, cb)
    assert [(k, by, owner) for k, by, owner, *_ in history] == [
        ("assign", "desk@example.com", "desk@example.com"), ("assign", "desk@example.com", OTHER),
        ("assign", "desk@example.com", None)]
    with db.session_scope(app) as session:
        assert session.get(Callback, cb).owner is None


def test_inbox_assign_refuses_someone_without_an_account(app, inbox):
    cb = queue_one(app)
    response = post(inbox, f"/staff/callbacks/{cb}/assign", owner="stranger@example.com")
    assert response.status_code == 303
    assert "no console account" in inbox.get("/staff/callbacks").get_data(as_text=True)
    assert events(app, cb) == []
    assert post(inbox, "/staff/callbacks/9999/assign", owner="me").status_code == 404


def test_inbox_note_is_redacted_before_storage(app, inbox):
    cb = queue_one(app)
    note = "Caller (Bob, 67) asked us to ring Maria Gomez on 424-555-0101 or bob@example.com after 5"
    assert post(inbox, f"/staff/callbacks/{cb}/note", note=note).status_code == 302
    [(kind, by, _, _, stored, _)] = events(app, cb)
    assert kind == "note" and by == "desk@example.com"
    assert "Bob" not in stored and "Maria" not in stored and "0101" not in stored and "@" not in stored
    assert stored.startswith("Caller ([name], 67) asked us to ring [name] on [phone]")
    page = inbox.get("/staff/callbacks").get_data(as_text=True)
    assert "Caller ([name], 67)" in page


@pytest.mark.parametrize("note", ["", "   ", "x" * (callbacks.MAX_NOTE_CHARS + 1)])
def test_inbox_note_refuses_empty_or_long_text(app, inbox, note):
    cb = queue_one(app)
    assert post(inbox, f"/staff/callbacks/{cb}/note", note=note).status_code == 303
    assert events(app, cb) == []


def test_inbox_outcomes_are_kept_as_history_and_booked_closes(app, inbox):
    cb = queue_one(app)
    assert post(inbox, f"/staff/callbacks/{cb}/outcome", outcome="no_answer").status_code == 302
    with db.session_scope(app) as session:
        callback = session.get(Callback, cb)
        assert callback.status == "open" and callback.outcome == "no_answer"
    assert post(inbox, f"/staff/callbacks/{cb}/outcome", outcome="left_voicemail",
                note="left msg for Ana Lopez").status_code == 302
    assert post(inbox, f"/staff/callbacks/{cb}/outcome", outcome="booked").status_code == 302
    history = events(app, cb)
    assert [(kind, outcome) for kind, _, _, outcome, _, _ in history] == [
        ("outcome", "no_answer"), ("outcome", "left_voicemail"), ("outcome", "booked")]
    assert history[1][4] == "left msg for [name]"
    assert all(by == "desk@example.com" and at is not None for _, by, _, _, _, at in history)
    with db.session_scope(app) as session:
        callback = session.get(Callback, cb)
        assert callback.status == "done" and callback.outcome == "booked" and callback.done_by == "desk@example.com"
    done = inbox.get("/staff/callbacks?view=done").get_data(as_text=True)
    assert "Booked" in done and "No answer" in done and "Left voicemail" in done


@pytest.mark.parametrize("outcome", ["", "maybe", "BOOKED"])
def test_inbox_outcome_must_be_one_of_the_four(app, inbox, outcome):
    cb = queue_one(app)
    assert post(inbox, f"/staff/callbacks/{cb}/outcome", outcome=outcome).status_code == 303
    assert events(app, cb) == []


def test_inbox_referred_elsewhere_closes_and_voicemail_does_not(app, inbox):
    first, second = queue_one(app, "First"), queue_one(app, "Second")
    post(inbox, f"/staff/callbacks/{first}/outcome", outcome="referred")
    post(inbox, f"/staff/callbacks/{second}/outcome", outcome="left_voicemail")
    with db.session_scope(app) as session:
        assert session.get(Callback, first).status == "done"
        assert session.get(Callback, second).status == "open"


def test_inbox_views_and_badge_agree_with_the_list(app, inbox):
    ids = [queue_one(app, f"Person {n}", minutes_ago=100 - n) for n in range(4)]
    post(inbox, f"/staff/callbacks/{ids[0]}/assign", owner="me")
    post(inbox, f"/staff/callbacks/{ids[1]}/assign", owner=OTHER)
    post(inbox, f"/staff/callbacks/{ids[2]}/outcome", outcome="booked")
    page = inbox.get("/staff/callbacks").get_data(as_text=True)
    badge = re.search(r'<span class="badge">(\d+)</span>', page).group(1)
    assert badge == "3" and "Waiting (3)" in page and page.count('class="panel callback ') == 3
    mine = inbox.get("/staff/callbacks?view=mine").get_data(as_text=True)
    assert "Person 0" in mine and "Person 1" not in mine and "Mine (1)" in mine
    unassigned = inbox.get("/staff/callbacks?view=unassigned").get_data(as_text=True)
    assert "Person 3" in unassigned and "Person 0" not in unassigned
    done = inbox.get("/staff/callbacks?view=done").get_data(as_text=True)
    assert "Person 2" in done and "Done (1)" in done
    assert inbox.get("/staff/callbacks?view=bogus").status_code == 200


def test_inbox_sorts_untried_first_by_status(app, inbox):
    tried = queue_one(app, "Tried Once", minutes_ago=500)
    queue_one(app, "Never Tried", minutes_ago=10)
    post(inbox, f"/staff/callbacks/{tried}/outcome", outcome="no_answer")
    oldest = inbox.get("/staff/callbacks").get_data(as_text=True)
    assert oldest.index("Tried Once") < oldest.index("Never Tried")
    by_status = inbox.get("/staff/callbacks?sort=status").get_data(as_text=True)
    assert by_status.index("Never Tried") < by_status.index("Tried Once")


def test_inbox_pages_keep_view_and_sort(app, inbox):
    with db.session_scope(app) as session:
        for n in range(callbacks.PAGE_SIZE + 5):
            callbacks.create(session, channel="widget", conversation_id=None, name=f"Flood {n}", phone="5550100",
                             email=None, preferred_time=None, consent=True, words=None,
                             now=utcnow() - timedelta(minutes=1000 - n))
    first = inbox.get("/staff/callbacks?sort=newest").get_data(as_text=True)
    assert "Flood 54<" in first and "Flood 0<" not in first
    assert re.search(r'href="[^"]*(?=[^"]*sort=newest)(?=[^"]*page=2)[^"]*" rel="next"', first)
    second = inbox.get("/staff/callbacks?sort=newest&page=2").get_data(as_text=True)
    assert "Flood 0<" in second and "Showing 51–55 of" in second


def test_inbox_shows_clinic_local_time_and_wait(tmp_path, index_dir):
    app = make_app({"INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                    "CLINIC_TIME_ZONE": "Europe/London"})
    client = app.test_client()
    make_account(app)
    login(client)
    with db.session_scope(app) as session:
        callbacks.create(session, channel="widget", conversation_id=None, name="Winter Caller", phone="5550100",
                         email=None, preferred_time=None, consent=True, words=None,
                         now=datetime(2026, 1, 15, 14, 5))
        callbacks.create(session, channel="widget", conversation_id=None, name="Summer Caller", phone="5550100",
                         email=None, preferred_time=None, consent=True, words=None,
                         now=datetime(2026, 7, 15, 14, 5))
    page = client.get("/staff/callbacks").get_data(as_text=True)
    assert "Thu 15 Jan 2026, 14:05 GMT" in page and "Wed 15 Jul 2026, 15:05 BST" in page
    assert 'datetime="2026-07-15T15:05+01:00"' in page
    assert re.search(r"Waiting</span> <strong>\d+ days", page)


def test_default_time_zone_is_the_bundled_clinics(app, client):
    make_account(app)
    login(client)
    with db.session_scope(app) as session:
        callbacks.create(session, channel="widget", conversation_id=None, name="Ana", phone="5550100", email=None,
                         preferred_time=None, consent=True, words=None, now=datetime(2026, 1, 15, 14, 5))
    assert "Thu 15 Jan 2026, 06:05 PST" in client.get("/staff/callbacks").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "Nowhere"])
def test_unknown_time_zone_stops_the_start(tmp_path, zone):
    with pytest.raises(ConfigError, match="CLINICBOT_CLINIC_TIME_ZONE"):
        make_app({"INSTANCE_PATH": str(tmp_path), "CLINIC_TIME_ZONE": zone, "LOAD_INDEX_AT_START": False})


@pytest.mark.parametrize("minutes, expected", [(0, "just now"), (25, "25 min"), (60, "1 h"), (190, "3 h 10 min"),
                                               (60 * 24, "1 day"), (60 * 52, "2 days 4 h")])
def test_waited_reads_like_staff_say_it(minutes, expected):
    now = utcnow()
    assert waited(now - timedelta(minutes=minutes), now) == expected


def test_notes_are_erased_with_the_contact_details(db_app):
    with db.session_scope(db_app) as session:
        old = callbacks.create(session, channel="widget", conversation_id=None, name="Ana", phone="5550188",
                               email=None, preferred_time=None, consent=True, words=None)
        kept = callbacks.create(session, channel="widget", conversation_id=None, name="Bea", phone="5550189",
                                email=None, preferred_time=None, consent=True, words=None)
        session.flush()
        callbacks.add_note(session, old.id, "prefers mornings", "desk@example.com")
        callbacks.add_note(session, kept.id, "prefers evenings", "desk@example.com")
        callbacks.record_outcome(session, old.id, "booked", "desk@example.com", 30,
                                 now=utcnow() - timedelta(days=31))
    from web.retention import purge_now

    with db_app.app_context():
        purge_now(db_app.config)
    with db.session_scope(db_app) as session:
        notes = {e.callback.name or "erased": e.note for e in session.scalars(select(CallbackEvent))
                 if e.kind == "note"}
        outcomes = [e.outcome for e in session.scalars(select(CallbackEvent)) if e.kind == "outcome"]
    assert notes == {"erased": None, "Bea": "prefers evenings"}
    assert outcomes == ["booked"]  # who did what, and when, stays


def test_closing_with_zero_retention_erases_notes_at_once(app):
    with db.session_scope(app) as session:
        cb = callbacks.create(session, channel="kiosk", conversation_id=None, name="Ana", phone=None,
                              email="a@example.com", preferred_time=None, consent=True, words=None)
        session.flush()
        callbacks.add_note(session, cb.id, "prefers mornings", "desk@example.com")
        callbacks.record_outcome(session, cb.id, "referred", "desk@example.com", 0, note="sent to ortho")
    with db.session_scope(app) as session:
        assert [e.note for e in session.scalars(select(CallbackEvent))] == [None, None]
