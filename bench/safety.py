"""Red-flag safety benchmark: what the rules and the learned layer catch, miss and cost.

Run from the project root (after `clinicbot train-redflags`, or `make install`):

    .venv/bin/python -m bench.safety            # every figure (a few minutes: it refits for CV and LOFO)
    .venv/bin/python -m bench.safety --quick    # skip the refits (no CV, no leave-one-family-out)
    .venv/bin/python -m bench.safety --misses   # also list the held-out misses and false alarms

Figures, each with its target beside it where the issue sets one:

* leave-one-family-out: the model trained without a family's red flags and
  tested on them (what the screen does for a condition nobody foresaw);
* the corpus under stratified cross-validation (rules, model, both);
* the independent held-out set (tests/data/redflag_independent.jsonl, written
  apart from the corpus and never tuned on): per family and per language,
  recall, exact level and under-triage, rules alone against rules + model;
* the second, third and fourth independent held-out sets (tests/data/redflag_independent_2.jsonl, _3, _4,
  each written later by a helper that never saw the corpus or the rules): aggregate figures only
  (recall overall/EN/ES, exact level, emergencies below urgent, false alarms), never a list of its misses;
* false alarms on routine messages: corpus look-alikes (cross-validated),
  held-out routine rows, and every non-red-flag dev query of both clinics'
  sets in ../shared/eval;
* p95 screening time per message against a baseline measured in the same run.

Exit status 1 when a held-out target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bot import redflag_model as rm
from bot import redflag_train as rt
from bot import triage
from index.analysis import words

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "data" / "redflag_independent.jsonl"
# A second set, written later and apart from the first; only its aggregate figures are printed (no per-row
# misses), so nobody is tempted to tune on it.
HELDOUT_2 = ROOT / "tests" / "data" / "redflag_independent_2.jsonl"
HELDOUT_3 = ROOT / "tests" / "data" / "redflag_independent_3.jsonl"  # session 8, from public guidance only
HELDOUT_4 = ROOT / "tests" / "data" / "redflag_independent_4.jsonl"  # session 10, the same way, read by nobody
DEV_SETS = [ROOT.parent / "shared" / "eval" / "queries_dev.jsonl",
            ROOT.parent / "shared" / "eval" / "corpora" / "kibworth-osteo" / "queries.jsonl"]
TARGETS = {"recall": 1.0, "exact": 0.90, "emergency_below_urgent": 0, "false_alarms": 0.03, "p95_ms": 2.0}
RED = ("emergency", "urgent")


def load_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pct(x: float) -> str:
    """A share as a percentage."""
    return f"{100 * x:5.1f}%"


def table(rows: list[dict], levels: dict[str, list[str]], key: str) -> list[str]:
    """Per-group lines: recall, exact level and under-triage for each screen in levels."""
    groups: dict = defaultdict(list)
    for i, row in enumerate(rows):
        if row["label"] != "routine":
            groups[row.get(key) or "?"].append(i)
    names = list(levels)
    out = [f"  {key:14s} {'n':>4s}  " + "  ".join(f"{n + ' recall/exact/under':>28s}" for n in names)]
    for group in sorted(groups) + ["ALL"]:
        idx = [i for g in groups for i in groups[g]] if group == "ALL" else groups[group]
        cells = []
        for name in names:
            got = [levels[name][i] for i in idx]
            want = [rows[i]["label"] for i in idx]
            recall = np.mean([g in RED for g in got])
            exact = np.mean([g == w for g, w in zip(got, want, strict=True)])
            under = sum(w == "emergency" and g not in RED for g, w in zip(got, want, strict=True))
            cells.append(f"{pct(recall)} {pct(exact)} {under:4d}".rjust(28))
        out.append(f"  {group:14s} {len(idx):4d}  " + "  ".join(cells))
    return out


def false_alarm_line(label: str, levels: dict[str, list[str]]) -> str:
    """One routine pool's false-alarm rate per screen."""
    parts = []
    for name, got in levels.items():
        alarms = sum(g in RED for g in got)
        parts.append(f"{name} {alarms}/{len(got)} ({pct(alarms / len(got)).strip()})" if got else f"{name} n/a")
    return f"  {label:44s} " + "   ".join(parts) + f"   [target <= {pct(TARGETS['false_alarms']).strip()}]"


