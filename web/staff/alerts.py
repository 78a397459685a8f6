"""Live alerts on every staff page: emergency answers given on the kiosk, the widget or the chat page.

Every console page polls ``GET /staff/alerts.json`` every few seconds
(static/staff.js). Short polling rather than server-sent events: gunicorn's
gthread workers would hold a thread per open console for an event stream, and
an answer within a few seconds is enough for a desk across the room.
Acknowledging (``POST /staff/alerts/<id>/ack``, CSRF-checked like every staff
POST) records who and when; the alert then leaves every console.
"""

from __future__ import annotations

from flask import jsonify

from bot import triage
from store import alerts as store
from web import db
from web.staff.blueprint import bp, sign_as_me

#: Seconds between two polls of a console page.
POLL_SECONDS = 4
#: Abbreviations in rule ids that staff read in capitals.
ACRONYMS = {"dvt": "DVT", "pe": "PE", "tia": "TIA"}
CHANNEL_LABELS = {"kiosk": "Waiting-room kiosk", "widget": "Website chat", "web": "Chat page"}


def rule_name(rule_id: str) -> str:
    """A red-flag rule id as staff read it: "cauda-equina-saddle-numbness" -> "Cauda equina: saddle numbness".

    The category comes from the rules file (data/redflags.toml), so a multi-word category stays whole.
    """
    rule = next((r for r in triage.load_rules() if r.id == rule_id), None)
    category = rule.category if rule is not None else rule_id.partition("-")[0]
    detail = rule_id[len(category) + 1:] if rule_id.startswith(category + "-") else ""

    def words(slug: str) -> str:
        return " ".join(ACRONYMS.get(w, w) for w in slug.replace("_", "-").split("-") if w)

    name = words(category)
    name = name[:1].upper() + name[1:]
    return f"{name}: {words(detail)}" if detail else name


def grouped(names: list[str]) -> list[str]:
    """Rule names of one category as one line: "Cardiac: chest pain with features, crushing chest"."""
    by_category: dict[str, list[str]] = {}
    for name in names:
        category, _, detail = name.partition(": ")
        by_category.setdefault(category, [])
        if detail:
            by_category[category].append(detail)
    return [f"{category}: {', '.join(details)}" if details else category for category, details in by_category.items()]


def _view(alert) -> dict:
    """The JSON shape of one alert; times in UTC ISO 8601, shown in the desk's local time by the page."""
    rule_ids = [r for r in (alert.rule_ids or "").split(",") if r]
    return {"id": alert.id, "channel": alert.channel, "channel_label": CHANNEL_LABELS.get(alert.channel, alert.channel),
            "at": alert.created_at.isoformat() + "Z", "rules": grouped([rule_name(r) for r in rule_ids]),
            "text": alert.text}


@bp.get("/alerts.json")
def alerts_json():
    """Unacknowledged alerts, newest first."""
    with db.session_scope() as session:
        found = [_view(a) for a in store.open_alerts(session)]
    return jsonify({"alerts": found, "poll_seconds": POLL_SECONDS})


@bp.post("/alerts/<int:alert_id>/ack")
def alert_ack(alert_id: int):
    """Record who acknowledged an alert and when (the first acknowledgement stands)."""
    return jsonify(sign_as_me(store.acknowledge, alert_id, lambda alert: {
        "id": alert.id, "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at.isoformat() + "Z"}))
