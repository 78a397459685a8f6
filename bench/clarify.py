"""How often the bot asks "Where do you feel it?" instead of showing cards, over every labelled set.

    .venv/bin/python -m bench.clarify [--show]

A clarifying question (bot/clarify.py, and the ``where_it_hurts`` intent) is
for messages that name nothing to match ("it hurts"). On the labelled sets,
written as ordinary complaints and questions, it should (almost) never fire:
each one that does is a visitor with a real complaint asked to start again.
Reads ../shared/eval and bench/data in place; measures, never tunes.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter

from bench.quality import CORPORA, ROOT
from bot.chat import respond
from bot.evaluate import load_queries
from bot.settings import BotSettings
from index import build, search
from index.feed import load_feed

#: corpus of bench/quality.py -> its Spanish set (bench/data), written apart from the English one.
SPANISH = {"bundled": ROOT / "bench" / "data" / "queries_es_victory.jsonl",
           "kibworth": ROOT / "bench" / "data" / "queries_es_kibworth.jsonl"}


def run(show: bool = False) -> list[tuple[str, int, int, Counter]]:
    """(set name, clarified, messages, clarified by kind) for each labelled set."""
    rows = []
    for corpus, (feed, english) in CORPORA.items():
        spanish = SPANISH[corpus]
        with tempfile.TemporaryDirectory() as tmp:
            build.build(load_feed(str(feed)).posts, tmp)
            index = search.load(tmp)
            for name, path in ((f"{corpus} en", english), (f"{corpus} es", spanish)):
                queries = load_queries(path)
                asked = [q for q in queries if respond(q["query"], index, BotSettings())["clarify"]]
                rows.append((name, len(asked), len(queries), Counter(q["kind"] for q in asked)))
                if show:
                    for q in asked:
                        print(f"  {name} {q['id']} ({q['kind']}): {q['query']}")
    return rows


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each message that was asked back")
    args = parser.parse_args()
    print(f"{'set':<14} {'asked':>5} {'of':>4}  by kind")
    for name, asked, total, kinds in run(args.show):
        print(f"{name:<14} {asked:>5} {total:>4}  {dict(kinds) or ''}")


if __name__ == "__main__":
    main()
