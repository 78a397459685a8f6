"""The index as an artifact: built offline, saved as plain files, loaded read-only.

Layout of the index folder (``<instance>/index``)::

    CURRENT                 name of the live version folder (replaced atomically)
    v<time>-<hash>/         one complete, immutable version
        manifest.json       format, parameters, counts, feed info, library versions
        vocabulary.json     term -> column
        arrays.npz          idf weights
        matrix.npz          section x term TF-IDF matrix (scipy sparse)
        sections.jsonl      the section store: one JSON object per row of the matrix
        posts.jsonl         the posts the sections came from

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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from index import buildpool, quality_check
from index.analysis import analyze
from index.sections import Section, split_posts

FORMAT_VERSION = 1
#: How much each field counts in a section's vector. A word in the post title or
#: the section heading says more about what the section is for than one in the body.
DEFAULT_WEIGHTS = {"title": 0.5, "heading": 0.8, "body": 1.0}
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


def field_texts(section: dict) -> dict:
    """The three weighted fields of a section."""
    heading = " ".join(h for h in (section.get("parent_heading"), section.get("heading")) if h)
    return {"title": section["post_title"], "heading": heading, "body": section["text"]}


def make_vectorizer(vocabulary=None) -> TfidfVectorizer:
    """The single vectorizer configuration, for fitting and for reloading."""
    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True, vocabulary=vocabulary, dtype=np.float32)


def section_matrix(vectorizer: TfidfVectorizer, sections: list[dict], weights: dict) -> sp.csr_matrix:
    """Weighted sum of per-field TF-IDF vectors, L2-normalised per section."""
    total = None
    for name, weight in weights.items():
        if not weight:
            continue
        part = vectorizer.transform([field_texts(s)[name] for s in sections]) * weight
        total = part if total is None else total + part
    return normalize(total.tocsr()).astype(np.float32)


@dataclass
class BuildResult:
    """What a build produced, for the CLI to report."""

    path: Path
    n_posts: int
    n_sections: int
    warnings: list[str] = field(default_factory=list)


def build(posts, index_dir: str | os.PathLike, *, source: str = "", feed_title: str = "",
          weights: dict | None = None, extra_manifest: dict | None = None, activate: bool = True) -> BuildResult:
    """Build a new version from posts and make it the live one (``activate=False``: only write it).

    Raises ArtifactError (and leaves the live version alone) when the posts yield
    no sections.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    posts, excluded, quality_warnings = quality_check.screen_posts(posts)
    if not posts:
        raise ArtifactError("every post was excluded as spam or foreign-language content: "
                            + "; ".join(quality_warnings))
    sections_objs: list[Section]
    parallel = buildpool.processes() > 1
    if parallel and len(posts) >= buildpool.PARALLEL_MIN_POSTS:
        sections_objs, booking = buildpool.split_posts_parallel(posts)
    else:
        sections_objs, booking = split_posts(posts)
    if not sections_objs:
        raise ArtifactError("the feed's posts contain no text to index")
    sections = [s.to_dict() for s in sections_objs]
    for number, section in enumerate(sections):
        section["id"] = number
    joined = [" ".join(field_texts(s).values()) for s in sections]
    if parallel and len(sections) >= buildpool.PARALLEL_MIN_SECTIONS:
        vocabulary, idf, matrix = buildpool.fit_matrix_parallel(joined, sections, weights)
    else:
        vectorizer = make_vectorizer()
        try:
            vectorizer.fit(joined)
        except ValueError as exc:  # scikit-learn: "empty vocabulary" when no post has a single indexable word
            raise ArtifactError("the feed's posts contain no indexable words (only stop words, symbols or "
                                "text in a script the English analyzer does not read)") from exc
        matrix = section_matrix(vectorizer, sections, weights)
        vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(
        json.dumps([s["text"] for s in sections] + [weights], sort_keys=True).encode()
    ).hexdigest()[:10]
    now = time.time()
    name = time.strftime("v%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}-{digest}"
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    try:
        # Column-major (what queries read) and uncompressed: loads twice as fast at 100k sections.
        sp.save_npz(tmp / "matrix.npz", matrix.tocsc(), compressed=False)
        np.savez(tmp / "arrays.npz", idf=idf.astype(np.float32))
        vocab = {term: int(col) for term, col in vocabulary.items()}
        (tmp / "vocabulary.json").write_text(json.dumps(vocab, ensure_ascii=False))
        _write_jsonl(tmp / "sections.jsonl", sections)
        _write_jsonl(tmp / "posts.jsonl", [p.to_dict() for p in posts])
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


def _write_jsonl(path: Path, rows) -> None:
    # errors="replace": a lone surrogate in a caller's text must not abort the build.
    with open(path, "w", encoding="utf-8", errors="replace") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


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


class Index:
    """A loaded, read-only index version: scores sections, stores their text."""

    def __init__(self, path: Path, manifest: dict, vectorizer, matrix, sections, posts):
        self.path = path
        self.manifest = manifest
        self.vectorizer = vectorizer
        self.matrix = matrix
        self.sections = sections
        self._posts = posts
        self.version = manifest["version"]

    @property
    def posts(self) -> list[dict]:
        """The posts of this version, read on first use: answering needs only the sections,
        so workers do not spend load time and memory on every post's HTML."""
        if self._posts is None:
            self._posts = _read_jsonl(self.path / "posts.jsonl")
        return self._posts

    def query_vector(self, text: str):
        """The message as a normalised TF-IDF row over the index vocabulary."""
        return self.vectorizer.transform([text])

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of the message to every section.

        The matrix is held column-major (one column per term), so only the
        columns of the message's few terms are read: the cost follows how common
        those terms are, not the size of the index (bench/scale.py).
        """
        query = self.query_vector(text)
        if query.nnz == 0:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        columns = self.matrix[:, query.indices]
        return np.asarray(columns @ query.data, dtype=np.float32).ravel()

    def search(self, text: str, k: int = 10) -> list[tuple[int, float]]:
        """Top-k (section id, score) pairs, best first, zero scores left out."""
        scores = self.scores(text)
        if k < len(scores):
            top = np.argpartition(-scores, k)[:k]
        else:
            top = np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def load(index_dir: str | os.PathLike, version: str | None = None) -> Index:
    """Load the live (or a named) version, checking it is complete and compatible."""
    index_dir = Path(index_dir)
    version = version or current_version(index_dir)
    if not version:
        raise ArtifactError(f"no index has been built in {index_dir}")
    path = index_dir / version
    try:
        manifest = json.loads((path / "manifest.json").read_text())
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ArtifactError(
                f"index {version} has format {manifest.get('format_version')}, this code reads "
                f"{FORMAT_VERSION}: rebuild it with `clinicbot build-index`"
            )
        vocabulary = json.loads((path / "vocabulary.json").read_text())
        idf = np.load(path / "arrays.npz")["idf"]
        matrix = sp.load_npz(path / "matrix.npz").tocsc()
        sections = _read_jsonl(path / "sections.jsonl")
        if not (path / "posts.jsonl").is_file():
            raise FileNotFoundError(path / "posts.jsonl")
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"index {version} in {index_dir} is unreadable: {exc}") from exc
    if matrix.shape != (len(sections), len(vocabulary)) or len(idf) != len(vocabulary):
        raise ArtifactError(f"index {version} is inconsistent: matrix {matrix.shape}, "
                          f"{len(sections)} sections, {len(vocabulary)} terms")
    vectorizer = make_vectorizer(vocabulary)
    vectorizer.idf_ = idf
    return Index(path, manifest, vectorizer, matrix, sections, None)


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
