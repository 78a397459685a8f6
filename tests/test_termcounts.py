"""One analysis pass per field gives exactly the index TfidfVectorizer.fit + transform per field gave."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from index import analysis, build, buildpool, context, termcounts
from index.sections import split_posts
from tests import oracles


def counted(sections: list[dict], weights: dict, analyzer: str = "lexicon", chunk: int | None = None) -> dict:
    """The same artifacts from termcounts, in chunks as the parallel build makes them."""
    chunks = [sections[i:i + chunk] for i in range(0, len(sections), chunk)] if chunk else [sections]
    corpus = termcounts.merge([termcounts.count_sections(part, analyzer) for part in chunks])
    transformer = build.tfidf(buildpool.smoothed_idf(corpus.df, len(sections)))
    return {
        "vocabulary": json.dumps(corpus.vocabulary),
        "idf": transformer.idf_,
        "matrix": build.section_matrix(transformer, corpus.matrices, weights),
        "headings": build.heading_matrix(transformer, corpus.matrices),
        "words": dict(corpus.words),
        "coverage": corpus.coverage,
    }


def assert_identical(got: dict, want: dict) -> None:
    assert got["vocabulary"] == want["vocabulary"]  # same terms, same columns, same key order
    assert got["idf"].dtype == want["idf"].dtype and np.array_equal(got["idf"], want["idf"])
    for name in ("matrix", "headings"):
        a, b = got[name], want[name]
        assert a.shape == b.shape and a.dtype == b.dtype, name
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices), name
        assert np.array_equal(a.data, b.data), name  # bit for bit, not approximately
    assert got["words"] == want["words"] and list(got["words"]) == list(want["words"])
    assert got["coverage"] == want["coverage"]


@pytest.fixture(scope="module")
def bundled_sections(bundled_posts):
    return [s.to_dict() for s in split_posts(bundled_posts)[0]]


@pytest.mark.parametrize("chunk", [None, 37])
def test_termcounts_bundled_blog_matches_the_vectorizer_build(bundled_sections, chunk):
    weights = build.DEFAULT_WEIGHTS
    assert_identical(counted(bundled_sections, weights, chunk=chunk), oracles.term_counts(bundled_sections, weights))


def test_termcounts_words_analyzer_matches_the_vectorizer_build(bundled_sections):
    weights = {"title": 1.0, "heading": 1.0, "body": 1.0}
    assert_identical(counted(bundled_sections, weights, "words", chunk=50),
                     oracles.term_counts(bundled_sections, weights, "words"))


def test_termcounts_synthetic_corpus_matches_the_vectorizer_build():
    from bench.corpus import synthetic_posts

    sections = [s.to_dict() for s in split_posts(synthetic_posts(600))[0]]
    assert_identical(counted(sections, build.DEFAULT_WEIGHTS, chunk=150),
                     oracles.term_counts(sections, build.DEFAULT_WEIGHTS))


def _section(title: str, heading: str | None, text: str, parent: str | None = None) -> dict:
    return {"post_title": title, "parent_heading": parent, "heading": heading, "text": text}


EDGE_CASES = [
    # "IT" ending one field and "band" starting the next: IT_BAND reads across the joining space.
    _section("Runners and IT", "Band pain on the outer knee", "The IT band rubs when you run downhill."),
    _section("Knee pain", "What is it", "band of tissue along the outer thigh, the iliotibial band"),
    # Over MAX_TOKENS words: the joined text is cut inside the body, so its concepts are matched anew.
    _section("Tennis elbow", "Outer elbow pain", "outer elbow pain when gripping " * 120, parent="Elbow"),
    _section("Shin splints " * 150, "Inner shin pain", "shin splints running on hard ground"),
    # A concept that spans the title/heading boundary; empty fields; accents and curly quotes.
    _section("Pain on the inside of the", "elbow when gripping", "", parent=None),
    _section("Golfer’s elbow", None, "Médial epicondylitis: the pinky side of the elbow aches."),
    _section("", "", "knee"),
]


@pytest.mark.parametrize("chunk", [None, 2])
def test_termcounts_edge_cases_match_the_vectorizer_build(bundled_sections, chunk):
    sections = bundled_sections[:20] + EDGE_CASES
    assert_identical(counted(sections, build.DEFAULT_WEIGHTS, chunk=chunk),
                     oracles.term_counts(sections, build.DEFAULT_WEIGHTS))


def test_termcounts_joined_equals_analysing_the_joined_text():
    analyse = termcounts._FieldAnalysis(True)
    for section in EDGE_CASES:
        texts = list(termcounts.field_texts(section).values())
        parts = [analyse(text)[:2] for text in texts]
        found, concepts = analyse.joined(texts, parts)
        assert found == analysis.stems(" ".join(texts))
        assert concepts == analysis.concepts(" ".join(texts))


def test_termcounts_build_artifact_equals_reference(bundled_posts, tmp_path):
    result = build.build(bundled_posts, tmp_path)
    sections = [json.loads(line) for line in (result.path / "sections.jsonl").read_text().splitlines()]
    weights = build.DEFAULT_WEIGHTS
    want = oracles.term_counts(sections, weights, title_rows=context.title_rows(sections, weights["title"]))
    assert (result.path / "vocabulary.json").read_text() == want["vocabulary"]
    saved = sp.load_npz(result.path / "matrix.npz").tocsr()
    assert (saved != want["matrix"]).nnz == 0
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["concept_coverage"] == want["coverage"]
