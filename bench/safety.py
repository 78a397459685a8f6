"""Red-flag safety benchmark: recall, false alarms and cost of the screening step.

Run from the project root:

    .venv/bin/python bench/safety.py            # summary
    .venv/bin/python bench/safety.py --misses   # also list every miss and false alarm
    .venv/bin/python bench/safety.py --json     # machine-readable figures

It reports, on ../shared/eval/queries_dev.jsonl, the red-flag recall (every
red_flag query must be emergency or urgent) and the false-alarm rate on the
symptom, logistics and ambiguous queries (no_match reported apart); then the
same figures on the hand-written phrasing sets in tests/data (positives per
category, negations, past events, over-alarm cases); then the time screening
takes per message against a baseline measured in the same run (the query
analyzer alone, which every message goes through anyway). Exit status 1 when
the dev targets (recall 100%, no false alarms) are missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import triage  # noqa: E402
from index.analysis import words  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "queries_dev.jsonl"
PHRASINGS = [ROOT / "tests" / "data" / name
             for name in ("redflag_phrasings.jsonl", "redflag_heldout.jsonl", "redflag_heldout2.jsonl",
                          "redflag_heldout3.jsonl", "redflag_ordinary.jsonl")]
QUIET_KINDS = ("symptom", "logistics", "ambiguous")


def load_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file; a missing file is reported, not a crash."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dev_figures(rows: list[dict]) -> dict:
    """Recall on red_flag queries and false alarms per other kind, as the product screens them."""
    out: dict = {"misses": [], "false_alarms": []}
    red = [r for r in rows if r["kind"] == "red_flag"]
    hits = 0
    for row in red:
        result = triage.screen(row["query"])
        if result.is_red_flag:
            hits += 1
        else:
            out["misses"].append({"id": row["id"], "query": row["query"]})
    out["red_flag_recall"] = {"hit": hits, "total": len(red)}
    for kinds, key in ((QUIET_KINDS, "false_alarms_answerable"), (("no_match",), "false_alarms_no_match")):
        pool = [r for r in rows if r["kind"] in kinds]
        alarms = []
        for row in pool:
            result = triage.screen(row["query"])
            if result.is_red_flag:
                alarms.append({"id": row["id"], "query": row["query"], "level": result.level,
                               "rules": result.rule_ids})
        out[key] = {"alarms": len(alarms), "total": len(pool)}
        out["false_alarms"].extend(alarms)
    return out


def phrasing_figures(rows: list[dict]) -> dict:
    """Positives: flagged at all, at the exact level, under-triaged emergencies. Negatives: false alarms."""
    per_category: dict = defaultdict(lambda: {"total": 0, "flagged": 0, "exact": 0})
    positives = negatives = flagged = exact = under = alarms = 0
    problems = []
    for row in rows:
        result = triage.screen(row["text"])
        stats = per_category[row["category"]]
        stats["total"] += 1
        if row["expect"] == "none":
            negatives += 1
            if result.level != "none":
                alarms += 1
                problems.append({**row, "got": result.level, "rules": result.rule_ids})
            else:
                stats["exact"] += 1
            continue
        positives += 1
        stats["flagged"] += result.is_red_flag
        stats["exact"] += result.level == row["expect"]
        flagged += result.is_red_flag
        exact += result.level == row["expect"]
        under += row["expect"] == "emergency" and result.level != "emergency"
        if result.level != row["expect"]:
            problems.append({**row, "got": result.level, "rules": result.rule_ids})
    return {"positives": positives, "flagged": flagged, "exact_level": exact, "under_triaged_emergencies": under,
            "negatives": negatives, "false_alarms": alarms, "per_category": dict(per_category),
            "problems": problems}


def timing(messages: list[str], repeat: int = 5) -> dict:
    """Median microseconds per message: screening versus the analyzer baseline, same messages, same run."""
    triage.load_rules()

    def per_message(fn) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            for message in messages:
                fn(message)
            runs.append((time.perf_counter() - start) / len(messages) * 1e6)
        return statistics.median(runs)

    baseline = per_message(words)
    screen = per_message(triage.screen)
    return {"messages": len(messages), "baseline_analyzer_us": round(baseline, 1),
            "screen_us": round(screen, 1), "ratio": round(screen / baseline, 2)}


def pct(part: int, whole: int) -> str:
    """A share as "n/N (p%)", honest about empty denominators."""
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0 (n/a)"


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when the dev-set targets are missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="labelled queries file (JSONL)")
    parser.add_argument("--misses", action="store_true", help="list every miss and false alarm")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    report: dict = {"rules": len(triage.load_rules()),
                    "categories": sorted({r.category for r in triage.load_rules()})}
    messages: list[str] = []
    if args.dev.exists():
        dev_rows = load_jsonl(args.dev)
        report["dev"] = dev_figures(dev_rows)
        messages += [r["query"] for r in dev_rows]
    else:
        report["dev"] = None
    report["phrasings"] = {}
    for path in PHRASINGS:
        rows = load_jsonl(path)
        report["phrasings"][path.name] = phrasing_figures(rows)
        messages += [r["text"] for r in rows]
    report["timing"] = timing(messages)

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"rules: {report['rules']} in {len(report['categories'])} categories")
        dev = report["dev"]
        if dev is None:
            print(f"dev set: {args.dev} not found, skipped")
        else:
            print(f"dev set ({args.dev.name})")
            recall = dev["red_flag_recall"]
            print(f"  red-flag recall                      {pct(recall['hit'], recall['total'])}")
            fa = dev["false_alarms_answerable"]
            print(f"  false alarms symptom/logistics/ambig {pct(fa['alarms'], fa['total'])}")
            fa = dev["false_alarms_no_match"]
            print(f"  false alarms no_match                {pct(fa['alarms'], fa['total'])}")
        for name, fig in report["phrasings"].items():
            print(f"hand-written phrasings ({name})")
            print(f"  positives flagged (emergency|urgent)  {pct(fig['flagged'], fig['positives'])}")
            print(f"  positives at the exact level          {pct(fig['exact_level'], fig['positives'])}")
            print(f"  emergencies under-triaged             {fig['under_triaged_emergencies']}")
            print(f"  negatives false alarms                {pct(fig['false_alarms'], fig['negatives'])}")
            for cat, s in sorted(fig["per_category"].items()):
                print(f"    {cat:30s} {s['exact']}/{s['total']} right")
        t = report["timing"]
        print(f"timing over {t['messages']} messages: screen {t['screen_us']} us/message, analyzer baseline "
              f"{t['baseline_analyzer_us']} us/message, ratio {t['ratio']}x")
        if args.misses:
            if dev:
                for row in dev["misses"]:
                    print(f"  DEV MISS {row['id']}: {row['query']}")
                for row in dev["false_alarms"]:
                    print(f"  DEV FALSE ALARM {row['id']} ({row['level']} {row['rules']}): {row['query']}")
            for name, fig in report["phrasings"].items():
                for row in fig["problems"]:
                    print(f"  {name}: expected {row['expect']}, got {row['got']} {row['rules']}: {row['text']}")
    dev = report["dev"]
    if dev and (dev["misses"] or dev["false_alarms_answerable"]["alarms"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