def aggregate(held: list[dict], best: list[str]) -> dict:
    """One held-out set's headline figures for one screen: recall (all, EN, ES), exact level, under-triage, alarms."""
    red = [i for i, r in enumerate(held) if r["label"] != "routine"]
    routine = [i for i, r in enumerate(held) if r["label"] == "routine"]
    out = {"recall": np.mean([best[i] in RED for i in red]) if red else 1.0,
           "exact": np.mean([best[i] == held[i]["label"] for i in red]) if red else 1.0,
           "under": sum(held[i]["label"] == "emergency" and best[i] not in RED for i in red),
           "urgent_missed": sum(held[i]["label"] == "urgent" and best[i] not in RED for i in red),
           "under_called": sum(held[i]["label"] == "emergency" and best[i] == "urgent" for i in red),
           "over_called": sum(held[i]["label"] == "urgent" and best[i] == "emergency" for i in red),
           "alarms": np.mean([best[i] in RED for i in routine]) if routine else 0.0,
           "n_red": len(red), "n_routine": len(routine)}
    for lang in ("en", "es"):
        idx = [i for i in red if held[i].get("lang") == lang]
        out[f"recall_{lang}"] = np.mean([best[i] in RED for i in idx]) if idx else float("nan")
    return out


def level_errors(fig: dict) -> str:
    """A set's level errors apart: urgent rows missed, emergencies answered urgent, urgent answered emergency."""
    return (f"level: urgent missed {fig['urgent_missed']}, emergency answered urgent {fig['under_called']}, "
            f"urgent answered emergency {fig['over_called']}")


def missed_target(fig: dict) -> bool:
    """Whether a set's figures miss any held-out target."""
    return (fig["recall"] < TARGETS["recall"] or fig["exact"] < TARGETS["exact"] or fig["under"] > 0
            or fig["alarms"] > TARGETS["false_alarms"])


def aggregate_block(path: Path, model, label: str) -> tuple[list[str], bool]:
    """A later held-out set as its own block: aggregate lines per screen, and whether a target is missed."""
    held = load_jsonl(path)
    levels = screens([r["text"] for r in held], model)
    lines = [f"\n{label} ({path.name}, {len(held)} rows; aggregates only; targets: recall 100%, "
             "exact >= 90%, no emergency below urgent, false alarms <= 3%)"]
    fig = {}
    for name, got in levels.items():
        fig = aggregate(held, got)
        lines.append(f"  {name:12s} recall {pct(fig['recall'])} (EN {pct(fig['recall_en']).strip()}, ES "
                     f"{pct(fig['recall_es']).strip()}) of {fig['n_red']}, exact {pct(fig['exact'])}, emergencies "
                     f"below urgent {fig['under']}, false alarms {pct(fig['alarms'])} of {fig['n_routine']}")
        lines.append(f"  {'':12s} {level_errors(fig)}")
    return lines, missed_target(fig)  # the last screen is the shipped one (rules + model when there is a model)


def screens(texts: list[str], model) -> dict[str, list[str]]:
    """Levels from the rules alone and from rules + model."""
    out = {"rules": [triage.screen(t, learned=False).level for t in texts]}
    if model is not None:
        out["rules+model"] = [triage.screen(t, learned=model).level for t in texts]
    return out


