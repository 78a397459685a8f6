"""Times as the front desk reads them: in the clinic's time zone (CLINIC_TIME_ZONE), and how long ago.

The database keeps naive UTC (store.models.utcnow); only the console turns it
into the clinic's local time, with the zone's abbreviation so nobody wonders.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

from store.models import utcnow
from web.staff.blueprint import bp


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(value: datetime) -> datetime:
    """A stored naive-UTC time in the clinic's zone."""
    return value.replace(tzinfo=UTC).astimezone(_zone(current_app.config["CLINIC_TIME_ZONE"]))


@bp.app_template_filter("local_time")
def local_time(value: datetime | None, with_date: bool = True) -> str:
    """ "Mon 7 Dec 2026, 14:05 PST" (or "14:05 PST"); empty for no time."""
    if value is None:
        return ""
    local = to_local(value)
    clock = f"{local:%H:%M} {local.tzname()}"
    return f"{local:%a} {local.day} {local:%b %Y}, {clock}" if with_date else clock


@bp.app_template_filter("local_iso")
def local_iso(value: datetime | None) -> str:
    """The machine-readable time for a <time datetime> (ISO 8601 with the zone's offset)."""
    return to_local(value).isoformat(timespec="minutes") if value is not None else ""


def waited(since: datetime, now: datetime | None = None) -> str:
    """How long ago, as staff say it: "just now", "25 min", "3 h 10 min", "2 days 4 h"."""
    minutes = max(0, int(((now or utcnow()) - since).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


bp.add_app_template_filter(waited, "waited")
