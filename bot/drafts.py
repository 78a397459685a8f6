"""The triage desk's reply draft: plain text and email-friendly HTML, in the caller's language.

Pure, like the rest of bot/. Three choices make a draft something staff can send
as it is: only the sections that answer the inquiry are picked (``answering``),
links are the posts' own short addresses (never a "#:~:text=" fragment, which a
mail client shows as a wall of percent signs), and the sign-off and footer are
written for an email, not copied from the chat's notice. The wording is data
(data/desk_drafts.toml); the HTML is semantic tags only, no styles or scripts, so it
pastes cleanly into any mail client and shows under the console's CSP.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from markupsafe import Markup, escape

from bot.desk import load_topics
from bot.redact import first_name
from bot.settings import DEFAULT_DISCLAIMER, BotSettings
from index.analysis import fold
from index.datafile import read_toml

DATA = Path(__file__).resolve().parent.parent / "data"
#: At most this many sections are picked for a draft (the draft gives one link per post, naming its sections).
MAX_PICKS = 3
#: A section scoring under this share of the best one does not answer the inquiry as well: not picked.
RELATIVE_FLOOR = 0.6
#: Query parameters that only track a click; dropped from links.
TRACKING = ("utm_", "fbclid", "gclid", "mc_")


@dataclass(frozen=True)
class Draft:
    """A reply ready to edit and copy."""

    text: str
    html: Markup
    lang: str = "en"


@lru_cache(maxsize=2)
def load_wording(path: str | None = None) -> dict[str, dict]:
    """The drafts' wording per language (data/desk_drafts.toml); every language has every key English has."""
    data = read_toml(path or DATA / "desk_drafts.toml", what="desk drafts wording")
    for lang, words in data.items():
        missing = set(data["en"]) - set(words)
        if missing:
            raise ValueError(f"desk_drafts.toml [{lang}] lacks {', '.join(sorted(missing))}")
    return data


def wording(lang: str) -> dict:
    """The wording of one language (English for a language the file does not have)."""
    data = load_wording()
    return data.get(lang) or data["en"]


