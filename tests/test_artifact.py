"""The index artifact: versioned, atomic, read-only, and never lost on a bad build."""

from __future__ import annotations

import json
import mmap

import numpy as np
import pytest
import scipy.sparse as sp

from bot import matcher
from index import analysis, build, search, versions
from index.feed import FeedError
from index.live import LiveIndex, build_from_feed
from tests import oracles
from tests.appkit import make_app


def test_build_writes_versioned_folder_with_manifest(index_dir):
    live = versions.current_version(index_dir)
    folder = index_dir / live
    for name in ("manifest.json", "vocabulary.json", "terms.txt", "arrays.npz", "sections.jsonl", "posts.jsonl",
                 "matrix.npz", "headings.npz"):
        assert (folder / name).is_file(), name
    assert not list(folder.glob("*.npy"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == versions.FORMAT_VERSION
    assert manifest["n_posts"] == 20
    assert manifest["libraries"]["scikit-learn"]
    assert manifest["booking"] == {"url": "https://www.victoryperformancept.com/contact", "phone": "424-543-4336"}


def test_load_search_ranks_golfers_elbow_first(index_dir):
    index = search.load(index_dir)
    hits = index.search("pain on the inside of my elbow when I grip things", k=5)
    assert index.sections[hits[0][0]]["post_slug"] == "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_load_gives_identical_scores_in_a_fresh_process_shape(index_dir):
    first = search.load(index_dir).scores("outer knee pain running downhill")
    second = search.load(index_dir).scores("outer knee pain running downhill")
    assert (first == second).all()


def test_bad_feed_leaves_live_version_serving(index_dir, tmp_path):
    before = versions.current_version(index_dir)
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><title>broken")
    with pytest.raises(FeedError):
        build_from_feed(str(bad), index_dir)
    assert versions.current_version(index_dir) == before
    assert search.load(index_dir).manifest["n_posts"] == 20


def test_crash_while_writing_leaves_live_version_and_no_partial_folder(index_dir, bundled_posts, monkeypatch):
    before = versions.current_version(index_dir)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build, "write_jsonl", crash)
    with pytest.raises(OSError):
        build.build(bundled_posts, index_dir)
    assert versions.current_version(index_dir) == before
    assert not list(index_dir.glob(".tmp-*"))


def test_load_refuses_other_format_with_clear_error(index_dir):
    folder = index_dir / versions.current_version(index_dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 999
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(versions.ArtifactError, match="rebuild it"):
        search.load(index_dir)


def test_load_without_index_says_so(tmp_path):
    with pytest.raises(versions.ArtifactError, match="no index has been built"):
        search.load(tmp_path)


def test_live_index_picks_up_new_version(index_dir, bundled_posts):
    live = LiveIndex(index_dir, check_seconds=0)
    old = live.get()
    build.build(bundled_posts[:5], index_dir, source="subset")
    new = live.get()
    assert new.version != old.version
    assert new.manifest["n_posts"] == 5
    assert old.search("knee")  # the old object keeps working for requests holding it


def counting_loads(monkeypatch) -> list:
    """Record each search.load call (its version argument) and let it load as usual."""
    loads: list = []
    real_load = search.load

    def load(index_dir, version=None):
        loads.append(version)
        return real_load(index_dir, version)

    monkeypatch.setattr(search, "load", load)
    return loads


def test_live_index_ensure_loads_the_live_version_once(index_dir, monkeypatch):
    from app import BUNDLED_FEED

    loads = counting_loads(monkeypatch)
    live = LiveIndex(index_dir, check_seconds=0)
    index = live.ensure(str(BUNDLED_FEED))
    assert live.get() is index
    assert live.ensure(str(BUNDLED_FEED)) is index  # a second ensure (the `ask` command's) reuses it
    assert loads == [versions.current_version(index_dir)]


def test_live_index_fresh_app_loads_the_index_once_by_its_first_answer(tmp_path, index_dir, monkeypatch):
    loads = counting_loads(monkeypatch)
    client = make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir)}).test_client()
    response = client.post("/api/chat", json={"message": "inner elbow pain when gripping"})
    assert response.status_code == 200
    assert response.get_json()["reply"]
    assert len(loads) == 1


def test_live_index_ensure_swaps_to_a_version_published_after_it(index_dir, bundled_posts):
    from app import BUNDLED_FEED

    live = LiveIndex(index_dir, check_seconds=60)
    first = live.ensure(str(BUNDLED_FEED))
    build.build(bundled_posts[:5], index_dir, source=str(BUNDLED_FEED))
    second = live.ensure(str(BUNDLED_FEED))
    assert second.version != first.version
    assert second.manifest["n_posts"] == 5


