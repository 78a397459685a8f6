"""The index artifact: versioned, atomic, read-only, and never lost on a bad build."""

from __future__ import annotations

import json

import pytest

from index import artifact
from index.feed import FeedError
from index.live import LiveIndex, build_from_feed


def test_build_writes_versioned_folder_with_manifest(index_dir):
    live = artifact.current_version(index_dir)
    folder = index_dir / live
    for name in ("manifest.json", "vocabulary.json", "arrays.npz", "matrix.npz", "sections.jsonl", "posts.jsonl"):
        assert (folder / name).is_file(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == artifact.FORMAT_VERSION
    assert manifest["n_posts"] == 20
    assert manifest["libraries"]["scikit-learn"]
    assert manifest["booking"] == {"url": "https://www.victoryperformancept.com/contact", "phone": "424-543-4336"}


def test_load_search_ranks_golfers_elbow_first(index_dir):
    index = artifact.load(index_dir)
    hits = index.search("pain on the inside of my elbow when I grip things", k=5)
    assert index.sections[hits[0][0]]["post_slug"] == "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_load_gives_identical_scores_in_a_fresh_process_shape(index_dir):
    first = artifact.load(index_dir).scores("outer knee pain running downhill")
    second = artifact.load(index_dir).scores("outer knee pain running downhill")
    assert (first == second).all()


def test_bad_feed_leaves_live_version_serving(index_dir, tmp_path):
    before = artifact.current_version(index_dir)
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><title>broken")
    with pytest.raises(FeedError):
        build_from_feed(str(bad), index_dir)
    assert artifact.current_version(index_dir) == before
    assert artifact.load(index_dir).manifest["n_posts"] == 20


def test_crash_while_writing_leaves_live_version_and_no_partial_folder(index_dir, bundled_posts, monkeypatch):
    before = artifact.current_version(index_dir)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(artifact, "_write_jsonl", crash)
    with pytest.raises(OSError):
        artifact.build(bundled_posts, index_dir)
    assert artifact.current_version(index_dir) == before
    assert not list(index_dir.glob(".tmp-*"))


def test_load_refuses_other_format_with_clear_error(index_dir):
    folder = index_dir / artifact.current_version(index_dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 999
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(artifact.ArtifactError, match="rebuild it"):
        artifact.load(index_dir)


def test_load_without_index_says_so(tmp_path):
    with pytest.raises(artifact.ArtifactError, match="no index has been built"):
        artifact.load(tmp_path)


def test_live_index_picks_up_new_version(index_dir, bundled_posts):
    live = LiveIndex(index_dir, check_seconds=0)
    old = live.get()
    artifact.build(bundled_posts[:5], index_dir, source="subset")
    new = live.get()
    assert new.version != old.version
    assert new.manifest["n_posts"] == 5
    assert old.search("knee")  # the old object keeps working for requests holding it


def test_prune_keeps_live_and_recent_versions(index_dir, bundled_posts):
    for count in (3, 4, 5, 6):
        artifact.build(bundled_posts[:count], index_dir, source=f"n{count}")
    versions = [p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("v")]
    assert len(versions) <= artifact.KEEP_VERSIONS
    assert artifact.load(index_dir).manifest["n_posts"] == 6


def test_live_index_ensure_rebuilds_an_index_of_an_older_format(index_dir):
    from app import BUNDLED_FEED

    version = artifact.current_version(index_dir)
    manifest_path = index_dir / version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = artifact.FORMAT_VERSION - 1
    manifest_path.write_text(json.dumps(manifest))
    index = LiveIndex(index_dir, check_seconds=0).ensure(str(BUNDLED_FEED))
    assert index.version != version
    assert index.manifest["format_version"] == artifact.FORMAT_VERSION


def test_artifact_saves_words_headings_prior_and_concept_coverage(index_dir):
    index = artifact.load(index_dir)
    assert index.speller.counts["shoulder"] > 0
    assert index.headings.shape == index.matrix.shape
    assert len(index.prior) == len(index.sections)
    assert index.prior.min() == 0.0  # container headings with no text of their own
    assert index.covers("golfers_elbow") and not index.covers("tmj")


def test_query_vector_weighs_a_concept_more_than_its_idf_alone(index_dir):
    index = artifact.load(index_dir)
    query = index.query_vector("golfers elbow")
    vocabulary = index.vectorizer.vocabulary_
    weight = dict(zip(query.indices.tolist(), query.data.tolist(), strict=True))
    concept, word = vocabulary["@golfers_elbow"], vocabulary["golfer"]
    # Unnormalised weights are tf x idf (x QUERY_CONCEPT_WEIGHT for the concept); the ratio survives the norm.
    expected = artifact.QUERY_CONCEPT_WEIGHT * index.idf[concept] / index.idf[word]
    assert weight[concept] / weight[word] == pytest.approx(expected, rel=1e-4)
    assert artifact.QUERY_CONCEPT_WEIGHT > 1
