"""Load an index version read-only and score sections against a message.

The version's files are described in index/build.py; what ranking reads for
every section is memory-mapped, a section's text is decoded when shown.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index import analysis, context, sparse_npz
from index.lexicon import PREFIX
from index.section_store import SectionStore
from index.spelling import Speller
from index.versions import DEFAULT_ANALYZER, READABLE_FORMATS, ArtifactError, current_version
from index.vocabulary import Vocabulary

__all__ = ["Index", "QueryVector", "load", "saturate"]

#: A lexicon concept counts as covered by the blog when this many sections name it,
#: or when a post title or heading names it.
COVERAGE_MIN_SECTIONS = 3
#: How much more a lexicon concept counts than a word in a visitor's message. The
#: concept is the reading of what they mean ("I'm 52" -> masters athlete, "the pinky
#: side of my elbow" -> golfer's elbow); incidental words ("half marathons", "session")
#: should not outvote it. Query side only: the sections' vectors are unchanged.
QUERY_CONCEPT_WEIGHT = 2.0
#: Share of a message's vector given to its words alone (concept tokens left out, renormalised):
#: an ordinary TF-IDF reading blended with the concept reading, so a message the lexicon reads
#: wrongly or not at all still meets the sections that share its words (see Index.blend).
WORDS_SHARE = 0.2
#: About the most one term of a section's unit vector counts for in finding sections (see
#: saturate). A short section or short heading made of one of the message's words ("After
#: Exercise" over a few lines, "Why I put YOU first") puts 0.3-0.6 of its vector on that word;
#: a fuller section that answers the question spreads the same words over many terms, each
#: well under 0.3. None turns it off (bench/quality.py's ablation row).
SECTION_SATURATION: float | None = 0.3


def saturate(weights: np.ndarray, ceiling: float | None = SECTION_SATURATION) -> np.ndarray:
    """Term weights squashed smoothly towards ``ceiling``: ``ceiling * tanh(w / ceiling)``.

    Term-frequency saturation in the spirit of BM25's k1 (Robertson and Zaragoza, "The
    Probabilistic Relevance Framework: BM25 and Beyond", 2009), applied to the
    L2-normalised TF-IDF weights the index stores: weights well under the ceiling are
    nearly unchanged (0.1 -> 0.096 at 0.3), a term that dominates a short section's
    vector counts at most ``ceiling``, so matching one word densely is worth less than
    matching more of the message.
    """
    if not ceiling:
        return weights
    return (ceiling * np.tanh(weights / ceiling)).astype(np.float32)


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
        #: term -> matrix column: a Vocabulary (index/vocabulary.py), or a dict in hand-made test indexes.
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
        #: Each section's passage group (index/build.section_groups); None when the version has none.
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
    def saturated_csc(self):
        """The section matrix with every term weight through saturate(), derived once: what search ranks by."""
        matrix = self.matrix_csc.copy()
        matrix.data = saturate(matrix.data, SECTION_SATURATION)
        return matrix

    @cached_property
    def post_vectors(self):
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
        return self.terms_vector(self.analyzer(text))

    def terms_vector(self, terms) -> QueryVector:
        """query_vector for analyzer tokens already made (a message's analysis.Reading.terms)."""
        counts: dict[int, int] = {}
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

    def vector_scores(self, query, saturated: bool = False) -> np.ndarray:
        """Scores for a query vector already made by query_vector: cosines times the length prior.

        ``saturated``: each section's term weights go through saturate() first (what
        search_vector ranks by); the plain cosine is what thresholds are calibrated on
        and what orders sections within a post.
        """
        if query.nnz == 0:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        matrix = self.saturated_csc if saturated and SECTION_SATURATION else self.matrix_csc
        scores = matrix[:, query.indices] @ query.data
        return scores * self.prior if self.prior is not None else scores

    def search(self, text: str, k: int = 10, corrected: bool = False) -> list[tuple[int, float]]:
        """Top-k (section id, score) pairs, best first, zero scores left out.

        ``corrected`` says the caller already ran the text through correct().
        """
        return self.search_vector(self.query_vector(text, corrected), k)

    def search_vector(self, query, k: int = 10) -> list[tuple[int, float]]:
        """Top-k (section id, saturated score) pairs for a query vector already made by query_vector."""
        scores = self.vector_scores(query, saturated=True)
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


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
