"""Does a Spanish message reach what its English twin reaches? Both labelled feeds, tuning rows only.

    .venv/bin/python -m bench.pairs_es [--list]

Every row of bench/data/tuning_es.jsonl that carries an ``english`` twin is answered
twice by the full bot on each corpus (bundled and Kibworth, whatever corpus the row
names): the Spanish message and its English twin. They agree when both give the same
first post, or both give none (a "no article" answer, an intent's reply, a red flag).
The English answer is the reference: the Spanish reading should land where English does.
``--list`` prints the rows that disagree (a tuning set: its messages may be read).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from bench.quality_es import CORPORA, TUNING
from bot.chat import respond
from bot.evaluate import answer_row, load_queries
from bot.settings import BotSettings
from index import build, search
from index.feed import load_feed


def first(answer: dict) -> str:
    """The first post an answer shows, or why it shows none."""
    row = answer_row("", answer)
    if row["red_flag"]:
        return "RED FLAG"
    return row["posts"][0] if row["posts"] else "-"


def pairs(rows: list[dict], index, settings: BotSettings) -> list[tuple[dict, str, str]]:
    """(row, Spanish first post, English first post) for each row."""
    return [(r, first(respond(r["query"], index, settings)), first(respond(r["english"], index, settings)))
            for r in rows]


def run() -> dict[str, list[tuple[dict, str, str]]]:
    """{corpus: pairs} over every tuning row that has an English twin."""
    rows = [q for q in load_queries(TUNING) if q.get("english")]
    work = Path(tempfile.mkdtemp(prefix="clinicbot-pairs-es-"))
    settings = BotSettings()
    found = {}
    for corpus, (feed, _english, _spanish) in CORPORA.items():
        build.build(load_feed(str(feed)).posts, work / corpus)
        found[corpus] = pairs(rows, search.load(work / corpus), settings)
    return found


def topic(row: dict) -> str:
    """The row's kind, with the practical topic its note names."""
    note = row.get("note", "")
    return note[note.find("(") + 1:note.find(")")] if "(" in note else row["kind"]


def main(argv=None) -> int:
    """Print agreement per corpus and topic; with --list, the rows that disagree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="print the rows that disagree")
    args = parser.parse_args(argv)
    for corpus, found in run().items():
        agree, total = Counter(), Counter()
        for row, es, en in found:
            total[topic(row)] += 1
            agree[topic(row)] += es == en
        print(f"{corpus}: {sum(agree.values())}/{sum(total.values())} agree; zero-post Spanish where English answers: "
              f"{sum(1 for _, es, en in found if es == '-' and en not in ('-', 'RED FLAG'))}")
        print("  " + ", ".join(f"{t} {agree[t]}/{total[t]}" for t in sorted(total)))
        if args.list:
            for row, es, en in found:
                if es != en:
                    print(f"  {row['id']}: {row['query']!r} -> {es} | en {row['english']!r} -> {en}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
