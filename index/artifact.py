"""The index as an artifact: built offline, saved as plain files, loaded read-only.

Layout of the index folder (``<instance>/index``)::

    CURRENT                 name of the live version folder (replaced atomically)
    v<time>-<hash>/         one complete, immutable version
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

Format 3 (no terms.txt, offsets or post numbers; its npz files are read, not
mapped) still loads, by parsing vocabulary.json and sections.jsonl as it used to.

A version folder is written under a temporary name and renamed into place, then
CURRENT is replaced with os.replace. A crash at any point leaves the previous
version live; readers never see a half-written folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from index import analysis, buildpool, context, quality_check, sparse_npz, termcounts
from index.lexicon import PREFIX
from index.section_store import SectionStore, line_offsets, write_jsonl
from index.sections import Booking, split_post
from index.spelling import WORD, Speller
from index.termcounts import field_texts
from index.vocabulary import Vocabulary, write_vocabulary

__all__ = ["ArtifactError", "BuildResult", "Index", "build", "field_texts", "load", "make_vectorizer"]

FORMAT_VERSION = 4
#: Formats load() reads: this one and the one before it (see _load_format_3).
READABLE_FORMATS = (3, FORMAT_VERSION)
#: How much each field counts in a section's vector. A word in the post title or
#: the section heading says more about what the section is for than one in the body.
DEFAULT_WEIGHTS = {"title": 0.5, "heading": 1.5, "body": 1.0}
DEFAULT_ANALYZER = "lexicon"
#: A lexicon concept counts as covered by the blog when this many sections name it,
#: or when a post title or heading names it.
COVERAGE_MIN_SECTIONS = 3
#: How much more a lexicon concept counts than a word in a visitor's message. The
#: concept is the reading of what they mean ("I'm 52" -> masters athlete, "the pinky
#: side of my elbow" -> golfer's elbow); incidental words ("half marathons", "session")
#: should not outvote it. Query side only: the sections' vectors are unchanged.
QUERY_CONCEPT_WEIGHT = 2.0
#: Posts whose share of domain words (index/quality_check.py) is below this are scaled down (see
#: topic_prior): book reviews, recipes and news rarely answer a complaint. 0 turns it off.
TOPIC_PIVOT = 0.05
#: Share of a message's vector given to its words alone (concept tokens left out, renormalised):
#: an ordinary TF-IDF reading blended with the concept reading, so a message the lexicon reads
#: wrongly or not at all still meets the sections that share its words (see Index.blend).
WORDS_SHARE = 0.2
#: Sections with fewer body words than this are scaled down (see length_prior).
PRIOR_PIVOT = 30
KEEP_VERSIONS = 3
LIBRARIES = ("scikit-learn", "numpy", "scipy", "nltk", "feedparser", "beautifulsoup4")


class ArtifactError(Exception):
    """An index could not be built or loaded; the message says which and why."""




def _versions() -> dict:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def make_vectorizer(vocabulary=None, analyzer: str = DEFAULT_ANALYZER) -> TfidfVectorizer:
    """The single vectorizer configuration, for fitting and for reloading."""
    if analyzer not in analysis.ANALYZERS:
        raise ArtifactError(f"unknown analyzer {analyzer!r}; known: {', '.join(analysis.ANALYZERS)}")
    return TfidfVectorizer(analyzer=analysis.ANALYZERS[analyzer], sublinear_tf=True, vocabulary=vocabulary,
                           dtype=np.float32)


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
    make_vectorizer(analyzer=analyzer)  # an unknown analyzer is an error before any work
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
        _fsync_dir(tmp)
        final = index_dir / name
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if activate:
        set_current(index_dir, name)
        prune(index_dir, keep=KEEP_VERSIONS)
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def set_current(index_dir: Path, name: str) -> None:
    """Point CURRENT at a version, atomically."""
    pointer = Path(index_dir) / "CURRENT"
    tmp = pointer.with_name(f".CURRENT.{os.getpid()}")
    tmp.write_text(name + "\n")
    os.replace(tmp, pointer)
    _fsync_dir(Path(index_dir))


def current_version(index_dir: str | os.PathLike) -> str | None:
    """The live version's folder name, or None when no index was built yet."""
    pointer = Path(index_dir) / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return name if name and (Path(index_dir) / name / "manifest.json").is_file() else None


