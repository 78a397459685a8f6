"""The body regions file (data/regions.toml): read once, for the kiosk and the desk.

One entry per region, keyed by the lexicon's spelling of ids, with a ``kiosk``
and a ``desk`` sub-table for what each surface shows (bot/kiosk_regions.py and
bot/desk.py validate their own part). Pure: no Flask, no IO beyond the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.datafile import read_toml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "regions.toml"
#: Region ids are spelled like the lexicon's (data/lexicon.toml): lowercase, digits, underscores.
REGION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class RegionsError(ValueError):
    """The regions file cannot be used; the message names the entry at fault."""


def load(path: Path | str | None = None) -> list[dict]:
    """The ``[[region]]`` entries of a regions file, in file order, with valid unique ids."""
    path = path or DEFAULT_PATH
    data = read_toml(path, RegionsError, "regions file")
    entries = data.get("region")
    if not isinstance(entries, list) or not entries:
        raise RegionsError("the regions file has no [[region]] entries")
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        region_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(region_id, str) or not REGION_ID.match(region_id):
            raise RegionsError(f"region {n}: 'id' must be lowercase letters, digits or '_'")
        if region_id in seen:
            raise RegionsError(f"region {n}: duplicate id '{region_id}'")
        seen.add(region_id)
    return entries


def surface(entries: list[dict], name: str) -> list[dict]:
    """The entries that appear on one surface ("kiosk" or "desk"), each as its sub-table plus id and lexicon."""
    return [{"id": e["id"], "lexicon": e.get("lexicon", []), **e[name]} for e in entries if name in e]
