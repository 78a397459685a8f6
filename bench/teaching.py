"""What teaching the bot is worth, on both labelled corpora (issue 16 part 5).

    .venv/bin/python -m bench.teaching [--corpus bundled|kibworth] [--calibrate]

Protocol, per corpus (the same feeds and queries as bench/quality.py): answer
every query with the full bot; the failed ones are the answerable queries whose
first post is wrong (P@1) or whose first three sections miss every gold section
(S@3). Sorted by id, every other one (the 1st, 3rd, ...) is corrected the way
staff would on the console: its message gets its first gold section
(bot/teaching.py, the reading web/staff/teaching.py stores). Then every query
is answered again with those corrections in force, and the bench prints:

- the corrected half: P@1 and S@3 before -> after (should be all fixed);
- the other failed half, never corrected: before -> after (a correction of a
  message with the same meaning may lift it; none should fall);
- every other query: P@1, S@3, no-match recall and red-flag recall before ->
  after, and how many answers changed at all (nothing should get worse).

``--calibrate`` prints how the similarity threshold (bot.teaching.SIMILARITY)
was chosen: cosine between questions of tests/data/lay_phrasings.jsonl's
"tuning" and "tuning-2" sets (never the validation set or the eval queries),
same post against different posts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import teaching as lessons  # noqa: E402
from bot.chat import respond  # noqa: E402
from bot.evaluate import answer_row, load_queries  # noqa: E402
from bot.redact import redact  # noqa: E402
from bot.settings import BotSettings  # noqa: E402
from index.feed import load_feed  # noqa: E402

ANSWERABLE = ("symptom", "logistics", "ambiguous")
LAY_PHRASINGS = ROOT / "tests" / "data" / "lay_phrasings.jsonl"
CALIBRATION_SETS = ("tuning", "tuning-2")
THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50)


def gold_section(index, query: dict) -> dict | None:
    """The section a member of staff would pick: the query's first gold section, else its first gold post's best."""
    def norm(heading):
        return " ".join((heading or "(intro)").replace("\u2019", "'").split()).casefold()

    sections = list(index.sections)
    for gold in query.get("gold_sections") or []:
        for section in sections:
            if section["post_slug"] == gold["post"] and norm(section["heading"]) == norm(gold["heading"]):
                return section
    for section in sections:
        if query.get("gold_posts") and section["post_slug"] == query["gold_posts"][0]:
            return section
    return None


def correction(index, number: int, query: dict, section: dict) -> lessons.Correction:
    """The correction staff would make for a query's message (redacted, read as the console reads it)."""
    lang, terms, concepts = lessons.read_message(index, redact(query["query"]))
    return lessons.Correction(number, lang, terms, concepts, section["section_url"], section["post_slug"],
                              section["heading"])


def answer_all(queries, index, teaching=None) -> dict[str, dict]:
    """Scorer rows by query id, answered by the full bot (with the lessons, if any)."""
    settings = BotSettings()
    return {q["id"]: answer_row(q["id"], respond(q["query"], index, settings, teaching=teaching)) for q in queries}


def per_query(scorer, queries, rows) -> dict[str, dict]:
    """The scorer's P@1 and S@3 of each answerable query."""
    return {q["id"]: scorer.query_metrics(q, rows.get(q["id"])) for q in queries if q["kind"] in ANSWERABLE}


def failed(metrics: dict) -> bool:
    """Wrong first post, or no gold section in the first three."""
    return metrics["hit1"] < 1 or metrics["sec3"] == 0.0


def summary(ids, before: dict, after: dict) -> str:
    """P@1 and S@3 before -> after over some queries."""
    def mean(found, key):
        values = [found[i][key] for i in ids if found[i][key] is not None]
        return (sum(values) / len(values), len(values)) if values else (float("nan"), 0)

    (p0, n), (p1, _) = mean(before, "hit1"), mean(after, "hit1")
    (s0, ns), (s1, _) = mean(before, "sec3"), mean(after, "sec3")
    return f"P@1 {p0:.3f} -> {p1:.3f} (n={n}), S@3 {s0:.3f} -> {s1:.3f} (n={ns})"


def gating_line(scorer, queries, before_rows, after_rows) -> str:
    """No-match and red-flag recall before -> after."""
    g0, g1 = scorer.gating(queries, before_rows), scorer.gating(queries, after_rows)
    return (f"no-match recall {g0['no_match_recall']:.3f} -> {g1['no_match_recall']:.3f}, red-flag recall "
            f"{g0['red_flag_recall']:.3f} -> {g1['red_flag_recall']:.3f}, false abstain "
            f"{g0['false_abstain_rate']:.3f} -> {g1['false_abstain_rate']:.3f}")