def prune(index_dir: Path, keep: int) -> None:
    """Remove old versions beyond the newest ``keep``, never the live one."""
    live = current_version(index_dir)
    versions = sorted(p for p in Path(index_dir).iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in versions[:-keep]:
        if old.name != live:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in Path(index_dir).glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class QueryVector:
    """A message's sparse TF-IDF vector: the columns it has and their weights."""

    indices: np.ndarray
    data: np.ndarray
    #: Lexicon concepts the message names, in order (from the same analysis pass).
    concepts: tuple[str, ...] = ()

    @property
    def nnz(self) -> int:
        """Number of index terms the message contains."""
        return len(self.indices)


class Index:
    """A loaded, read-only index version: scores sections, stores their text.

    What ranking reads for every section is held as arrays (the matrices, the
    length prior, each section's post number); a section's text and links come
    from ``sections``, a SectionStore that decodes only the sections asked for.
    """

    def __init__(self, path: Path, manifest: dict, vocabulary: Mapping[str, int], idf: np.ndarray, matrix,
                 sections, section_posts: np.ndarray, speller: Speller | None = None,
                 prior: np.ndarray | None = None, headings=None, groups: np.ndarray | None = None):
        self.path = path
        self.manifest = manifest
        #: term -> matrix column: a Vocabulary (index/vocabulary.py), or a dict for format 3.
        self.vocabulary = vocabulary
        self.matrix = matrix
        #: A sequence of section dicts (index/section_store.py), decoded on access.
        self.sections = sections
        #: Each section's post as a number (post_numbers): what the matcher groups sections by.
        self.section_posts = np.asarray(section_posts)
        self._posts = None
        self.version = manifest["version"]
        self.speller = speller
        self.prior = prior
        #: Each section's passage group (section_groups); None when the version has none (format 3).
        self.section_groups = groups
        #: Section headings alone (CSC), see heading_matrix; None in hand-made test indexes.
        self.headings = headings
        #: Typo correction can be switched off (bench/quality.py's ablation does).
        self.correct_typos = speller is not None
        self.coverage = manifest.get("concept_coverage", {})
        self.analyzer_name = manifest.get("analyzer", DEFAULT_ANALYZER)
        #: The analyzer of the build, the same function TfidfVectorizer(analyzer=...) calls.
        self.analyzer = analysis.ANALYZERS[self.analyzer_name]
        #: False for an index built without the lexicon (the ablation): no concept logic applies.
        self.uses_lexicon = self.analyzer_name == "lexicon"
        #: Column-major (as stored) for per-term lookups: a query reads only its terms' columns.
        self.matrix_csc = matrix.tocsc()
        self.idf = np.asarray(idf, dtype=np.float32)
        #: idf times QUERY_CONCEPT_WEIGHT for concept columns: the weights a message's terms get.
        #: Looked up concept by concept: a 100k-section vocabulary has millions of terms.
        self.query_idf = self.idf.copy()
        for col in self.columns([PREFIX + concept_id for concept_id in analysis.lexicon().concepts]):
            if col is not None:
                self.query_idf[col] *= QUERY_CONCEPT_WEIGHT
        # Rows grouped by post, in row order within a post: rows_of_post slices this.
        self._post_order = np.argsort(self.section_posts, kind="stable")
        n_posts = int(self.section_posts.max()) + 1 if len(self.section_posts) else 0
        self._post_bounds = np.searchsorted(self.section_posts[self._post_order], np.arange(n_posts + 1))

    @cached_property
    def post_vectors(self) -> sp.csc_matrix:
        """Each post's vector (index/context.py post_matrix), column-major like the section matrix."""
        return context.post_matrix(self.matrix, self.section_posts, self.prior)

    @cached_property
    def post_prior(self) -> np.ndarray:
        """Each post's best section prior (index/context.py), what its post-level score is scaled by."""
        return context.post_prior(self.section_posts, self.prior)

    def post_scores(self, query) -> np.ndarray:
        """Cosine of a query vector with every post's vector, times the post's prior."""
        if query.nnz == 0:
            return np.zeros(len(self.post_prior), dtype=np.float32)
        return (self.post_vectors[:, query.indices] @ query.data) * self.post_prior

    def columns(self, terms: list[str]) -> list[int | None]:
        """The matrix column of each term, None for terms the index does not have."""
        if isinstance(self.vocabulary, Vocabulary):
            return self.vocabulary.columns(terms)
        return [self.vocabulary.get(term) for term in terms]

    def rows_of_post(self, post) -> np.ndarray:
        """The row numbers of a post's sections (``post`` as in section_posts), in order."""
        return self._post_order[self._post_bounds[post]:self._post_bounds[post + 1]]

    @cached_property
    def vectorizer(self) -> TfidfVectorizer:
        """The fitted vectorizer of this version (make_vectorizer), for code that wants scikit-learn's API.

        Built on first use: answering does not need it (query_vector computes the
        same vector directly), and setting its idf checks the whole vocabulary.
        """
        vocabulary = self.vocabulary
        vectorizer = make_vectorizer(vocabulary.to_dict() if isinstance(vocabulary, Vocabulary) else vocabulary,
                                     self.analyzer_name)
        vectorizer.idf_ = self.idf
        return vectorizer

    @property
    def posts(self) -> list[dict]:
        """The posts of this version, read on first use: answering needs only the sections,
        so workers do not spend load time and memory on every post's HTML."""
        if self._posts is None:
            self._posts = _read_jsonl(self.path / "posts.jsonl")
        return self._posts

    def correct(self, text: str) -> str:
        """The message with misspelt words corrected against the index's known words."""
        if not self.correct_typos or self.speller is None:
            return text
        return self.speller.correct(text)

    def covers(self, concept_id: str) -> bool:
        """True when the clinic's posts discuss a lexicon concept, not just mention it in passing.

        A service counts only when a title or heading names it: a clinic that
        offers something writes about it, while a testimonial's "I had tried
        acupuncture and chiropractors" is no offer. Anything else counts when a
        heading names it or COVERAGE_MIN_SECTIONS sections do.
        """
        entry = self.coverage.get(concept_id)
        if not entry:
            return False
        concept = analysis.lexicon().concepts.get(concept_id)
        if concept is not None and concept.kind == "service":
            return entry["headed"]
        return entry["headed"] or entry["sections"] >= COVERAGE_MIN_SECTIONS

    def query_vector(self, text: str, corrected: bool = False) -> QueryVector:
        """The message as a normalised TF-IDF row over the index vocabulary.

        Computed directly (same analyzer, sublinear tf, idf, L2 norm as the
        fitted vectorizer) rather than through TfidfVectorizer.transform, whose
        input validation costs more than the whole ranking of one message.
        Concept terms weigh QUERY_CONCEPT_WEIGHT times their idf.
        """
        text = text if corrected else self.correct(text)
        counts: dict[int, int] = {}
        terms = self.analyzer(text)
        concepts = tuple(t[len(PREFIX):] for t in terms if t.startswith(PREFIX))
        for col in self.columns(terms):
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        if not counts:
            return QueryVector(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), concepts)
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.query_idf[cols]
        return QueryVector(cols, (weights / np.linalg.norm(weights)).astype(np.float32), concepts)

    def blend(self, query: QueryVector, share: float | None = None) -> QueryVector:
        """The message's vector as (1 - share) x its full reading + share x its words alone.

        The full reading weighs lexicon concepts heavily; the words-alone part is
        plain TF-IDF over the same sections. Blending the two vectors is blending
        the two cosine scores (one matrix product), so ranking degrades to plain
        TF-IDF where the lexicon misses rather than collapsing.
        """
        share = WORDS_SHARE if share is None else share
        if not share or query.nnz == 0 or not query.concepts:
            return query
        concept_cols = set(c for c in self.columns([PREFIX + c for c in query.concepts]) if c is not None)
        words = np.array([col not in concept_cols for col in query.indices.tolist()])
        if not words.any():
            return query
        plain = np.where(words, query.data, 0.0)
        plain /= np.linalg.norm(plain)
        data = ((1.0 - share) * query.data + share * plain).astype(np.float32)
        return QueryVector(query.indices, data, query.concepts)

    def scores(self, text: str, corrected: bool = False) -> np.ndarray:
        """Cosine similarity of the message to every section, times the section's length prior."""
        return self.vector_scores(self.query_vector(text, corrected))

    def vector_scores(self, query) -> np.ndarray:
        """Scores for a query vector already made by query_vector."""
        if query.nnz == 0:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        scores = self.matrix_csc[:, query.indices] @ query.data
        return scores * self.prior if self.prior is not None else scores

    def search(self, text: str, k: int = 10, corrected: bool = False) -> list[tuple[int, float]]:
        """Top-k (section id, score) pairs, best first, zero scores left out.

        ``corrected`` says the caller already ran the text through correct().
        """
        return self.search_vector(self.query_vector(text, corrected), k)

    def search_vector(self, query, k: int = 10) -> list[tuple[int, float]]:
        """Top-k (section id, score) pairs for a query vector already made by query_vector."""
        return self.top(self.vector_scores(query), k)

    def top(self, scores: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """Top-k (section id, score) pairs of a score per section, best first, zero scores left out."""
        if k < len(scores):
            top = np.argpartition(-scores, k)[:k]
        else:
            top = np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def load(index_dir: str | os.PathLike, version: str | None = None) -> Index:
    """Load the live (or a named) version, checking it is complete and compatible.

    Nothing is parsed per section: the matrices are memory-mapped and the
    section store decodes a section when it is shown.
    """
    index_dir = Path(index_dir)
    version = version or current_version(index_dir)
    if not version:
        raise ArtifactError(f"no index has been built in {index_dir}")
    path = index_dir / version
    try:
        manifest = json.loads((path / "manifest.json").read_text())
        format_version = manifest.get("format_version")
        if format_version not in READABLE_FORMATS:
            raise ArtifactError(
                f"index {version} has format {format_version}, this code reads "
                f"{', '.join(map(str, READABLE_FORMATS))}: rebuild it with `clinicbot build-index`"
            )
        analyzer = manifest.get("analyzer", DEFAULT_ANALYZER)
        if analyzer not in analysis.ANALYZERS:
            raise ArtifactError(f"index {version} was built with an unknown analyzer {analyzer!r}")
        counts = json.loads((path / "words.json").read_text())
        arrays = np.load(path / "arrays.npz")
        idf, prior = arrays["idf"], arrays["prior"]
        if format_version == 3:
            vocabulary = json.loads((path / "vocabulary.json").read_text())
            matrix, headings, sections, section_posts = _load_format_3(path)
            groups = None
        else:
            vocabulary = Vocabulary(path / "terms.txt", arrays["term_offsets"], arrays["term_keys"],
                                    arrays["term_key_columns"])
            matrix = sparse_npz.map_csc(path / "matrix.npz")
            headings = sparse_npz.map_csc(path / "headings.npz")
            sections = SectionStore(path / "sections.jsonl", arrays["section_offsets"])
            section_posts = arrays["section_post"]
            groups = arrays["section_group"] if "section_group" in arrays.files else None
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"index {version} in {index_dir} is unreadable: {exc}") from exc
    if (matrix.shape != (len(sections), len(vocabulary)) or len(idf) != len(vocabulary)
            or len(prior) != len(sections) or headings.shape != matrix.shape
            or len(section_posts) != len(sections) or (len(section_posts) and section_posts.min() < 0)):
        raise ArtifactError(f"index {version} is inconsistent: matrix {matrix.shape}, "
                          f"{len(sections)} sections, {len(vocabulary)} terms")
    return Index(path, manifest, vocabulary, idf, matrix, sections, section_posts, Speller(counts), prior,
                 headings, groups)


def _load_format_3(path: Path) -> tuple:
    """Matrices, section store and post numbers of a format-3 version (before the offsets and post numbers).

    Its sections.jsonl has the same lines; their offsets and posts are found by
    reading it all, as every load did then.
    """
    matrix = sp.load_npz(path / "matrix.npz").tocsc()
    headings = sp.load_npz(path / "headings.npz").tocsc()
    sections = SectionStore(path / "sections.jsonl", line_offsets((path / "sections.jsonl").read_bytes()))
    return matrix, headings, sections, post_numbers(sections)


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
