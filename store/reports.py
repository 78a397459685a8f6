"""Figures for the reports page, computed over one period of the inquiry log.

Rows are fetched once and aggregated in Python: a clinic's log is thousands of
rows, not millions, and this keeps every figure identical on SQLite and
PostgreSQL (no dialect-specific date functions).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Event, Turn, TurnSection

#: A matched answer whose best section scores below this is a weak match: a content gap too.
WEAK_SCORE = 0.15
LEVELS = ("emergency", "urgent", "routine", "none")
MAX_GAP_TEXTS = 2000


@dataclass(frozen=True)
class Period:
    """Whole days [start, end] inclusive, in UTC."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        """First instant of the period."""
        return datetime.combine(self.start, time.min)

    @property
    def until(self) -> datetime:
        """First instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def days(self) -> list[date]:
        """Every day of the period."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class Report:
    """What the reports page shows."""

    period: Period
    turns: int = 0
    conversations: int = 0
    by_channel: Counter = field(default_factory=Counter)
    by_region: Counter = field(default_factory=Counter)
    by_day_channel: dict = field(default_factory=dict)
    by_day_region: dict = field(default_factory=dict)
    levels: Counter = field(default_factory=Counter)
    matched: int = 0
    unmatched: int = 0
    #: Messages that were not a complaint (bot/intents.py), and questions about where it hurts.
    small_talk: int = 0
    weak: int = 0
    top_posts: list = field(default_factory=list)
    cta_clicks: int = 0
    rules: Counter = field(default_factory=Counter)

    @property
    def click_through(self) -> float:
        """CTA clicks per conversation (0 when there were none)."""
        return self.cta_clicks / self.conversations if self.conversations else 0.0


def _conversation_key(turn_id: int, conversation_id: str | None) -> str:
    """Turns without a conversation id each count as their own conversation."""
    return f"c:{conversation_id}" if conversation_id else f"t:{turn_id}"


def build(session: Session, period: Period, top: int = 10) -> Report:
    """All figures for a period."""
    report = Report(period)
    rows = session.execute(
        select(Turn.id, Turn.created_at, Turn.channel, Turn.region, Turn.conversation_id, Turn.triage_level,
               Turn.matched, Turn.best_score, Turn.rule_ids, Turn.intent)
        .where(Turn.created_at >= period.since, Turn.created_at < period.until)
    ).all()
    conversations: dict[str, tuple] = {}
    for row in rows:
        report.turns += 1
        report.levels[row.triage_level] += 1
        for rule in filter(None, (row.rule_ids or "").split(",")):
            report.rules[rule] += 1
        if row.matched:
            report.matched += 1
            if row.best_score < WEAK_SCORE:
                report.weak += 1
        elif row.intent:
            report.small_talk += 1  # "hi", "thanks", "book an appointment": not a question the blog missed
        elif row.triage_level != "emergency":
            report.unmatched += 1
        key = _conversation_key(row.id, row.conversation_id)
        first = conversations.get(key)
        if first is None or row.created_at < first[0]:
            region = row.region or (first[3] if first else None)
            conversations[key] = (row.created_at, row.channel, key, region)
        elif first[3] is None and row.region:
            conversations[key] = (*first[:3], row.region)
    day_channel: dict[date, Counter] = defaultdict(Counter)
    day_region: dict[date, Counter] = defaultdict(Counter)
    for created_at, channel, _key, region in conversations.values():
        report.by_channel[channel] += 1
        report.by_region[region or "unknown"] += 1
        day_channel[created_at.date()][channel] += 1
        day_region[created_at.date()][region or "unknown"] += 1
    report.conversations = len(conversations)
    report.by_day_channel = {d: day_channel.get(d, Counter()) for d in period.days()}
    report.by_day_region = {d: day_region.get(d, Counter()) for d in period.days()}
    posts = session.execute(
        select(TurnSection.post_slug, TurnSection.post_title, TurnSection.turn_id)
        .join(Turn, Turn.id == TurnSection.turn_id)
        .where(Turn.created_at >= period.since, Turn.created_at < period.until)
    ).all()
    shown: dict[str, set] = defaultdict(set)
    titles: dict[str, str] = {}
    for slug, title, turn_id in posts:
        shown[slug].add(turn_id)
        titles[slug] = title
    report.top_posts = sorted(((titles[s], s, len(t)) for s, t in shown.items()), key=lambda p: (-p[2], p[0]))[:top]
    report.cta_clicks = len(session.execute(
        select(Event.id).where(Event.kind == "cta_click", Event.created_at >= period.since,
                               Event.created_at < period.until)).all())
    return report


def gap_texts(session: Session, period: Period) -> list[tuple[datetime, str, float]]:
    """Stored (redacted) texts of questions the blog did not answer, or only weakly; newest first."""
    rows = session.execute(
        select(Turn.created_at, Turn.text, Turn.best_score, Turn.matched)
        .where(Turn.created_at >= period.since, Turn.created_at < period.until, Turn.text.is_not(None),
               Turn.triage_level != "emergency", Turn.intent.is_(None))
        .where((Turn.matched.is_(False)) | (Turn.best_score < WEAK_SCORE))
        .order_by(Turn.created_at.desc()).limit(MAX_GAP_TEXTS)
    ).all()
    return [(r.created_at, r.text, r.best_score) for r in rows]


def log_rows(session: Session, period: Period):
    """Every turn of the period, oldest first, with its sections, for the CSV export."""
    query = (select(Turn).where(Turn.created_at >= period.since, Turn.created_at < period.until)
             .order_by(Turn.created_at, Turn.id))
    return session.scalars(query).unique()
