"""Which sections the triage desk's reply draft picks, on the bundled clinic's labelled dev queries.

    .venv/bin/python -m bench.desk_picks [--queries ../shared/eval/queries_dev.jsonl]

For every dev query with gold posts that is not an emergency, the desk is asked
as if staff pasted it; the default picks of ``bot.drafts.answering`` are compared
with the rule before it (the three best sections that are not weak matches):
how many picks fall in a gold post, how many drafts carry a logistics section
(insurance, referral...), how many carry a section of some other post, how
many pick nothing. The queries are read in place, for measuring only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    """Print the figures for both rules."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=str(ROOT.parent / "shared" / "eval" / "queries_dev.jsonl"))
    args = parser.parse_args(argv)
    from app import BUNDLED_FEED, create_app
    from bot.drafts import _logistics_of, answering
    from index.live import build_from_feed
    from web.staff.desk import analyse

    rows = [json.loads(line) for line in Path(args.queries).read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        build_from_feed(str(BUNDLED_FEED), Path(tmp) / "index")
        app = create_app({"INSTANCE_PATH": str(Path(tmp) / "instance"), "INDEX_DIR": str(Path(tmp) / "index"),
                          "INQUIRY_LOG": False, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        stats = {rule: dict(drafts=0, picks=0, gold=0, logistics=0, other_post=0, empty=0)
                 for rule in ("before", "now")}
        with app.test_request_context():
            for row in rows:
                if not row.get("gold_posts"):
                    continue
                result = analyse(row["query"], None, None)
                if result["triage"]["level"] == "emergency":
                    continue
                cards = result["candidates"]
                rules = {"before": [c for c in cards if not c["weak"]][:3],
                         "now": answering(cards, result["region"], result["topics"])}
                for rule, picked in rules.items():
                    s = stats[rule]
                    s["drafts"] += 1
                    s["picks"] += len(picked)
                    s["gold"] += sum(c["post_slug"] in row["gold_posts"] for c in picked)
                    s["logistics"] += any(_logistics_of(c.get("section_heading") or c.get("post_title") or "")
                                          for c in picked)
                    s["other_post"] += any(c["post_slug"] not in row["gold_posts"] for c in picked)
                    s["empty"] += not picked
    for rule, s in stats.items():
        share = s["gold"] / max(1, s["picks"])
        print(f"{rule:6} drafts {s['drafts']}  picks {s['picks']}  in a gold post {share:.3f}  "
              f"with a logistics section {s['logistics']}  with another post's section {s['other_post']}  "
              f"empty {s['empty']}")


if __name__ == "__main__":
    main()