def test_prune_keeps_live_and_recent_versions(index_dir, bundled_posts):
    for count in (3, 4, 5, 6):
        build.build(bundled_posts[:count], index_dir, source=f"n{count}")
    folders = [p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("v")]
    assert len(folders) <= versions.KEEP_VERSIONS
    assert search.load(index_dir).manifest["n_posts"] == 6


def test_live_index_ensure_rebuilds_an_index_of_an_unreadable_older_format(index_dir):
    from app import BUNDLED_FEED

    version = versions.current_version(index_dir)
    manifest_path = index_dir / version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = min(versions.READABLE_FORMATS) - 1
    manifest_path.write_text(json.dumps(manifest))
    index = LiveIndex(index_dir, check_seconds=0).ensure(str(BUNDLED_FEED))
    assert index.version != version
    assert index.manifest["format_version"] == versions.FORMAT_VERSION


def test_artifact_saves_words_headings_prior_and_concept_coverage(index_dir):
    index = search.load(index_dir)
    assert index.speller.counts["shoulder"] > 0
    assert index.headings.shape == index.matrix.shape
    assert len(index.prior) == len(index.sections)
    assert index.prior.min() == 0.0  # container headings with no text of their own
    assert index.covers("golfers_elbow") and not index.covers("tmj")


def test_query_vector_weighs_a_concept_more_than_its_idf_alone(index_dir):
    index = search.load(index_dir)
    query = index.query_vector("golfers elbow")
    vocabulary = oracles.index_vectorizer(index).vocabulary_
    weight = dict(zip(query.indices.tolist(), query.data.tolist(), strict=True))
    concept, word = vocabulary["@golfers_elbow"], vocabulary["golfer"]
    # Unnormalised weights are tf x idf (x QUERY_CONCEPT_WEIGHT for the concept); the ratio survives the norm.
    expected = search.QUERY_CONCEPT_WEIGHT * index.idf[concept] / index.idf[word]
    assert weight[concept] / weight[word] == pytest.approx(expected, rel=1e-4)
    assert search.QUERY_CONCEPT_WEIGHT > 1


def test_load_refuses_a_format_3_index_asking_for_a_rebuild(index_dir):
    """Format 3 (before offsets, post numbers and terms.txt) is no longer read: LiveIndex rebuilds it."""
    version = versions.current_version(index_dir)
    manifest_path = index_dir / version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 3
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(versions.ArtifactError, match="has format 3, this code reads 4: rebuild it"):
        search.load(index_dir)


def _set_manifest(folder, **values):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(values)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_artifact_records_the_analysis_rules_it_was_built_under(index_dir):
    assert search.load(index_dir).manifest["analysis_rules"] == analysis.rules_digest()


@pytest.mark.parametrize("rules", ["0123456789abcdef", None])
def test_live_index_ensure_rebuilds_a_feed_built_index_of_other_analysis_rules(index_dir, rules):
    """A lexicon edit or an upgrade changes how text is read: posts must be read the new way too."""
    from app import BUNDLED_FEED

    version = versions.current_version(index_dir)
    _set_manifest(index_dir / version, analysis_rules=rules)
    index = LiveIndex(index_dir, check_seconds=0).ensure(str(BUNDLED_FEED))
    assert index.version != version
    assert index.manifest["analysis_rules"] == analysis.rules_digest()


def test_live_index_ensure_keeps_an_archive_built_index_for_the_refresh_to_rebuild(index_dir, caplog):
    """Rebuilding from the feed alone would drop the archive's posts that left the feed's window."""
    from app import BUNDLED_FEED

    version = versions.current_version(index_dir)
    _set_manifest(index_dir / version, analysis_rules="0123456789abcdef", archive_digest="d1")
    index = LiveIndex(index_dir, check_seconds=0).ensure(str(BUNDLED_FEED))
    assert index.version == version
    assert "clinicbot refresh" in caplog.text


def test_live_index_ensure_keeps_serving_when_the_rules_rebuild_fails(tmp_path, index_dir):
    version = versions.current_version(index_dir)
    _set_manifest(index_dir / version, analysis_rules="0123456789abcdef", source=str(tmp_path / "gone.xml"))
    index = LiveIndex(index_dir, check_seconds=0).ensure(str(tmp_path / "gone.xml"))
    assert index.version == version