def lofo(rows: list[dict], docs: list[list[str]], by_rules: list[str], threshold: float) -> list[str]:
    """Leave one family out: fit without its red flags, test on them."""
    out = ["leave-one-family-out (model fitted without the family's red flags; routine rows kept)",
           f"  {'family':14s} {'n':>4s}  {'model recall':>12s} {'rules+model recall':>18s} {'exact':>7s} "
           f"{'rules alone recall':>18s}"]
    for family in rm.FAMILIES:
        test = [i for i, r in enumerate(rows) if r["family"] == family]
        if not test:
            continue
        train = [i for i, r in enumerate(rows) if r["family"] != family]
        model = rm.fit([docs[i] for i in train], [rm.label_of(rows[i]) for i in train])
        model.threshold = threshold
        preds = [model.predict(docs[i]) for i in test]
        alone = np.mean([p.fires for p in preds])  # predict() applies MIN_WORDS too
        both = [rt.combined_level(by_rules[i], p) for i, p in zip(test, preds, strict=True)]
        recall = np.mean([b in RED for b in both])
        exact = np.mean([b == rows[i]["label"] for b, i in zip(both, test, strict=True)])
        rules = np.mean([by_rules[i] in RED for i in test])
        out.append(f"  {family:14s} {len(test):4d}  {pct(alone):>12s} {pct(recall):>18s} {pct(exact):>7s} "
                   f"{pct(rules):>18s}")
    return out


def latency(texts: list[str], model, repeat: int = 3) -> dict:
    """p50/p95/p99/mean CPU milliseconds per message over every run, and p95 of each message's fastest run:
    analyzer baseline, rules alone, rules + model; same run.

    CPU time of this thread (time.thread_time), not wall clock: on a shared
    machine the wall clock of a 1 ms call swings tenfold with others' load. Even
    CPU time grows with others' load (caches shared, time slices cut): each
    message's fastest run of the `repeat` is the figure least moved by it.
    """
    def per_message(fn) -> np.ndarray:
        times = np.empty((repeat, len(texts)))
        for r in range(repeat):
            for i, t in enumerate(texts):
                start = time.thread_time()
                fn(t)
                times[r, i] = (time.thread_time() - start) * 1e3
        return times
    fns = {"baseline (analyzer words())": words, "rules": lambda t: triage.screen(t, learned=False)}
    if model is not None:
        fns["rules+model"] = lambda t: triage.screen(t, learned=model)
    return {name: (*(float(np.percentile(ts, q)) for q in (50, 95, 99)), float(np.mean(ts)),
                   float(np.percentile(ts.min(axis=0), 95)))
            for name, ts in ((n, per_message(f)) for n, f in fns.items())}


