"""Follow-up benchmark: is a question that refers back answered for the complaint, with and without memory?

Each dev query with gold posts (../shared/eval/queries_dev.jsonl) is sent as a
complaint, then each general follow-up below in the same conversation. A
follow-up counts as on topic when its first card is from one of the complaint's
gold posts. "Without memory" sends the same follow-ups with no conversation id
(what every client got before web/conversation.py).

    .venv/bin/python -m bench.followups
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from app import BUNDLED_FEED, create_app
from index.live import build_from_feed

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT.parent / "shared" / "eval" / "queries_dev.jsonl"
#: General ways of referring back, not taken from the dev set.
FOLLOW_UPS = ["what exercises can I do for it?", "how long will it take to heal?", "is it serious?",
              "and if I keep running?", "it hurts", "should I rest it?", "what can I do about this?",
              "will it go away on its own?"]


def main() -> None:
    """Print on-topic shares with and without memory."""
    queries = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    queries = [q for q in queries if q.get("gold_posts")]
    folder = Path(tempfile.mkdtemp(prefix="followups-"))
    try:
        build_from_feed(str(BUNDLED_FEED), folder / "index")
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
                          "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench", "INQUIRY_LOG": False,
                          "RATELIMIT_ENABLED": False})
        client = app.test_client()
        counts = {"memory": 0, "none": 0}
        total = complaints = 0
        for n, query in enumerate(queries):
            gold = set(query["gold_posts"])
            first = client.post("/api/chat", json={"message": query["query"], "conversation_id": f"bench-{n}"})
            cards = first.get_json()["results"]
            complaints += bool(cards) and cards[0]["post_slug"] in gold
            for follow_up in FOLLOW_UPS:
                total += 1
                for mode, cid in (("memory", f"bench-{n}"), ("none", None)):
                    body = {"message": follow_up, **({"conversation_id": cid} if cid else {})}
                    results = client.post("/api/chat", json=body).get_json()["results"]
                    counts[mode] += bool(results) and results[0]["post_slug"] in gold
        print(f"{len(queries)} complaints x {len(FOLLOW_UPS)} follow-ups = {total}")
        print(f"the complaint itself, first card from a gold post (the ceiling): {complaints}/{len(queries)} "
              f"= {complaints / len(queries):.1%}")
        for mode, hits in counts.items():
            print(f"first card from a gold post of the complaint, {mode:6}: {hits}/{total} = {hits / total:.1%}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
