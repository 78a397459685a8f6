"""What every relevance bench shares: the labelled corpora, the shared scorer, fresh indexes, answers files.

bench/quality.py (English), bench/quality_es.py (Spanish) and bench/teaching.py (staff corrections) all
score through these, exactly as ../shared/eval/score.py does.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from index import build, search

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_EVAL = SHARED / "eval"
#: name -> (feed, labelled queries); both read in place from ../shared.
CORPORA = {
    "bundled": (SHARED / "seed" / "victory-blog.rss.xml", SHARED_EVAL / "queries_dev.jsonl"),
    "kibworth": (SHARED_EVAL / "corpora" / "kibworth-osteo" / "feed.rss.xml",
                 SHARED_EVAL / "corpora" / "kibworth-osteo" / "queries.jsonl"),
}


def load_scorer(path: Path):
    """The shared scorer as a module, so metrics are computed exactly as score.py does."""
    spec = importlib.util.spec_from_file_location("clinicbot_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_index(posts, folder: Path, **options) -> search.Index:
    """A fresh index of the posts with build options (analyzer, weights)."""
    build.build(posts, folder, **options)
    return search.load(folder)


def metrics(scorer, queries, rows) -> dict:
    """The scorer's end-to-end ALL row plus the gating figures."""
    by_id = {r["id"]: r for r in rows}
    table = dict(scorer.retrieval_table(queries, by_id))
    gating = scorer.gating(queries, by_id)
    return {**table["ALL"], "no_match_recall": gating["no_match_recall"],
            "false_abstain_rate": gating["false_abstain_rate"]}


def write_answers(folder: Path, name: str, rows: list[dict]) -> None:
    """One answers file per corpus and method, readable by score.py."""
    with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
