"""Build large indexes on every core, with exactly the result of the one-process build.

Sectioning posts and analysing text are pure Python and dominate build time at
100k sections (bench/scale.py). Both are independent per post / per section, so
they are spread over a process pool (``forkserver``: safe from a threaded server):

0. screening: every post is judged (index/quality_check.py) chunk by chunk;
1. sections: posts are cut into sections chunk by chunk; chunks come back in
   order, booking counters are merged in order (same tie-breaking as one pass);
2. term counts: each worker analyses its chunk of sections once per field
   (index/termcounts.py) and returns count matrices over the chunk's terms; the
   parent merges them onto the corpus vocabulary in order, then applies idf
   (scikit-learn's smoothed formula in float32) and the weights once.

Small corpora (the usual blog) stay in one process: starting workers costs more
than it saves.
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np

from index.quality_check import judge
from index.sections import Booking, split_posts
from index.termcounts import count_sections

#: Below these sizes the pool is not worth its start-up (about a second per worker).
PARALLEL_MIN_POSTS = 5000
PARALLEL_MIN_SECTIONS = 20000
CHUNK = 2000


def processes() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pool(initializer=None, initargs=()):
    """A pool forked from a clean server process that has the index code imported once (fast starts)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["index.artifact"])
    return context.Pool(processes(), initializer=initializer, initargs=initargs)


def chunks(items: list, size: int | None = None) -> list[list]:
    """Consecutive runs of ``size`` items (default CHUNK, read at call time so tests can shrink it)."""
    size = size or CHUNK
    return [items[start:start + size] for start in range(0, len(items), size)]


def _split_chunk(posts):
    return split_posts(posts)


def split_posts_parallel(posts) -> tuple[list, Booking]:
    """split_posts over a pool: same sections in the same order, same booking counts."""
    booking = Booking()
    sections: list = []
    with _pool() as pool:
        for chunk_sections, chunk_booking in pool.imap(_split_chunk, chunks(list(posts), CHUNK // 4)):
            sections.extend(chunk_sections)
            booking.urls.update(chunk_booking.urls)
            booking.phones.update(chunk_booking.phones)
    return sections, booking


def _judge_chunk(posts):
    return [judge(post) for post in posts]


def judge_parallel(posts) -> list:
    """quality_check.judge of every post, in order, on every core."""
    verdicts: list = []
    with _pool() as pool:
        for chunk in pool.imap(_judge_chunk, chunks(list(posts), CHUNK // 4)):
            verdicts.extend(chunk)
    return verdicts


def _count_chunk(args):
    sections, analyzer = args
    return count_sections(sections, analyzer)


def count_sections_parallel(sections: list[dict], analyzer: str) -> list:
    """termcounts.count_sections over chunks of sections on every core, chunks in order."""
    fields = ("post_title", "parent_heading", "heading", "text")
    slim = [{name: section.get(name) for name in fields} for section in sections]
    with _pool() as pool:
        return list(pool.imap(_count_chunk, [(chunk, analyzer) for chunk in chunks(slim)]))


def smoothed_idf(df: np.ndarray, n_documents: int) -> np.ndarray:
    """scikit-learn's TfidfTransformer idf with smooth_idf=True, in float32: ln((1 + n) / (1 + df)) + 1."""
    df = df.astype(np.float32) + np.float32(1.0)
    idf = np.full_like(df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf
