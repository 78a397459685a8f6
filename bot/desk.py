"""The triage desk: read a pasted phone note or email and draft the reply.

Pure, like the rest of bot/: it takes the bot's answer (bot.chat.respond) and
the sections staff picked, and returns what the console shows: the region, the
logistics answers that apply and a reply draft as plain text and as
email-friendly HTML (semantic tags only, no styles or scripts, so it pastes
cleanly into any mail client and shows under the console's CSP).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from bot import followup
from bot import regions as regions_file
from bot.redact import first_name
from bot.regions import RegionsError
from bot.settings import BotSettings
from index import analysis
from index.analysis import fold

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Region:
    """A body region staff can pick."""

    id: str
    label: str
    terms: tuple[str, ...]
    query: str
    #: The bot's lexicon regions this entry refines, and whether it is their usual reading.
    lexicon: tuple[str, ...] = ()
    main: bool = False


@dataclass(frozen=True)
class Topic:
    """A logistics answer (direct access, first visit...)."""

    id: str
    title: str
    triggers: tuple[re.Pattern, ...]
    reply: str
    source: str


@dataclass(frozen=True)
class Draft:
    """A reply ready to copy."""

    text: str
    html: Markup


@lru_cache(maxsize=2)
def load_regions(path: str | None = None) -> tuple[Region, ...]:
    """The desk regions of data/regions.toml, in file order, checked against the lexicon's regions.

    Every lexicon region must be refined by at least one desk region, so whatever
    region the bot understood, the console can show it.
    """
    entries = regions_file.surface(regions_file.load(path), "desk")
    regions = tuple(Region(r["id"], r["label"], tuple(r["terms"]), r["query"], tuple(r.get("lexicon", ())),
                           bool(r.get("main", False))) for r in entries)
    bot_regions = {c.id for c in analysis.lexicon().by_kind("region")}
    for region in regions:
        unknown = set(region.lexicon) - bot_regions
        if unknown:
            raise RegionsError(f"desk region {region.id!r}: {', '.join(sorted(unknown))} is not a lexicon region")
    unmapped = bot_regions - {name for r in regions for name in r.lexicon}
    if unmapped:
        raise RegionsError(f"lexicon region(s) {', '.join(sorted(unmapped))} have no desk region")
    return regions


@lru_cache(maxsize=2)
def load_topics(path: str | None = None) -> tuple[Topic, ...]:
    """The logistics topics of data/logistics.toml."""
    data = tomllib.loads(Path(path or DATA / "logistics.toml").read_text(encoding="utf-8"))
    return tuple(Topic(t["id"], t["title"], tuple(re.compile(p) for p in t["triggers"]), t["reply"].strip(),
                       t["source"]) for t in data["topic"])


def region_by_id(region_id: str | None) -> Region | None:
    """The region with this id, if any."""
    return next((r for r in load_regions() if r.id == region_id), None)


def _bot_region(message: str, answer: dict | None) -> str | None:
    """The lexicon region id the bot understood: from its answer's region label, else from the message."""
    named = (answer or {}).get("region")
    regions = analysis.lexicon().by_kind("region")
    if named:
        found = next((c.id for c in regions if named in (c.id, c.label)), None)
        if found:
            return found
    return followup.region_of(analysis.concepts(message))


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """One pattern for all of a region's terms: its leftmost match is the earliest of any term's."""
    return re.compile(r"\b(?:" + "|".join(re.escape(term) for term in terms) + r")\b")


def _earliest(text: str, regions) -> Region | None:
    """The region whose terms appear first in the text (file order breaks ties)."""
    best: tuple[int, int, Region] | None = None
    for order, region in enumerate(regions):
        match = _terms_pattern(region.terms).search(text) if region.terms else None
        if match and (best is None or (match.start(), order) < best[:2]):
            best = (match.start(), order, region)
    return best[2] if best else None


