"""The triage desk: read a pasted phone note or email: its body region and the logistics it asks about.

Pure, like the rest of bot/: it takes the bot's answer (bot.chat.respond) and
returns what the console shows; the reply draft itself is bot/drafts.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import followup
from bot import regions as regions_file
from bot.regions import RegionsError
from index import analysis
from index.datafile import read_toml

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
    #: How a Spanish reply names it ("su rodilla").
    about_es: str = ""


@dataclass(frozen=True)
class Topic:
    """A logistics answer (direct access, first visit...)."""

    id: str
    title: str
    triggers: tuple[re.Pattern, ...]
    reply: str
    source: str
    triggers_es: tuple[re.Pattern, ...] = ()
    title_es: str = ""
    reply_es: str = ""

    def in_lang(self, lang: str) -> tuple[str, str]:
        """(title, reply) in the reply's language (English where no Spanish is written)."""
        if lang == "es" and self.reply_es:
            return self.title_es or self.title, self.reply_es
        return self.title, self.reply


@lru_cache(maxsize=2)
def load_regions(path: str | None = None) -> tuple[Region, ...]:
    """The desk regions of data/regions.toml, in file order, checked against the lexicon's regions.

    Every lexicon region must be refined by at least one desk region, so whatever
    region the bot understood, the console can show it.
    """
    entries = regions_file.surface(regions_file.load(path), "desk")
    regions = tuple(Region(r["id"], r["label"], tuple(r["terms"]), r["query"], tuple(r.get("lexicon", ())),
                           bool(r.get("main", False)), r.get("about_es", "")) for r in entries)
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
    data = read_toml(path or DATA / "logistics.toml", what="logistics topics")
    return tuple(Topic(t["id"], t["title"], tuple(re.compile(p) for p in t["triggers"]), t["reply"].strip(),
                       t["source"], tuple(re.compile(p) for p in t.get("triggers_es", ())),
                       t.get("title_es", ""), t.get("reply_es", "").strip()) for t in data["topic"])


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
    return followup.region_of(list(analysis.read(message).concepts))


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
    found = _earliest(analysis.read(message).folded, load_regions())
    if found:
        return found
    bot_region = _bot_region(message, answer)
    if not bot_region:
        return None
    refining = [r for r in load_regions() if bot_region in r.lexicon]
    return next((r for r in refining if r.main), refining[0])


def logistics(message: str, lang: str = "en") -> list[Topic]:
    """The logistics topics an inquiry touches (read with the Spanish triggers too when it is Spanish)."""
    text = analysis.read(message).folded
    return [t for t in load_topics()
            if any(p.search(text) for p in t.triggers + (t.triggers_es if lang == "es" else ()))]


