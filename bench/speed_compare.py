"""Two trees' screens timed in one process, message by message set by set: the fair speed comparison here.

On a shared machine two runs minutes apart differ by more than most speed
changes, so an old tree (a `git archive` of the commit to compare with, and its
trained model) and this tree are imported side by side and timed by turns,
each screen over every message of a set in turn, several rounds, CPU time:

    git archive a563151 bot index data | (mkdir -p /tmp/old && tar -x -C /tmp/old)
    cp -r data/redflag_model /tmp/old/data/   # the same artifact, or train one there
    .venv/bin/python -m bench.speed_compare /tmp/old --stories 80 --rounds 9

Prints, per set (short corpus and dev messages, 2,000-character stories as
bench.safety builds them, routine-only stories), p95 of each message's fastest
run, p95 over all runs, p50 of fastest runs and the median per-message ratio
new/old; and first the number of messages whose outcome differs (must be 0).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "index")


def _load(root: Path):
    """bot.triage and the bundled model of a tree, imported afresh from it."""
    for name in [n for n in sys.modules if n.split(".")[0] in PACKAGES]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        triage = importlib.import_module("bot.triage")
        model = importlib.import_module("bot.redflag_model").load_default()
    finally:
        sys.path.remove(str(root))
    if not triage.__file__.startswith(str(root)):
        raise SystemExit(f"bot.triage came from {triage.__file__}, not {root}")
    return triage, model


def _outcome(result) -> tuple:
    return (result.level, result.rule_ids, result.categories, result.lead, result.family, result.source,
            result.learned_score, result.message)


def main(argv: list[str] | None = None) -> int:
    """Time both trees; exit 1 when an outcome differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the tree to compare with (bot/, index/, data/ with a model)")
    parser.add_argument("--stories", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    old_triage, old_model = _load(args.old.resolve())
    new_triage, new_model = _load(ROOT)
    from bench.safety import DEV_SETS, load_jsonl, long_messages
    from bot import redflag_model as rm
    from index.analysis import words

    rows = rm.load_corpus(rm.corpus_files([rm.CORPUS_DIR]))
    texts = [r["text"] for r in rows]
    dev = [q["query"] for path in DEV_SETS if path.exists() for q in load_jsonl(path) if q["kind"] != "red_flag"]
    sets = {"short": texts[:: max(1, len(texts) // 600)] + dev,
            "flagged 2,000": long_messages(texts, args.stories),
            "routine 2,000": long_messages([r["text"] for r in rows if r["label"] == "routine"], args.stories)}
    screens = {"words()": words,
               "old rules": lambda t: old_triage.screen(t, learned=False),
               "new rules": lambda t: new_triage.screen(t, learned=False),
               "old rules+model": lambda t: old_triage.screen(t, learned=old_model or False),
               "new rules+model": lambda t: new_triage.screen(t, learned=new_model or False)}
    differ = 0
    for msgs in sets.values():
        for t in msgs:  # also warms both trees (plans, caches) before timing
            differ += _outcome(old_triage.screen(t, learned=False)) != _outcome(new_triage.screen(t, learned=False))
            differ += (_outcome(old_triage.screen(t, learned=old_model or False))
                       != _outcome(new_triage.screen(t, learned=new_model or False)))
    print(f"outcome differences: {differ}")
    for name, msgs in sets.items():
        times = {k: np.empty((args.rounds, len(msgs))) for k in screens}
        for r in range(args.rounds):
            order = list(screens.items())
            for k, fn in order if r % 2 else reversed(order):
                for j, t in enumerate(msgs):
                    start = time.thread_time()
                    fn(t)
                    times[k][r, j] = (time.thread_time() - start) * 1e3
        print(f"{name} ({len(msgs)} messages, {args.rounds} rounds; ms): p95 fastest | p95 all | p50 fastest"
              " | median new/old")
        for k, v in times.items():
            ratio = f"{np.median(v.min(0) / times['old' + k[3:]].min(0)):.3f}" if k.startswith("new") else ""
            print(f"  {k:16s} {np.percentile(v.min(0), 95):6.3f} | {np.percentile(v, 95):6.3f} | "
                  f"{np.percentile(v.min(0), 50):6.3f} | {ratio}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