def guess_region(message: str, answer: dict | None = None) -> Region | None:
    """The console's region: the earliest one the message names, else the bot's region.

    A desk id in the answer (a region staff picked) is taken as it is. Earliest
    mention wins over file order: in "knee pain that spreads to the shin" the
    knee is the complaint. When no desk term appears ("my back hurts", a typo the
    bot corrected, "funny bone"), the bot's lexicon region is shown as the desk
    entry that refines it, its main one where there are several (lower back).
    """
    named = (answer or {}).get("region")
    picked = region_by_id(named) if named else None
    if picked:
        return picked
    found = _earliest(fold(message), load_regions())
    if found:
        return found
    bot_region = _bot_region(message, answer)
    if not bot_region:
        return None
    refining = [r for r in load_regions() if bot_region in r.lexicon]
    return next((r for r in refining if r.main), refining[0])


def logistics(message: str) -> list[Topic]:
    """The logistics topics an inquiry touches."""
    text = fold(message)
    return [t for t in load_topics() if any(p.search(text) for p in t.triggers)]


def _sentences(region: Region | None, triage: dict, sections: list[dict], topics: list[Topic],
               settings: BotSettings) -> list[str]:
    level = triage.get("level")
    if level == "emergency":
        return [f"What you describe needs urgent medical attention: please call {settings.emergency_number} "
                "now or go to the nearest emergency department.",
                "Please do not wait for an appointment with us for this."]
    about = f"your {region.label[0].lower()}{region.label[1:]}" if region else "what you are going through"
    out = [f"Thank you for getting in touch about {about}."]
    if level == "urgent" and triage.get("message"):
        out.append(triage["message"])
    out.append("A physical therapist can assess this properly and work out a plan with you." if sections or topics
               else "A physical therapist can look at this properly and tell you what will help.")
    if sections:
        out.append("In the meantime, these articles from our blog explain what is often behind it:"
                   if len(sections) > 1 else "In the meantime, this article from our blog explains more:")
    return out


def compose_draft(message: str, region: Region | None, triage: dict, sections: list[dict], topics: list[Topic],
                  settings: BotSettings) -> Draft:
    """Greeting, two or three plain sentences, the links, logistics, the booking call-to-action and the notice."""
    name = first_name(message)
    greeting = f"Hi {name}," if name else "Hello,"
    emergency = triage.get("level") == "emergency"
    sections = [] if emergency else sections
    topics = [] if emergency else topics
    lead = _sentences(region, triage, sections, topics, settings)
    links = [(_link_label(s), s["section_url"]) for s in sections]
    if emergency:
        cta_line = f"Emergency: call {settings.emergency_number}."
    else:
        parts = [p for p in (settings.booking_url, f"call us at {settings.phone}" if settings.phone else None) if p]
        cta_line = f"{settings.cta_text}: {' or '.join(parts)}" if parts else settings.cta_text
    sign = f"{settings.clinic_name}"

    text_lines = [greeting, "", " ".join(lead)]
    if links:
        text_lines += [""] + [f"- {label}: {url}" for label, url in links]
    if topics:
        text_lines += [""] + [t.reply for t in topics]
    text_lines += ["", cta_line, "", "Best wishes,", sign, "", settings.disclaimer]
    text = "\n".join(text_lines)

    html = [f"<p>{escape(greeting)}</p>", f"<p>{escape(' '.join(lead))}</p>"]
    if links:
        html.append("<ul>" + "".join(f'<li><a href="{escape(url)}">{escape(label)}</a></li>' for label, url in links)
                    + "</ul>")
    for topic in topics:
        html.append(f"<p>{escape(topic.reply)}</p>")
    if emergency:
        html.append(f'<p><strong>{escape(cta_line)}</strong></p>')
    elif settings.booking_url:
        phone = f" or call us at {escape(settings.phone)}" if settings.phone else ""
        html.append(f'<p><a href="{escape(settings.booking_url)}"><strong>{escape(settings.cta_text)}</strong></a>'
                    f"{phone}</p>")
    else:
        html.append(f"<p><strong>{escape(cta_line)}</strong></p>")
    html.append(f"<p>Best wishes,<br>{escape(sign)}</p>")
    html.append(f"<p><small>{escape(settings.disclaimer)}</small></p>")
    return Draft(text=text, html=Markup("\n".join(html)))


def _link_label(section: dict) -> str:
    heading = section.get("section_heading")
    title = section.get("post_title") or ""
    return f"{title} ({heading})" if heading and heading != title else title
