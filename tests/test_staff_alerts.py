"""Live alerts: an emergency answer on a visitor channel reaches the staff console's alert list until acknowledged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import alerts
from store.models import StaffAlert, utcnow
from tests.staffkit import EMAIL, csrf_token, login, make_account
from web import db
from web.staff.alerts import rule_name

EMERGENCY = "crushing chest pain and I'm short of breath"


@pytest.fixture
def desk(app, client):
    """A logged-in client."""
    make_account(app)
    login(client)
    return client


def chat(app, message: str, channel: str):
    """A visitor's message from another browser than the desk's."""
    response = app.test_client().post("/api/chat", json={"message": message, "channel": channel})
    assert response.status_code == 200
    return response.get_json()


def open_alerts(client) -> list[dict]:
    response = client.get("/staff/alerts.json")
    assert response.status_code == 200
    return response.get_json()["alerts"]


@pytest.mark.parametrize("channel", ["kiosk", "widget", "web"])
def test_emergency_on_a_visitor_channel_is_an_alert(app, desk, channel):
    assert chat(app, EMERGENCY, channel)["triage"]["level"] == "emergency"
    [alert] = open_alerts(desk)
    assert alert["channel"] == channel
    assert alert["channel_label"]
    assert alert["rules"] and all("-" not in name for name in alert["rules"])
    assert alert["text"] == EMERGENCY
    assert alert["at"].endswith("Z")


def test_routine_answers_and_the_desk_raise_no_alert(app, desk):
    chat(app, "my knee hurts going down stairs", "kiosk")
    chat(app, EMERGENCY, "desk")
    assert open_alerts(desk) == []


def test_alert_text_only_within_retention(app, desk):
    app.config["RETENTION_DAYS"] = 0
    chat(app, EMERGENCY, "kiosk")
    [alert] = open_alerts(desk)
    assert alert["text"] is None and alert["rules"]


def test_alert_text_purged_after_retention(app, desk):
    chat(app, EMERGENCY, "kiosk")
    with db.session_scope(app) as session:
        assert alerts.purge(session, now=utcnow() + timedelta(days=31)) == 1
    [alert] = open_alerts(desk)
    assert alert["text"] is None


def test_acknowledge_records_who_and_when_and_clears_the_alert(app, desk):
    chat(app, EMERGENCY, "widget")
    [alert] = open_alerts(desk)
    token = csrf_token(desk, "/staff/")
    response = desk.post(f"/staff/alerts/{alert['id']}/ack", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["acknowledged_by"] == EMAIL
    assert open_alerts(desk) == []
    with db.session_scope(app) as session:
        stored = session.get(StaffAlert, alert["id"])
        assert stored.acknowledged_by == EMAIL and stored.acknowledged_at is not None


def test_acknowledge_needs_csrf_and_an_existing_alert(app, desk):
    chat(app, EMERGENCY, "kiosk")
    [alert] = open_alerts(desk)
    assert desk.post(f"/staff/alerts/{alert['id']}/ack").status_code == 400
    token = csrf_token(desk, "/staff/")
    assert desk.post("/staff/alerts/99999/ack", headers={"X-CSRFToken": token}).status_code == 404
    assert len(open_alerts(desk)) == 1


def test_alerts_need_a_login(app, client):
    response = client.get("/staff/alerts.json")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_every_console_page_carries_the_alert_box(desk):
    for path in ("/staff/", "/staff/callbacks", "/staff/log", "/staff/reports"):
        response = desk.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert 'id="live-alerts"' in page and 'name="csrf-token"' in page, path


@pytest.mark.parametrize(("rule_id", "name"), [
    ("cardiac-chest-pain", "Cardiac: chest pain"),
    ("cauda-equina-saddle-numbness", "Cauda equina: saddle numbness"),
    ("no-such-rule", "No: such rule"),
])
def test_rule_name_is_readable(rule_id, name):
    assert rule_name(rule_id) == name


def test_rules_of_one_category_are_one_line():
    from web.staff.alerts import grouped

    assert grouped(["Cardiac: chest pain", "Cardiac: crushing chest", "Stroke"]) == [
        "Cardiac: chest pain, crushing chest", "Stroke"]


def test_an_emergency_conversation_alerts_once_and_thanks_is_thanks(app, desk):
    visitor = app.test_client()
    with app.app_context():
        from web import conversation_ids as ids

        conversation_id = ids.issue()

    def say(message):
        response = visitor.post("/api/chat", json={"message": message, "channel": "widget",
                                                    "conversation_id": conversation_id})
        assert response.status_code == 200
        return response.get_json()

    assert say(EMERGENCY)["triage"]["level"] == "emergency"
    # A follow-up about it gets the emergency guidance again, not articles...
    again = say("what exercises can I do for it?")
    assert again["triage"]["level"] == "emergency" and again["results"] == []
    # ...but the desk already knows: one alert for the conversation.
    assert len(open_alerts(desk)) == 1
    assert say("thanks")["intent"] == "thanks"
