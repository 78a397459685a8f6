"""The inquiry log as a page and as CSV (redacted text only, as stored)."""

from __future__ import annotations

from flask import render_template, request

from bot.desk import region_by_id
from store import inquiries, reports
from web import db
from web.staff.blueprint import bp
from web.staff.csvout import csv_response
from web.staff.periods import parse_period

PAGE_SIZE = 50


def region_label(region_id: str | None) -> str:
    """A region's display label (ids the console does not know are shown as they are)."""
    region = region_by_id(region_id)
    return region.label if region else (region_id or "")


@bp.get("/log")
def inquiry_log():
    """The newest turns of the period, 50 a page."""
    period, problem = parse_period(request.args)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with db.session_scope() as session:
        turns = inquiries.recent_turns(session, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                                       since=period.since, until=period.until)
        rows = [{"id": t.id, "created_at": t.created_at, "channel": t.channel, "region": region_label(t.region),
                 "level": t.triage_level, "rules": t.rule_ids, "matched": t.matched, "score": t.best_score,
                 "text": t.text, "top": t.sections[0] if t.sections else None} for t in turns[:PAGE_SIZE]]
    return render_template("staff/log.html", rows=rows, period=period, problem=problem, page=page,
                           has_next=len(turns) > PAGE_SIZE)


@bp.get("/log.csv")
def inquiry_log_csv():
    """Every turn of the period; text is the redacted text (empty once purged)."""
    period, _ = parse_period(request.args)
    header = ["time_utc", "channel", "conversation_id", "region", "triage_level", "rule_ids", "matched",
              "best_score", "follow_up_shown", "sections", "text_redacted"]
    with db.session_scope() as session:
        rows = [[t.created_at, t.channel, t.conversation_id, t.region, t.triage_level, t.rule_ids,
                 "yes" if t.matched else "no", round(t.best_score, 4), "yes" if t.follow_up_shown else "no",
                 " | ".join(f"{s.post_slug}#{s.section_heading or ''}={s.score:.3f}" for s in t.sections), t.text]
                for t in reports.log_rows(session, period)]
    return csv_response(header, rows, f"inquiry-log-{period.start}-{period.end}.csv")
