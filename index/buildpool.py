"""Build large indexes on every core, with exactly the result of the one-process build.

Sectioning posts and analysing text are pure Python and dominate build time at
100k sections (bench/scale.py). Both are independent per post / per section, so
they are spread over a process pool (``forkserver``: safe from a threaded server):

1. sections: posts are cut into sections chunk by chunk; chunks come back in
   order, booking counters are merged in order (same tie-breaking as one pass);
2. vocabulary and idf: each chunk counts in how many sections each term occurs
   (over the same joined fields the one-process fit reads); the vocabulary is
   the sorted union and idf uses scikit-learn's smoothed formula in float32;
3. matrix: each worker turns its chunk into weighted, normalised rows with the
   same vectorizer a loaded index uses; rows are stacked in order.

Small corpora (the usual blog) stay in one process: starting workers costs more
than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter

import numpy as np
import scipy.sparse as sp

from index.analysis import analyze
from index.sections import Booking, split_posts

#: Below these sizes the pool is not worth its start-up (about a second per worker).
PARALLEL_MIN_POSTS = 5000
PARALLEL_MIN_SECTIONS = 20000
CHUNK = 2000

_worker_vectorizer = None
_worker_weights: dict = {}


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


def _chunks(items: list, size: int = CHUNK) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _split_chunk(posts):
    return split_posts(posts)


def split_posts_parallel(posts) -> tuple[list, Booking]:
    """split_posts over a pool: same sections in the same order, same booking counts."""
    booking = Booking()
    sections: list = []
    with _pool() as pool:
        for chunk_sections, chunk_booking in pool.imap(_split_chunk, _chunks(list(posts), CHUNK // 4)):
            sections.extend(chunk_sections)
            booking.urls.update(chunk_booking.urls)
            booking.phones.update(chunk_booking.phones)
    return sections, booking


def _document_frequency(joined_texts: list[str]) -> Counter:
    df: Counter = Counter()
    for text in joined_texts:
        df.update(set(analyze(text)))
    return df


def _init_matrix_worker(vocabulary: dict, idf: np.ndarray, weights: dict) -> None:
    global _worker_vectorizer, _worker_weights
    from index.artifact import make_vectorizer

    _worker_vectorizer = make_vectorizer(vocabulary)
    _worker_vectorizer.idf_ = idf
    _worker_weights = weights


def _matrix_chunk(sections: list[dict]):
    from index.artifact import section_matrix

    return section_matrix(_worker_vectorizer, sections, _worker_weights)


def smoothed_idf(df: np.ndarray, n_documents: int) -> np.ndarray:
    """scikit-learn's TfidfTransformer idf with smooth_idf=True, in float32: ln((1 + n) / (1 + df)) + 1."""
    df = df.astype(np.float32) + np.float32(1.0)
    idf = np.full_like(df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def fit_matrix_parallel(joined_texts: list[str], sections: list[dict], weights: dict):
    """(vocabulary, idf, matrix) equal to fitting make_vectorizer() on joined_texts and section_matrix()."""
    df: Counter = Counter()
    with _pool() as pool:
        for chunk_df in pool.imap(_document_frequency, _chunks(joined_texts)):
            df.update(chunk_df)
    vocabulary = {term: column for column, term in enumerate(sorted(df))}
    counts = np.fromiter((df[term] for term in vocabulary), dtype=np.int64, count=len(vocabulary))
    idf = smoothed_idf(counts, len(joined_texts))
    with _pool(_init_matrix_worker, (vocabulary, idf, weights)) as pool:
        parts = list(pool.imap(_matrix_chunk, _chunks(sections)))
    return vocabulary, idf, sp.vstack(parts, format="csr").astype(np.float32)
