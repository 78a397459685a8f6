"""Reports for a period: volume by channel and region, triage, most-read posts, click-through, content gaps."""

from __future__ import annotations

from flask import render_template, request

from bot.desk import load_regions
from bot.gaps import cluster
from store import reports
from web import db
from web.charts import stacked_bars
from web.staff.blueprint import bp
from web.staff.csvout import csv_response
from web.staff.periods import parse_period

CHANNEL_LABELS = {"web": "Chat page", "widget": "Website widget", "kiosk": "Kiosk", "desk": "Front desk"}


def region_labels() -> dict[str, str]:
    """Region ids to labels for charts and tables."""
    return {r.id: r.label for r in load_regions()} | {"unknown": "Not recognised"}


def content_gaps(session, period) -> list:
    """Unanswered or weakly answered questions, grouped."""
    return cluster([text for _, text, _ in reports.gap_texts(session, period)])


@bp.get("/reports")
def reports_page():
    """The report for the chosen period (default: the last 30 days)."""
    period, problem = parse_period(request.args)
    with db.session_scope() as session:
        report = reports.build(session, period)
        gaps = content_gaps(session, period)
    labels = region_labels()
    return render_template(
        "staff/reports.html", report=report, gaps=gaps, period=period, problem=problem,
        channel_labels=CHANNEL_LABELS, region_labels=labels,
        channel_chart=stacked_bars(report.by_day_channel, "Conversations per day by channel", CHANNEL_LABELS),
        region_chart=stacked_bars(report.by_day_region, "Conversations per day by body region", labels),
        max_post=max((p[2] for p in report.top_posts), default=1),
        max_level=max(report.levels.values(), default=1),
    )


@bp.get("/reports/gaps.csv")
def gaps_csv():
    """The content gaps of the period: one row per group."""
    period, _ = parse_period(request.args)
    with db.session_scope() as session:
        gaps = content_gaps(session, period)
    rows = [[g.label, g.count, " || ".join(g.examples)] for g in gaps]
    return csv_response(["topic", "questions", "examples_redacted"], rows,
                        f"content-gaps-{period.start}-{period.end}.csv")