def long_messages(texts: list[str], n: int = 40, size: int = 2000) -> list[str]:
    """Messages of about `size` characters made by joining the given messages (a long story)."""
    out, rng = [], np.random.default_rng(0)
    for _ in range(n):
        parts: list[str] = []
        while sum(map(len, parts)) < size:
            parts.append(texts[int(rng.integers(len(texts)))])
        out.append(" ".join(parts)[:size])
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when a held-out target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus folder (default data/redflag_corpus)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="independent held-out set (JSONL)")
    parser.add_argument("--heldout2", type=Path, action="append",
                        help="a later held-out set, aggregates only (repeatable; default sets 2 and 3)")
    parser.add_argument("--model", type=Path, default=rm.MODEL_DIR, help="trained artifact")
    parser.add_argument("--quick", action="store_true", help="skip cross-validation and leave-one-family-out")
    parser.add_argument("--misses", action="store_true", help="list held-out misses and false alarms")
    args = parser.parse_args(argv)
    model = rm.load(args.model) if (args.model / "manifest.json").exists() else None
    print(f"rules: {len(triage.load_rules())}; model: "
          + (f"{args.model} ({len(model.vocabulary)} features, threshold {model.threshold}, emergency cut "
             f"{model.emergency_cut}, trained on {model.manifest.get('rows')} rows)" if model else "none (rules only)"))
    failed = False

    rows = rm.load_corpus(rm.corpus_files(args.corpus or [rm.CORPUS_DIR]))
    texts = [r["text"] for r in rows]
    if not args.quick:
        docs = [rt.reading_features(t) for t in texts]
        cv = rt.cross_validate(rows, docs, 5)
        print(f"\ncorpus, 5-fold stratified CV ({len(rows)} rows; threshold {cv['threshold']}, "
              f"emergency cut {cv['emergency_cut']})")
        for name in ("rules", "model", "both"):
            f = cv[name]
            print(f"  {name:6s} recall {pct(f['recall'])}  exact {pct(f['exact'])}  emergencies below urgent "
                  f"{f['emergency_below_urgent']:3d}  look-alike false alarms {pct(f['false_alarms'])} "
                  f"of {f['routine']}")
        print()
        print(f"threshold {cv['threshold']} (the cross-validated choice)")
        print("\n".join(lofo(rows, docs, rt.rules_levels(rows), cv["threshold"])))

    if args.heldout.exists():
        held = load_jsonl(args.heldout)
        levels = screens([r["text"] for r in held], model)
        best = levels.get("rules+model", levels["rules"])
        print(f"\nheld-out ({args.heldout.name}, {len(held)} rows; targets: recall 100%, exact >= 90%, "
              "no emergency below urgent, false alarms <= 3%)")
        for lang in sorted({r.get("lang", "?") for r in held}):
            idx = [i for i, r in enumerate(held) if r.get("lang", "?") == lang]
            sub = [held[i] for i in idx]
            print(f" lang {lang}")
            print("\n".join(table(sub, {k: [v[i] for i in idx] for k, v in levels.items()}, "family")))
        fig = aggregate(held, best)
        failed |= missed_target(fig)
        print(f"  {level_errors(fig)}")
        print(f"  HELD-OUT {'rules+model' if model else 'rules'}: recall {pct(fig['recall'])} [100%], exact "
              f"{pct(fig['exact'])} [>= 90%], emergencies below urgent {fig['under']} [0], false alarms "
              f"{pct(fig['alarms'])} [<= 3%]")
        if args.misses:
            for i, r in enumerate(held):
                if (r["label"] == "routine") == (best[i] in RED) or (r["label"] != "routine" and best[i] != r["label"]):
                    print(f"    {r['label']:>9s} -> {best[i]:9s} {r.get('family')}: {r['text'][:150]}")
    else:
        print(f"\nheld-out: {args.heldout} not found, skipped")
    for number, path in enumerate(args.heldout2 or [HELDOUT_2, HELDOUT_3, HELDOUT_4], start=2):
        if not path.exists():
            print(f"\nheld-out {number}: {path} not found, skipped")
            continue
        lines, missed = aggregate_block(path, model, f"held-out {number}")
        print("\n".join(lines))
        failed |= missed

    print("\nfalse alarms on routine messages")
    routine_texts = [r["text"] for r in rows if r["label"] == "routine"]
    print(false_alarm_line(f"corpus look-alikes, seen in training ({len(routine_texts)})",
                           screens(routine_texts, model)))
    if args.heldout.exists():
        print(false_alarm_line("held-out routine rows", screens([r["text"] for r in held if r["label"] == "routine"],
                                                              model)))
    dev_texts = []
    for path in DEV_SETS:
        if path.exists():
            queries = [q["query"] for q in load_jsonl(path) if q["kind"] != "red_flag"]
            dev_texts += queries
            print(false_alarm_line(f"{path.parent.name}/{path.name} non-red-flag", screens(queries, model)))
            red_queries = [q["query"] for q in load_jsonl(path) if q["kind"] == "red_flag"]
            got = screens(red_queries, model)
            print("  " + f"{path.parent.name}/{path.name} red_flag recall".ljust(44) + " " + "   ".join(
                f"{k} {sum(g in RED for g in v)}/{len(v)}" for k, v in got.items()))

    sample = texts[:: max(1, len(texts) // 600)] + dev_texts
    print(f"\nCPU time per message, in-process (target p95 <= {TARGETS['p95_ms']} ms)")
    for label, msgs in ((f"{len(sample)} corpus and dev messages", sample),
                        ("40 messages of 2,000 characters", long_messages(texts)),
                        # Stories of routine look-alikes only: mostly no emergency, so the model runs on them.
                        ("40 routine stories of 2,000 characters", long_messages(routine_texts))):
        print(f"  {label}")
        for name, (p50, p95, p99, mean, fastest) in latency(msgs, model).items():
            print(f"    {name:28s} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   p99 {p99:6.2f} ms   mean {mean:6.2f} ms"
                  f"   p95 of fastest runs {fastest:6.2f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
