"""Build an index version from posts: sections, term counts, TF-IDF matrices and priors, saved as plain files.

What a version folder holds (index/versions.py publishes it, index/search.py loads it)::

    manifest.json       format, parameters, counts, feed info, library versions
    vocabulary.json     term -> column (the readable record; load reads terms.txt)
    terms.txt           the same terms one a line in column order, looked up through
                        arrays.npz's term keys without a dict (index/vocabulary.py)
    words.json          known word -> count (posts plus lexicon), for typo correction
    arrays.npz          per term: idf, CRC-32 keys (sorted, with their columns) and
                        offsets into terms.txt; per section: length prior, post number,
                        byte offset of its line in sections.jsonl (plus the file's end)
    matrix.npz          section x term TF-IDF matrix, CSC, in scipy's uncompressed npz
                        layout (scipy.sparse.load_npz reads it); load memory-maps its
                        arrays inside the zip, shared by every worker (index/sparse_npz.py)
    headings.npz        section x term TF-IDF of each section's own heading, same form
    sections.jsonl      the section store: one JSON object per row of the matrix,
                        decoded line by line when shown (index/section_store.py)
    posts.jsonl         the posts the sections came from
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from index import analysis, buildpool, context, quality_check, sparse_npz, termcounts
from index.section_store import write_jsonl
from index.sections import Booking, split_post
from index.spelling import WORD
from index.versions import DEFAULT_ANALYZER, FORMAT_VERSION, ArtifactError, publish
from index.vocabulary import write_vocabulary

__all__ = ["BuildResult", "build", "heading_matrix", "section_matrix", "tfidf"]

#: How much each field counts in a section's vector. A word in the post title or
#: the section heading says more about what the section is for than one in the body.
DEFAULT_WEIGHTS = {"title": 0.5, "heading": 1.5, "body": 1.0}
#: Posts whose share of domain words (index/quality_check.py) is below this are scaled down (see
#: topic_prior): book reviews, recipes and news rarely answer a complaint. 0 turns it off.
TOPIC_PIVOT = 0.05
#: Sections with fewer body words than this are scaled down (see length_prior).
PRIOR_PIVOT = 30
LIBRARIES = ("scikit-learn", "numpy", "scipy", "nltk", "feedparser", "beautifulsoup4")


def _versions() -> dict:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def length_prior(sections: list[dict], pivot: int = PRIOR_PIVOT) -> np.ndarray:
    """A per-section multiplier that keeps near-empty sections from outranking real answers.

    Cosine similarity favours short texts: a container heading with no body
    ("Common Questions About Shin Splints") is all heading words and scores
    highest, though it holds nothing to read. Sections without body text get
    0; short ones are scaled by sqrt(words / pivot), full-length ones by 1.
    """
    lengths = np.array([len((s.get("text") or "").split()) for s in sections], dtype=np.float32)
    return np.minimum(1.0, np.sqrt(lengths / pivot)).astype(np.float32)


def topic_prior(sections: list[dict], verdicts, pivot: float | None = None) -> np.ndarray:
    """A per-section multiplier from its post's share of clinical-domain words: off-topic posts rank lower.

    A blog carries book reviews, recipes and a dog's news beside its clinical
    posts; their sections may share a visitor's words ("exercise", "menopause")
    while saying nothing about the complaint. The quality check already measures
    each post's share of domain words (data/ingest_quality.toml); a post below
    ``pivot`` scores that fraction of itself, so it can still answer when nothing
    else does but never outranks a clinical post by a passing mention. Bodies too
    short to judge keep 1.
    """
    pivot = TOPIC_PIVOT if pivot is None else pivot
    if not pivot:
        return np.ones(len(sections), dtype=np.float32)
    share = {v.guid: (min(1.0, v.domain_ratio / pivot) if v.n_words >= 50 else 1.0) for v in verdicts}
    return np.array([share.get(s["post_guid"], 1.0) for s in sections], dtype=np.float32)


def word_counts(counts: dict[str, int]) -> dict[str, int]:
    """The posts' words with their counts plus the lexicon's words: what typo correction may correct to."""
    counts = dict(counts)
    for concept in analysis.lexicon().concepts.values():
        for word in WORD.findall(analysis.fold(" ".join(concept.terms))):
            counts.setdefault(word, 1)
    return counts


def tfidf(idf: np.ndarray) -> TfidfTransformer:
    """The fitted TF-IDF step of make_vectorizer(), for count matrices made by index/termcounts.py."""
    transformer = TfidfTransformer(sublinear_tf=True)
    transformer.idf_ = idf
    return transformer


def section_matrix(transformer: TfidfTransformer, counts: dict, weights: dict,
                   title_rows: np.ndarray | None = None) -> sp.csr_matrix:
    """Weighted sum of per-field TF-IDF vectors, L2-normalised per section.

    ``title_rows``: a per-section multiplier of the title field (index/context.py:
    sections under a heading many posts share read through their post's title).
    """
    total = None
    for name, weight in weights.items():
        if not weight:
            continue
        part = transformer.transform(counts[name]) * weight
        if name == "title" and title_rows is not None:
            part = sp.diags(title_rows) @ part
        total = part if total is None else total + part
    return normalize(total.tocsr()).astype(np.float32)


def heading_matrix(transformer: TfidfTransformer, counts: dict) -> sp.csr_matrix:
    """Each section's own heading alone (no parent, no title), L2-normalised.

    The weighted section vector decides which posts are relevant; among one
    post's sections, whose heading says what the visitor asked ("Can I keep
    running while treating shin splints?") is the better place to send them.
    The matcher adds HEADING_BOOST times this cosine to the section score.
    """
    return normalize(transformer.transform(counts["own_heading"]).tocsr()).astype(np.float32)


@dataclass
class BuildResult:
    """What a build produced, for the CLI to report."""

    path: Path
    n_posts: int
    n_sections: int
    warnings: list[str] = field(default_factory=list)


def _kept_sections(every_post: list, kept: list, prepared: list) -> tuple[list[dict], Booking, bool]:
    """The sections and booking details of the kept posts, in order, and whether to count them anew.

    The prepared counts cover the posts the quality check's verdicts keep; when
    screen_posts keeps another set (a caller that replaced it), the sections
    are cut here as needed and counted again.
    """
    kept_ids = {id(post) for post in kept}
    sections: list[dict] = []
    booking = Booking()
    recount = False
    per_post = ((found, found_booking) for part in prepared for found, found_booking in zip(part.sections,
                                                                                              part.bookings,
                                                                                              strict=True))
    for post, (found, found_booking) in zip(every_post, per_post, strict=True):
        if id(post) not in kept_ids:
            recount = recount or found is not None
            continue
        if found is None:  # kept although its verdict excluded it
            recount = True
            found_booking = Booking()
            found = [section.to_dict() for section in split_post(post, found_booking)]
        sections.extend(found)
        if found_booking is not None:
            booking.urls.update(found_booking.urls)
            booking.phones.update(found_booking.phones)
    return sections, booking, recount


def build(posts, index_dir: str | os.PathLike, *, source: str = "", feed_title: str = "",
          weights: dict | None = None, extra_manifest: dict | None = None,
          analyzer: str = DEFAULT_ANALYZER, activate: bool = True) -> BuildResult:
    """Build a new version from posts and make it the live one (``activate=False``: only write it).

    Spam and foreign-language posts are left out first (index/quality_check.py),
    with a warning each. Large archives are built on every core
    (index/buildpool.py) with the same result as the one-process build.

    Raises ArtifactError (and leaves the live version alone) when the posts yield
    no sections.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    if analyzer not in analysis.ANALYZERS:  # an error before any work
        raise ArtifactError(f"unknown analyzer {analyzer!r}; known: {', '.join(analysis.ANALYZERS)}")
    every_post = list(posts)
    # One parse per post and one analysis pass per field, on every core for large archives
    # (index/buildpool.py); the vocabulary, idf and matrices equal TfidfVectorizer.fit on
    # the joined fields + transform per field.
    prepared = buildpool.prepare(every_post, analyzer)
    verdicts = [verdict for part in prepared for verdict in part.verdicts]
    posts, excluded, quality_warnings = quality_check.screen_posts(every_post, verdicts=verdicts)
    if not posts:
        raise ArtifactError("every post was excluded as spam or foreign-language content: "
                            + "; ".join(quality_warnings))
    sections, booking, recount = _kept_sections(every_post, posts, prepared)
    if not sections:
        raise ArtifactError("the feed's posts contain no text to index")
    for number, section in enumerate(sections):
        section["id"] = number
    if recount:
        # In chunks, so the token lists of only one chunk are alive at a time.
        parts = [termcounts.count_sections(chunk, analyzer) for chunk in buildpool.chunks(sections)]
    else:
        parts = [part.counts for part in prepared if part.counts is not None]
    del prepared
    corpus = termcounts.merge(parts)
    del parts
    if not corpus.vocabulary:
        raise ArtifactError("the feed's posts contain no indexable words (only stop words, symbols or "
                            "text in a script the English analyzer does not read)")
    transformer = tfidf(buildpool.smoothed_idf(corpus.df, len(sections)))
    matrix = section_matrix(transformer, corpus.matrices, weights,
                            context.title_rows(sections, weights.get("title", 0.0)))

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(
        json.dumps([s["text"] for s in sections] + [weights, analyzer], sort_keys=True).encode()
    ).hexdigest()[:10]
    now = time.time()
    name = time.strftime("v%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}-{digest}"
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    try:
        # Column-major (what queries read), laid out so that load() can memory-map the arrays.
        sparse_npz.save(tmp / "matrix.npz", matrix)
        sparse_npz.save(tmp / "headings.npz", heading_matrix(transformer, corpus.matrices))
        vocab = corpus.vocabulary
        (tmp / "vocabulary.json").write_text(json.dumps(vocab, ensure_ascii=False))
        (tmp / "words.json").write_text(json.dumps(word_counts(corpus.words), ensure_ascii=False))
        term_arrays = write_vocabulary(tmp / "terms.txt", vocab)
        offsets = write_jsonl(tmp / "sections.jsonl", sections)
        write_jsonl(tmp / "posts.jsonl", [p.to_dict() for p in posts])
        prior = length_prior(sections) * topic_prior(sections, verdicts)
        np.savez(tmp / "arrays.npz", idf=transformer.idf_.astype(np.float32), prior=prior,
                 section_post=post_numbers(sections), section_offsets=offsets,
                 section_group=section_groups(sections), **term_arrays)
        manifest = {
            "format_version": FORMAT_VERSION,
            "version": name,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "created_ts": time.time(),
            "source": source,
            "feed_title": feed_title,
            "n_posts": len(posts),
            "n_sections": len(sections),
            "n_terms": len(vocab),
            "weights": weights,
            "analyzer": analyzer,
            "analysis_rules": analysis.rules_digest(),
            "concept_coverage": corpus.coverage,
            "booking": {"url": booking.best_url(), "phone": booking.best_phone()},
            "libraries": _versions(),
            "ingestion_warnings": quality_warnings,
            "excluded_posts": [verdict.to_dict() for verdict in excluded],
            **(extra_manifest or {}),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                          encoding="utf-8", errors="replace")
        final = publish(tmp, index_dir, name, activate)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildResult(path=final, n_posts=len(posts), n_sections=len(sections), warnings=list(quality_warnings))


def section_groups(sections) -> np.ndarray:
    """Each section's group: the row of the first passage cut from the same section (itself when uncut).

    Passages of one long section (index/sections.py) are consecutive and share
    their post and heading; the matcher shows one passage per group.
    """
    groups = np.arange(len(sections), dtype=np.int32)
    for row in range(1, len(sections)):
        here, before = sections[row], sections[row - 1]
        if (here["post_guid"], here["heading"], here["parent_heading"]) == (
                before["post_guid"], before["heading"], before["parent_heading"]) and here["position"] > 0:
            groups[row] = groups[row - 1]
    return groups


def post_numbers(sections) -> np.ndarray:
    """Each section's post as a number, posts numbered in the order they first appear."""
    numbers: dict[str, int] = {}
    return np.array([numbers.setdefault(s["post_guid"], len(numbers)) for s in sections], dtype=np.int32)
