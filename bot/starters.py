"""Suggestion chips for the chat page and the widget, chosen from what the clinic's posts cover.

The candidates live in ``data/starters.toml``; each names the lexicon concepts it
is about, and a candidate is offered only when the live index covers one of them.
So a clinic whose blog is all about feet is offered foot questions, and nobody
taps a chip that ends in "we don't have an article on that". Pure: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index import analysis
from index.datafile import read_toml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "starters.toml"
SHOWN = 4
MAX_CHARS = 80
KINDS = ("complaint", "question")


class StartersError(ValueError):
    """The starters file cannot be used; the message names the entry at fault."""


@dataclass(frozen=True)
class Starter:
    text: str
    needs: tuple[str, ...]
    kind: str


def parse(data: dict) -> tuple[Starter, ...]:
    """Validate the file's entries against the lexicon; raise StartersError on the first fault."""
    entries = data.get("starter")
    if not isinstance(entries, list) or not entries:
        raise StartersError("the file needs at least one [[starter]]")
    known = analysis.lexicon().concepts
    parsed = []
    for n, entry in enumerate(entries, 1):
        where = f"starter {n}"
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
            raise StartersError(f"{where}: 'text' must be 1-{MAX_CHARS} characters")
        needs = entry.get("needs")
        if not isinstance(needs, list) or not needs or not all(isinstance(c, str) for c in needs):
            raise StartersError(f"{where}: 'needs' must be a non-empty list of concept ids")
        unknown = [c for c in needs if c not in known]
        if unknown:
            raise StartersError(f"{where}: unknown concept(s) {', '.join(unknown)}")
        kind = entry.get("kind", "complaint")
        if kind not in KINDS:
            raise StartersError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
        parsed.append(Starter(" ".join(text.split()), tuple(needs), kind))
    return tuple(parsed)


@lru_cache(maxsize=4)
def load(path: str | Path = DEFAULT_PATH) -> tuple[Starter, ...]:
    return parse(read_toml(path, StartersError, "conversation starters"))


def configured(value) -> list[str] | None:
    """CLINICBOT_STARTERS as a list: a "|"-separated string or a list; None when unset or empty."""
    if value is None:
        return None
    items = value.split("|") if isinstance(value, str) else list(value)
    texts = [" ".join(str(item).split())[:MAX_CHARS] for item in items]
    texts = [t for t in texts if t]
    return texts or None


def pick(index, override=None, shown: int = SHOWN, candidates: tuple[Starter, ...] | None = None) -> list[str]:
    """The chips to show: the configured list, else covered complaints then one covered question.

    With no index (still building) or nothing covered there are no chips; the
    greeting alone asks the visitor to describe the problem.
    """
    chosen = configured(override)
    if chosen is not None:
        return chosen[:shown]
    if index is None:
        return []
    candidates = load() if candidates is None else candidates
    covered = [s for s in candidates if any(index.covers(c) for c in s.needs)]
    question = next((s.text for s in covered if s.kind == "question"), None)
    complaints = [s.text for s in covered if s.kind == "complaint"]
    room = shown - (1 if question else 0)
    return complaints[:room] + ([question] if question else [])
