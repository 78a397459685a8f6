"""Reports on a seeded log: counts by channel, region, triage, posts, click-through, content gaps, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.gaps import cluster
from store import inquiries, reports
from store.models import utcnow
from tests.staffkit import login, make_account, store_turn
from web import db
from web.charts import stacked_bars


def result(slug, score, heading="H"):
    """A result card as the API returns it."""
    return {"post_slug": slug, "post_title": slug.replace("-", " ").title(), "section_heading": heading,
            "section_url": f"https://blog.example/{slug}#{heading}", "score": score}


def seed(app):
    """A known log: 3 days, 4 channels, 6 conversations, one emergency, five gap questions, 2 CTA clicks."""
    today = utcnow() - timedelta(seconds=5)
    d2, d1 = today - timedelta(days=2), today - timedelta(days=1)
    rows = [
        # (when, channel, conversation, region, level, matched, results, text)
        (d2, "widget", "a", "knee", "routine", True, [result("runners-knee", 0.4), result("itb", 0.2)], "knee"),
        (d2, "widget", "a", None, "routine", True, [result("runners-knee", 0.3)], "still knee"),
        (d2, "kiosk", None, "elbow", "routine", True, [result("golfers-elbow", 0.5)], "elbow"),
        (d1, "web", "b", None, "emergency", False, [], "chest pain"),
        (d1, "web", "c", None, "none", False, [], "do you sell gift cards"),
        (d1, "desk", None, None, "none", False, [], "gift card for my wife's birthday"),
        (today, "widget", "d", "knee", "routine", True, [result("itb", 0.1)], "where can I park my car"),
        (today, "widget", "d", None, "none", False, [], "is there parking near the clinic"),
        (today, "web", "e", None, "none", False, [], "can I buy a gift card online"),
        (today - timedelta(days=40), "web", "old", "knee", "routine", True, [result("runners-knee", .4)], "old"),
    ]
    with db.session_scope(app) as session:
        for when, channel, conv, region, level, matched, results, text in rows:
            answer = {"region": region, "matched": matched, "results": results,
                      "triage": {"level": level, "rule_ids": ["cardiac"] if level == "emergency" else []}}
            store_turn(session, channel=channel, answer=answer, redacted_text=text, retention_days=30,
                     conversation_id=conv, now=when)
        for conv in ("a", "c"):
            inquiries.add_event(session, kind="cta_click", channel="widget", conversation_id=conv,
                                target="https://blog.example/book", now=today)
    return reports.Period(today.date() - timedelta(days=6), today.date())


def test_report_counts_on_seeded_log(db_app):
    period = seed(db_app)
    with db.session_scope(db_app) as session:
        report = reports.build(session, period)
        gaps = cluster([t for _, t, _ in reports.gap_texts(session, period)])
    assert report.turns == 9
    assert report.conversations == 7
    assert dict(report.by_channel) == {"widget": 2, "kiosk": 1, "web": 3, "desk": 1}
    assert dict(report.by_region) == {"knee": 2, "elbow": 1, "unknown": 4}
    assert dict(report.levels) == {"routine": 4, "emergency": 1, "none": 4}
    assert report.rules == {"cardiac": 1}
    assert report.matched == 4 and report.weak == 1 and report.unmatched == 4
    assert [(slug, n) for _, slug, n in report.top_posts] == [("itb", 2), ("runners-knee", 2), ("golfers-elbow", 1)]
    assert report.cta_clicks == 2
    assert report.click_through == pytest.approx(2 / 7)
    assert sum(c["widget"] for c in report.by_day_channel.values()) == 2
    assert len(report.by_day_channel) == 7
    by_label = {g.label: g for g in gaps}
    gift = next(g for g in gaps if "gift" in g.label)
    assert gift.count == 3 and "do you sell gift cards" in gift.examples
    park = next(g for g in gaps if "park" in g.label)
    assert park.count == 2
    assert sum(g.count for g in gaps) == 5, by_label


def test_reports_page_shows_figures_and_chart(app, client):
    seed(app)
    make_account(app)
    login(client)
    page = client.get("/staff/reports")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<strong id="stat-conversations">7</strong>' in text
    assert "<svg" in text and "Conversations per day by channel" in text
    assert "gift" in text and "do you sell gift cards" in text
    assert "style=" not in text and "<script>" not in text


def test_reports_period_validation(app, client):
    make_account(app)
    login(client)
    page = client.get("/staff/reports?from=2026-13-01&to=x")
    assert page.status_code == 200
    assert b"Dates must look like" in page.data
    reversed_dates = client.get("/staff/reports?from=2026-02-01&to=2026-01-01")
    assert b"before the start date" in reversed_dates.data


def test_log_csv_is_redacted_and_complete(app, client):
    period = seed(app)
    make_account(app)
    login(client)
    client.post("/api/chat", json={"message": "my email is x@y.com and I have shin pain"})
    response = client.get(f"/staff/log.csv?from={period.start}&to={period.end}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 10
    assert rows[-1]["text_redacted"] == "my email is [email] and I have shin pain"
    assert "x@y.com" not in response.get_data(as_text=True)
    assert {r["channel"] for r in rows} == {"widget", "kiosk", "web", "desk"}


def test_gaps_csv_lists_groups(app, client):
    period = seed(app)
    make_account(app)
    login(client)
    response = client.get(f"/staff/reports/gaps.csv?from={period.start}&to={period.end}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(int(r["questions"]) for r in rows) == [2, 3]


def test_csv_cells_cannot_run_as_formulas(app, client):
    with db.session_scope(app) as session:
        store_turn(session, channel="web", answer={}, redacted_text="=HYPERLINK(\"http://x\")",
                 retention_days=30)
    make_account(app)
    login(client)
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/log.csv").get_data(as_text=True))))
    assert rows[0]["text_redacted"].startswith("'=")


def test_log_page_shows_redacted_text(app, client):
    client.post("/api/chat", json={"message": "call me on 424 555 0100 about my shin pain", "channel": "widget"})
    make_account(app)
    login(client)
    text = client.get("/staff/log").get_data(as_text=True)
    assert "call me on [phone] about my shin pain" in text
    assert "0100" not in text


def test_stacked_bars_has_a_bar_per_value():
    from collections import Counter
    from datetime import date

    svg = str(stacked_bars({date(2026, 1, 1): Counter(web=2, kiosk=1), date(2026, 1, 2): Counter()}, "t"))
    assert svg.count("<rect") == 2
    assert "2026-01-01: web 2" in svg and "2026-01-01: kiosk 1" in svg


def test_cluster_keeps_singletons_and_empty_input():
    assert cluster([]) == []
    [gap] = cluster(["parking"])
    assert gap.count == 1 and gap.examples == ("parking",)


def test_log_page_names_rules_languages_and_local_times(app, client):
    from datetime import datetime

    with db.session_scope(app) as session:
        store_turn(session, channel="kiosk", redacted_text="crushing chest pain", retention_days=30,
                   answer={"lang": "en", "triage": {"level": "emergency", "rule_ids": ["cardiac-crushing-chest"]}},
                   now=datetime(2026, 1, 15, 20, 30))
        store_turn(session, channel="widget", redacted_text="me duele la rodilla", retention_days=30,
                   answer={"lang": "es", "matched": True, "triage": {"level": "routine"}},
                   now=datetime(2026, 1, 15, 21, 0))
    make_account(app)
    login(client)
    page = client.get("/staff/log?from=2026-01-01&to=2026-01-31")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Cardiac: crushing chest" in text and ">Kiosk<" in text
    assert "Thu 15 Jan 2026, 12:30 PST" in text  # the clinic's time, not UTC
    assert '<abbr title="Spanish">ES</abbr>' in text and '<span lang="es">me duele la rodilla</span>' in text
    assert 'class="log-table"' in text and 'data-label="Language"' in text
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/log.csv?from=2026-01-01&to=2026-01-31")
                                           .get_data(as_text=True))))
    assert sorted(r["language"] for r in rows) == ["en", "es"]


def test_cluster_groups_spanish_and_english_questions_on_one_topic():
    gaps = cluster(["Do you take my insurance?", "¿Aceptan mi seguro médico?", "is there parking at the clinic",
                    "¿tienen estacionamiento en la clínica?", "Do you sell gift cards?", "¿venden tarjetas de regalo?"])
    assert len(gaps) == 3
    for gap in gaps:
        assert gap.count == 2 and dict(gap.languages) == {"en": 1, "es": 1}
        assert len(gap.examples) == 2


def test_gap_report_marks_spanish_examples_and_language_counts(app, client):
    with db.session_scope(app) as session:
        for text in ("Do you sell gift cards?", "¿Venden tarjetas de regalo?"):
            store_turn(session, channel="web", redacted_text=text, retention_days=30,
                       answer={"matched": False, "triage": {"level": "none"}})
    make_account(app)
    login(client)
    text = client.get("/staff/reports").get_data(as_text=True)
    assert '<span lang="es">¿Venden tarjetas de regalo?</span>' in text and "1 English, 1 Spanish" in text