def short_link(url: str) -> str:
    """A link as a person would type it: no fragment (text fragments included), no click-tracking parameters."""
    parts = urlsplit(url or "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(TRACKING)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _mentions(text: str, terms) -> bool:
    folded = f" {fold(text)} "
    return any(f" {term} " in folded or f" {term}s " in folded or f" {term}," in folded for term in terms)


def answering(candidates: list[dict], region, topics, limit: int = MAX_PICKS) -> list[dict]:
    """The candidate sections that answer the inquiry, best first: the draft's default picks.

    Not weak; within RELATIVE_FLOOR of the best; about the inquiry's region when
    one is known (its words in the section's title, heading or text); not a
    section whose heading is about logistics (insurance, referral, cost) unless
    the inquiry names no body region and asks about that very topic: a
    complaint's logistics are answered by the topic's own sentence, so a knee
    reply gets no insurance section.
    """
    relevant = [card for card in candidates if not card.get("weak") and _answers(card, region, topics)]
    if not relevant:
        return []
    floor = RELATIVE_FLOOR * max(card["score"] for card in relevant)
    return [card for card in sorted(relevant, key=lambda c: -c["score"]) if card["score"] >= floor][:limit]


def _answers(card: dict, region, topics) -> bool:
    """Whether a section is about the inquiry: its region, and not logistics the inquiry does not ask about."""
    about = _logistics_of(card.get("section_heading") or card.get("post_title") or "")
    if about and (region is not None or not about <= {t.id for t in topics}):
        return False
    if region is None or not region.terms:
        return True
    heading = f"{card.get('post_title') or ''} {card.get('section_heading') or ''}"
    return _mentions(f"{heading} {card.get('text') or ''}", region.terms)


def _logistics_of(heading: str) -> set[str]:
    """The logistics topics a section's heading is about ("Do I need a doctor's referral?": direct access)."""
    text = fold(heading)
    return {t.id for t in load_topics() if any(p.search(text) for p in t.triggers)}


def _links(sections: list[dict]) -> list[tuple[str, str, list[str]]]:
    """(post title, short post link, headings of its picked sections), one entry per post, in pick order."""
    posts: dict[str, tuple[str, str, list[str]]] = {}
    for section in sections:
        url = short_link(section.get("post_url") or section.get("section_url") or "")
        title = section.get("post_title") or ""
        entry = posts.setdefault(url, (title, url, []))
        heading = section.get("section_heading")
        if heading and heading != title and heading not in entry[2]:
            entry[2].append(heading)
    return list(posts.values())


def _fill(text: str, settings: BotSettings, **more) -> str:
    values = {"clinic_name": settings.clinic_name, "phone": settings.phone or "", "booking_url":
              settings.booking_url or "", "emergency_number": settings.emergency_number, **more}
    return text.format(**values)


def _lead(words: dict, region, level: str, triage: dict, sections, topics, settings: BotSettings) -> list[str]:
    if level == "emergency":
        return [_fill(line, settings) for line in words["emergency"]]
    if region is None:
        about = words["about_unknown"]
    elif words is wording("es") and region.about_es:
        about = region.about_es
    else:
        about = _fill(wording("en")["about_region"], settings, label=region.label[0].lower() + region.label[1:])
    out = [words["thanks"].format(about=about)]
    if level == "urgent" and triage.get("message"):
        out.append(triage["message"])
    out.append(words["assess_plan"] if sections or topics else words["assess"])
    if sections:
        out.append(words["articles_many"] if len(sections) > 1 else words["articles_one"])
    return out


def _booking(words: dict, settings: BotSettings) -> str:
    ways = [_fill(words["book_online"], settings) if settings.booking_url else None,
            _fill(words["book_phone"], settings) if settings.phone else None]
    ways = [w for w in ways if w]
    joiner = f" {words['or']} "
    return f"{words['book']}, {joiner.join(ways)}." if ways else f"{words['book']}."


def _footer_lines(words: dict, settings: BotSettings) -> list[str]:
    contact = " · ".join(p for p in (settings.phone, settings.booking_url) if p)
    return [words["sign_off"], _fill(words["signature"], settings), *([contact] if contact else [])]


def compose_draft(message: str, region, triage: dict, sections: list[dict], topics, settings: BotSettings,
                  lang: str = "en") -> Draft:
    """Greeting, two or three plain sentences, one short link per post, logistics, how to book, sign-off, footer.

    ``lang`` is the reply's language ("es": Spanish sentences, each English article
    marked "artículo en inglés"). An emergency gets the care instruction only
    (the console shows the phone script instead of this draft).
    """
    words = wording(lang)
    lang = lang if lang in load_wording() else "en"
    name = first_name(message)
    greeting = words["greeting_name"].format(name=name) if name else words["greeting"]
    level = triage.get("level")
    emergency = level == "emergency"
    sections = [] if emergency else sections
    topics = [] if emergency else topics
    lead = " ".join(_lead(words, region, level, triage, sections, topics, settings))
    links = _links(sections)
    note = f" ({words['article_note']})" if words["article_note"] else ""
    topic_lines = [t.in_lang(lang)[1] for t in topics]
    cta_line = _fill(words["emergency_cta"], settings) if emergency else _booking(words, settings)
    sign = _footer_lines(words, settings)
    footer = _fill(words["footer"], settings)
    if settings.disclaimer and settings.disclaimer != DEFAULT_DISCLAIMER:
        footer = f"{footer} {settings.disclaimer}"  # the clinic's own wording, kept wherever it applies

    text_lines = [greeting, "", lead]
    for title, url, headings in links:
        see = f"\n  {words['see']} {_quoted(headings, words)}." if headings else ""
        text_lines += ["", f"- {title}{note}{see}\n  {url}"]
    if topic_lines:
        text_lines += [""] + topic_lines
    text_lines += ["", cta_line, "", *sign, "", "--", footer]
    text = "\n".join(text_lines)

    html = [f"<p>{escape(greeting)}</p>", f"<p>{escape(lead)}</p>"]
    if links:
        items = []
        for title, url, headings in links:
            see = f"<br>{escape(words['see'])} {escape(_quoted(headings, words))}." if headings else ""
            items.append(f'<li><a href="{escape(url)}">{escape(title)}</a>{escape(note)}{see}</li>')
        html.append("<ul>" + "".join(items) + "</ul>")
    html += [f"<p>{escape(line)}</p>" for line in topic_lines]
    html.append(f"<p><strong>{escape(cta_line)}</strong></p>")
    html.append("<p>" + "<br>".join(escape(line) for line in sign) + "</p>")
    html.append(f"<hr><p><small>{escape(footer)}</small></p>")
    return Draft(text=text, html=Markup("\n".join(html)), lang=lang)


def _quoted(headings: list[str], words: dict) -> str:
    quoted = [f"“{h}”" for h in headings]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {words['and']} {quoted[-1]}"
