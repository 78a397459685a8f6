"""The kiosk's body-region picker as data: load, validate and turn taps into a chat message.

The regions and their follow-up questions live in ``data/regions.toml`` (the ``kiosk``
sub-table of each region, read by bot/regions.py) so a
clinician can review them like the red-flag rules. A tap path (region, then at most
two follow-up answers) becomes one plain chat message made of the words each tap
stands for; the kiosk sends it to the same chat endpoint as typed text, so red-flag
screening and matching are exactly the chat's. Pure: no Flask, no IO beyond reading
the file it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

from bot import regions as regions_file
from bot.regions import DEFAULT_PATH, REGION_ID, RegionsError

__all__ = ["DEFAULT_PATH", "RegionsError", "Region", "compose_query", "load_regions", "parse_regions", "tap_paths"]
MAX_FOLLOW_UPS = 2


@dataclass(frozen=True)
class Option:
    """One tap-only answer to a follow-up question and the words it adds."""

    label: str
    words: str


@dataclass(frozen=True)
class FollowUp:
    """A follow-up question with its answers."""

    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Region:
    """One button on the start screen."""

    id: str
    label: str
    words: str
    follow_ups: tuple[FollowUp, ...]

    def public(self) -> dict:
        """The JSON the kiosk page needs to draw this region's buttons and compose its message."""
        return {
            "id": self.id, "label": self.label, "words": self.words,
            "follow_ups": [{"question": f.question,
                            "options": [{"label": o.label, "words": o.words} for o in f.options]}
                           for f in self.follow_ups],
        }


def _text(entry: dict, key: str, where: str, allow_empty: bool = False) -> str:
    """A required string field, stripped; empty only where a tap may add no words."""
    value = entry.get(key)
    if not isinstance(value, str):
        raise RegionsError(f"{where}: '{key}' must be a string")
    value = " ".join(value.split())
    if not value and not allow_empty:
        raise RegionsError(f"{where}: '{key}' must not be empty")
    return value


def _follow_up(entry: dict, where: str) -> FollowUp:
    """Validate one follow-up question: a question and at least two answers."""
    options = entry.get("option")
    if not isinstance(options, list) or len(options) < 2:
        raise RegionsError(f"{where}: a follow-up needs at least two options")
    parsed = tuple(
        Option(_text(o, "label", f"{where} option {n}"), _text(o, "words", f"{where} option {n}", allow_empty=True))
        for n, o in enumerate(options, 1)
    )
    return FollowUp(_text(entry, "question", where), parsed)


def parse_regions(data: dict) -> tuple[Region, ...]:
    """Validate the parsed TOML; raise RegionsError naming the first bad entry."""
    entries = data.get("region")
    if not isinstance(entries, list) or not entries:
        raise RegionsError("the regions file has no [[region]] entries")
    regions: list[Region] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        where = f"region {n}"
        region_id = entry.get("id")
        if not isinstance(region_id, str) or not REGION_ID.match(region_id):
            raise RegionsError(f"{where}: 'id' must be lowercase letters, digits or '_'")
        if region_id in seen:
            raise RegionsError(f"{where}: duplicate id '{region_id}'")
        seen.add(region_id)
        where = f"region '{region_id}'"
        follow_ups = entry.get("follow_up", [])
        if not isinstance(follow_ups, list) or len(follow_ups) > MAX_FOLLOW_UPS:
            raise RegionsError(f"{where}: at most {MAX_FOLLOW_UPS} follow-up questions")
        parsed = tuple(_follow_up(f, f"{where} follow-up {k}") for k, f in enumerate(follow_ups, 1))
        words = _text(entry, "words", where, allow_empty=True)
        if not words and not parsed:
            raise RegionsError(f"{where}: a region without words needs a follow-up question")
        regions.append(Region(region_id, _text(entry, "label", where), words, parsed))
    return tuple(regions)


def load_regions(path: Path | str = DEFAULT_PATH) -> tuple[Region, ...]:
    """Read a regions file and validate its kiosk regions (those with a ``kiosk`` sub-table)."""
    return parse_regions({"region": regions_file.surface(regions_file.load(path), "kiosk")})


def compose_query(region: Region, answers: list[int | None]) -> str:
    """The chat message for a tap path: region words, then each chosen answer's words.

    ``answers`` holds, per follow-up asked, the chosen option's position or None for
    "Not sure" (which adds nothing). static/kiosk.js composes the same string; a
    browser test checks that the two agree. An empty result means the kiosk asks
    the visitor to type instead.
    """
    if len(answers) > len(region.follow_ups):
        raise ValueError("more answers than follow-up questions")
    parts = [region.words]
    for follow_up, choice in zip(region.follow_ups, answers, strict=False):
        if choice is not None:
            parts.append(follow_up.options[choice].words)
    return " ".join(p for p in parts if p)


@cache
def tap_paths(path: Path | str = DEFAULT_PATH) -> frozenset[str]:
    """Every message a kiosk tap path can compose (each region with every choice, "Not sure" included).

    These strings are the product's own keyword lists, not a visitor's words: the red-flag rules
    screen them, but the learned layer, trained on how people write, is not asked to read them
    (it takes "neck pain stiff neck turning head stiffness" for meningitis). Every one is checked
    to screen routine by tests/test_kiosk.py.
    """
    composed = set()
    for region in load_regions(path):
        for answers in product(*[[*range(len(f.options)), None] for f in region.follow_ups]):
            composed.add(compose_query(region, list(answers)))
            for depth in range(len(answers)):  # the kiosk may ask fewer questions than the region has
                composed.add(compose_query(region, list(answers[:depth])))
    composed.discard("")
    return frozenset(composed)