def test_load_sections_match_the_written_rows_and_group_by_post(index_dir):
    index = search.load(index_dir)
    folder = index_dir / index.version
    with open(folder / "sections.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert list(index.sections) == rows
    assert [index.sections[i] for i in range(len(rows))] == rows
    assert index.sections[-1] == rows[-1]
    guids = list(dict.fromkeys(row["post_guid"] for row in rows))
    assert index.section_posts.tolist() == [guids.index(row["post_guid"]) for row in rows]
    for number, guid in enumerate(guids):
        assert index.rows_of_post(number).tolist() == [i for i, row in enumerate(rows) if row["post_guid"] == guid]


def _mapped_file(array):
    """True when the array's memory is a file mapping (not a copy in the process)."""
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return isinstance(array, mmap.mmap)


def test_load_maps_the_matrices_read_only(index_dir):
    index = search.load(index_dir)
    folder = index_dir / index.version
    for matrix, name in ((index.matrix_csc, "matrix.npz"), (index.headings, "headings.npz")):
        assert matrix.format == "csc"
        saved = sp.load_npz(folder / name)
        for part in ("data", "indices", "indptr"):
            array = getattr(matrix, part)
            assert not array.flags.writeable and array.flags.aligned and _mapped_file(array), (name, part)
            assert array.dtype == getattr(saved, part).dtype
            assert np.array_equal(array, getattr(saved, part)), (name, part)


def test_vectorizer_gives_the_query_vector_of_the_index(index_dir):
    index = search.load(index_dir)
    message = "sharp pain on the outside of my knee when running downhill"
    query = index.query_vector(message)
    row = oracles.index_vectorizer(index).transform([index.correct(message)])
    assert sorted(query.indices.tolist()) == sorted(row.indices.tolist())


@pytest.mark.parametrize("damage", ["offsets", "posts", "terms"])
def test_load_refuses_a_damaged_index_with_clear_error(index_dir, damage):
    folder = index_dir / versions.current_version(index_dir)
    arrays = dict(np.load(folder / "arrays.npz"))
    if damage == "offsets":
        arrays["section_offsets"] = arrays["section_offsets"][:-1]
    elif damage == "posts":
        arrays["section_post"] = arrays["section_post"][:-1]
    else:
        arrays["term_key_columns"] = arrays["term_key_columns"][::-1][:-1]
    np.savez(folder / "arrays.npz", **arrays)
    with pytest.raises(versions.ArtifactError, match="unreadable|inconsistent"):
        search.load(index_dir)


def _npz_members(path):
    with np.load(path) as saved:
        return dict(saved)


def _short_indptr(path):
    members = _npz_members(path)
    members["indptr"] = members["indptr"][:-1]
    np.savez(path, **members)


def _wrong_shape(path):
    members = _npz_members(path)
    members["shape"] = members["shape"] + [1, 0]
    np.savez(path, **members)


def _no_indices(path):
    members = _npz_members(path)
    del members["indices"]
    np.savez(path, **members)


def _compressed(path):
    sp.save_npz(path, sp.load_npz(path), compressed=True)


def _csr(path):
    sp.save_npz(path, sp.load_npz(path).tocsr(), compressed=False)


def _truncated(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _not_a_zip(path):
    path.write_bytes(b"not a matrix")


@pytest.mark.parametrize(("name", "damage", "message"), [
    ("matrix.npz", _short_indptr, "unreadable: matrix.npz is not a valid CSC matrix: index pointer"),
    ("headings.npz", _wrong_shape, "inconsistent"),
    ("matrix.npz", _no_indices, "unreadable: matrix.npz has no indices.npy member"),
    ("headings.npz", _compressed, "unreadable: headings.npz: member .* is compressed .* cannot be memory-mapped"),
    ("matrix.npz", _csr, "unreadable: matrix.npz holds .*csr.*, not csc"),
    ("matrix.npz", _truncated, "unreadable: matrix.npz is not a zip"),
    ("headings.npz", _not_a_zip, "unreadable: headings.npz is not a zip"),
])
def test_load_refuses_a_damaged_matrix_file_with_clear_error(index_dir, name, damage, message):
    folder = index_dir / versions.current_version(index_dir)
    damage(folder / name)
    with pytest.raises(versions.ArtifactError, match=message):
        search.load(index_dir)


def test_load_maps_a_matrix_written_by_scipy_with_the_same_results(index_dir, built_index_dir):
    # Plain save_npz places members wherever they fall (unaligned): still mapped, same answers.
    folder = index_dir / versions.current_version(index_dir)
    for name in ("matrix.npz", "headings.npz"):
        sp.save_npz(folder / name, sp.load_npz(folder / name), compressed=False)
    plain, aligned = search.load(index_dir), search.load(built_index_dir)
    assert _mapped_file(plain.matrix_csc.data)
    for message in ("outer knee pain running downhill", "inner elbow pain when I grip"):
        assert (plain.scores(message) == aligned.scores(message)).all()
        assert matcher.rank(plain, message) == matcher.rank(aligned, message)
