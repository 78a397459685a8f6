"""Answer a labelled queries file in the format ../shared/eval/score.py reads.

Used by the relevance tests and bench/quality.py so both measure the product
exactly as visitors get it (red-flag and no-match answers included).
"""

from __future__ import annotations

import json
from pathlib import Path

from bot import cards
from bot.chat import respond
from bot.settings import BotSettings


def load_queries(path: str | Path) -> list[dict]:
    """Rows of a JSONL queries file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def answer_row(query_id: str, answer: dict) -> dict:
    """One scorer row from one API answer.

    A card holds a post's best section and links to its other matching sections
    (bot/cards.py): the sections are scored in that reading order, each card's
    own section then its links, and ``posts`` is the post of each (as score.py
    allows for a system that ranks sections).
    """
    shown = cards.flat(answer["results"])
    return {
        "id": query_id,
        "posts": [r["post_slug"] for r in shown],
        "sections": [{"post": r["post_slug"], "heading": r["section_heading"] or "(intro)"} for r in shown],
        "red_flag": answer["triage"]["level"] in ("emergency", "urgent"),
        "no_match": not answer["matched"],
    }


def answer_queries(queries: list[dict], index, settings: BotSettings | None = None) -> list[dict]:
    """Scorer rows for every query, answered by the full bot."""
    settings = settings or BotSettings()
    return [answer_row(q["id"], respond(q["query"], index, settings)) for q in queries]