def measure(name: str, feed: Path, queries_path: Path, scorer, work: Path) -> dict:
    """The protocol on one corpus; prints its lines and returns the figures."""
    from bench.scoring import build_index

    queries = load_queries(queries_path)
    index = build_index(load_feed(str(feed)).posts, work / name / "teaching")
    rows_before = answer_all(queries, index)
    before = per_query(scorer, queries, rows_before)
    failures = sorted(i for i, m in before.items() if failed(m))
    corrected, held = failures[0::2], failures[1::2]
    by_id = {q["id"]: q for q in queries}
    made = []
    for number, query_id in enumerate(corrected, start=1):
        section = gold_section(index, by_id[query_id])
        if section is not None:
            made.append(correction(index, number, by_id[query_id], section))
    teaching = lessons.Teaching(made, [])
    rows_after = answer_all(queries, index, teaching)
    after = per_query(scorer, queries, rows_after)
    others = sorted(i for i in before if i not in failures)
    unanswerable = [q["id"] for q in queries if q["kind"] not in ANSWERABLE]
    changed = sum(rows_before[i] != rows_after[i] for i in others + unanswerable)
    worse = [i for i in others if _better(after[i], before[i])
             or after[i]["hit1"] < before[i]["hit1"] or (after[i]["sec3"] or 0) < (before[i]["sec3"] or 0)]
    print(f"\n== teaching, {name}: {len(failures)} failed of {len(before)} answerable; "
          f"{len(made)} corrections made")
    print(f"  corrected half   {', '.join(corrected) or '-'}: {summary(corrected, before, after)}")
    print(f"  other failed half {', '.join(held) or '-'}: {summary(held, before, after)}")
    print(f"  all other answerable: {summary(others, before, after)}; got worse: {len(worse)}"
          + (f" ({', '.join(worse)})" if worse else ""))
    print(f"  all queries: {gating_line(scorer, queries, rows_before, rows_after)}; "
          f"answers changed outside the failed set: {changed} of {len(others) + len(unanswerable)}")
    fixed = sum(after[i]["hit1"] == 1 and after[i]["sec3"] != 0.0 for i in corrected)
    return {"corrected": len(corrected), "fixed": fixed, "held": len(held),
            "held_improved": sum(_better(before[i], after[i]) for i in held),
            "held_worse": sum(_better(after[i], before[i]) for i in held), "others_worse": len(worse)}


def _better(a: dict, b: dict) -> bool:
    """True when b is better than a on P@1 or S@3 and worse on neither."""
    pairs = [(a["hit1"], b["hit1"]), (a["sec3"] or 0, b["sec3"] or 0)]
    return any(y > x for x, y in pairs) and all(y >= x for x, y in pairs)


def calibrate(index) -> None:
    """Cosine of lay phrasings about the same post vs different posts, at each candidate threshold."""
    rows = [json.loads(line) for line in LAY_PHRASINGS.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["set"] in CALIBRATION_SETS]
    made = [correction(index, n, {"query": r["text"]}, {"section_url": "", "post_slug": "", "heading": None})
            for n, r in enumerate(rows)]
    teaching = lessons.Teaching(made, [])
    # The cosine the bot computes (Teaching.similarity), of each question against every other.
    scores = [teaching.similarity(index, r["text"])[0] for r in rows]
    same, different = [], []
    for i, j in itertools.combinations(range(len(rows)), 2):
        # Question i asked after question j was taught.
        score = float(scores[i][j]) if lessons.compatible(made[i].concepts, made[j].concepts) else 0.0
        (same if rows[i]["title"] == rows[j]["title"] else different).append(score)
    print(f"\n== calibration: {len(rows)} lay phrasings ({' + '.join(CALIBRATION_SETS)}), "
          f"{len(same)} same-post pairs, {len(different)} different-post pairs")
    for threshold in THRESHOLDS:
        mark = "  <- bot.teaching.SIMILARITY" if abs(threshold - lessons.SIMILARITY) < 1e-9 else ""
        print(f"  cosine >= {threshold:.2f}: same post {sum(s >= threshold for s in same) / len(same):.3f}, "
              f"different posts {sum(s >= threshold for s in different)} of {len(different)}{mark}")


def report(scorer, work: Path, corpora=None) -> dict:
    """The protocol on every labelled corpus (bench/quality.py calls this at its end)."""
    from bench.scoring import CORPORA

    found = {name: measure(name, feed, queries, scorer, work)
             for name, (feed, queries) in CORPORA.items() if not corpora or name in corpora}
    total = {key: sum(f[key] for f in found.values()) for key in next(iter(found.values()))}
    print(f"teaching, all corpora: corrected {total['fixed']}/{total['corrected']} fixed; other failed half "
          f"{total['held_improved']} improved, {total['held_worse']} worse of {total['held']}; "
          f"other queries worse: {total['others_worse']}")
    return total


def main(argv=None) -> int:
    """Run the protocol (and the calibration table when asked)."""
    from bench.scoring import CORPORA, SHARED_EVAL, build_index, load_scorer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scorer", default=str(SHARED_EVAL / "score.py"))
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="only these corpora")
    parser.add_argument("--calibrate", action="store_true", help="also print the threshold calibration")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="clinicbot-bench-teaching-"))
    if args.calibrate:
        from app import BUNDLED_FEED

        calibrate(build_index(load_feed(str(BUNDLED_FEED)).posts, work / "calibration"))
    report(load_scorer(Path(args.scorer)), work, args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
