"""Read posts into term counts, on every core for large archives, with exactly the one-process result.

Screening, sectioning and analysing text are pure Python and are nearly all of a
build's time at 100k sections (bench/scale.py). All three are independent per
post, so a build hands out chunks of posts and each chunk is read in one go
(prepare_chunk), in this process for a small blog or on a process pool
(``forkserver``: safe from a threaded server) for a large archive:

1. each post is parsed once; the quality check (index/quality_check.py) reads
   the tree's text, and a post it keeps is cut into sections from the same tree;
2. the chunk's sections are analysed once per field (index/termcounts.py) into
   count matrices over the chunk's own terms.

Chunks come back in order; the parent keeps the posts quality_check.screen_posts
keeps, merges booking counters post by post in order (same tie-breaking as one
pass) and the counts onto the corpus vocabulary (termcounts.merge), then applies
idf (scikit-learn's smoothed formula in float32) and the weights once.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from index import quality_check, termcounts
from index.sections import Booking, parse, split_post

#: Below this many posts the pool is not worth its start-up (about a second per worker).
PARALLEL_MIN_POSTS = 5000
#: Sections per chunk of term counting (CHUNK // 4 posts per chunk of preparation).
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
    context.set_forkserver_preload(["index.build"])
    return context.Pool(processes(), initializer=initializer, initargs=initargs)


def chunks(items: list, size: int | None = None) -> list[list]:
    """Consecutive runs of ``size`` items (default CHUNK, read at call time so tests can shrink it)."""
    size = size or CHUNK
    return [items[start:start + size] for start in range(0, len(items), size)]


@dataclass
class Prepared:
    """What one chunk of posts yields, post by post, and the term counts of the sections it kept."""

    verdicts: list[quality_check.Verdict]
    #: per post: its sections (Section.to_dict(), no "id" yet); None for a post the quality check excludes
    sections: list[list[dict] | None]
    #: per post: the booking details it advertises (None: none, or excluded)
    bookings: list[Booking | None]
    #: the counts of every section in ``sections``, in order (None when there is none)
    counts: termcounts.Counts | None


def prepare_post(post, rules: quality_check.Rules | None = None) -> tuple[quality_check.Verdict, list, Booking]:
    """(verdict, sections, booking) of one post from a single parse of its body.

    The quality check reads a body's first quality_check.MAX_CHARS characters: a
    longer body is parsed once more for it, as before.
    """
    booking = Booking()
    if len(post.html) <= quality_check.MAX_CHARS:
        soup = parse(post.html)
        verdict = quality_check.judge(post, rules, text=quality_check.visible_text(soup))
    else:
        soup = None
        verdict = quality_check.judge(post, rules)
    if verdict.excluded:
        return verdict, [], booking
    return verdict, split_post(post, booking, soup), booking


def prepare_chunk(posts: list, analyzer: str = "lexicon") -> Prepared:
    """Screen, section and count one chunk of posts (the unit of work of a build)."""
    rules = quality_check.load_rules()
    verdicts, sections, bookings = [], [], []
    for post in posts:
        verdict, found, booking = prepare_post(post, rules)
        verdicts.append(verdict)
        sections.append(None if verdict.excluded else [section.to_dict() for section in found])
        bookings.append(booking if booking.urls or booking.phones else None)
    rows = [section for found in sections if found for section in found]
    return Prepared(verdicts, sections, bookings, termcounts.count_sections(rows, analyzer) if rows else None)


def _prepare(args):
    posts, analyzer = args
    return prepare_chunk(posts, analyzer)


def prepare(posts: list, analyzer: str = "lexicon") -> list[Prepared]:
    """prepare_chunk over consecutive chunks of posts, in order; on every core for a large archive."""
    work = [(chunk, analyzer) for chunk in chunks(posts, CHUNK // 4)]
    if processes() > 1 and len(posts) >= PARALLEL_MIN_POSTS:
        with _pool() as pool:
            return list(pool.imap(_prepare, work))
    return [_prepare(args) for args in work]


def smoothed_idf(df: np.ndarray, n_documents: int) -> np.ndarray:
    """scikit-learn's TfidfTransformer idf with smooth_idf=True, in float32: ln((1 + n) / (1 + df)) + 1."""
    df = df.astype(np.float32) + np.float32(1.0)
    idf = np.full_like(df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf
