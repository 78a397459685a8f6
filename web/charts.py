"""Server-side SVG charts for the reports: readable without JavaScript, styled by staff.css classes.

No inline styles (the CSP forbids them): series colours are classes s0..s5.
Each bar carries a <title> so hovering or a screen reader gives the exact
figure, and the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40
MAX_SERIES = 6


def series_order(by_day: dict[date, Counter], limit: int = MAX_SERIES) -> list[str]:
    """Series by total, biggest first; beyond ``limit - 1`` the rest are merged as 'other'."""
    totals: Counter = Counter()
    for counts in by_day.values():
        totals.update(counts)
    names = [name for name, _ in totals.most_common()]
    if len(names) > limit:
        names = names[: limit - 1] + ["other"]
    return names


def _nice_max(value: int) -> int:
    """A round axis maximum at or above value."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return max(step * 4, 4) if value > 0 else 4
    return value


def stacked_bars(by_day: dict[date, Counter], title: str, labels: dict[str, str] | None = None) -> Markup:
    """A stacked bar per day, one colour per series, with axis, gridlines and a legend."""
    labels = labels or {}
    names = series_order(by_day)
    merged = set(names[-1:]) == {"other"}
    days = sorted(by_day)
    top = _nice_max(max((sum(c.values()) for c in by_day.values()), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(days))
    bar_w = max(1.0, slot * 0.7)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-{id(by_day)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="chart-{id(by_day)}">{escape(title)}</title>']
    for tick in range(5):
        value = top * tick // 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    label_every = max(1, len(days) // 8)
    for i, day in enumerate(days):
        counts = by_day[day]
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = TOP + plot_h
        for s, name in enumerate(names):
            if merged and name == "other":
                value = sum(v for k, v in counts.items() if k not in names[:-1])
            else:
                value = counts.get(name, 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            label = labels.get(name, name)
            parts.append(f'<rect class="s{s}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                         f'<title>{day.isoformat()}: {escape(label)} {value}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                         f'{day.strftime("%b %d")}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch s{s}" aria-hidden="true"></span>{escape(labels.get(n, n))}</li>'
                     for s, n in enumerate(names))
    # The chart scrolls sideways on a phone: a scrolling region must be reachable by keyboard (WCAG 2.1.1),
    # so it takes focus and is named as a region for screen readers.
    wrap = '<div class="chart-wrap" tabindex="0" role="region" aria-label="Chart (scrolls sideways)">'
    return Markup(wrap + "".join(parts) + f'</div><ul class="legend">{legend}</ul>')
