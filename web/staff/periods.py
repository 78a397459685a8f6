"""Read the report period from the query string (?from=YYYY-MM-DD&to=YYYY-MM-DD)."""

from __future__ import annotations

from datetime import date, timedelta

from store.models import utcnow
from store.reports import Period

DEFAULT_DAYS = 30
MAX_DAYS = 366


def parse_period(args) -> tuple[Period, str | None]:
    """The requested period, or the last 30 days with a message saying why the request was not used."""
    today = utcnow().date()
    default = Period(today - timedelta(days=DEFAULT_DAYS - 1), today)
    raw_from, raw_to = args.get("from"), args.get("to")
    if not raw_from and not raw_to:
        return default, None
    try:
        start = date.fromisoformat(raw_from) if raw_from else default.start
        end = date.fromisoformat(raw_to) if raw_to else today
    except ValueError:
        return default, "Dates must look like 2026-01-31; showing the last 30 days."
    if end < start:
        return default, "The end date is before the start date; showing the last 30 days."
    if (end - start).days >= MAX_DAYS:
        return Period(end - timedelta(days=MAX_DAYS - 1), end), "Periods are limited to a year; showing the last year."
    return Period(start, end), None
