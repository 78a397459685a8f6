"""The multi-process build gives exactly the one-process index."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from index import artifact, buildpool


def test_buildpool_parallel_build_equals_serial(bundled_posts, tmp_path, monkeypatch):
    serial = artifact.build(bundled_posts, tmp_path / "serial")
    monkeypatch.setattr(buildpool, "PARALLEL_MIN_POSTS", 0)
    monkeypatch.setattr(buildpool, "CHUNK", 40)  # several chunks even for the small bundled blog
    monkeypatch.setattr(buildpool, "processes", lambda: 2)
    parallel = artifact.build(bundled_posts, tmp_path / "parallel")
    for name in ("sections.jsonl", "posts.jsonl"):
        assert (serial.path / name).read_text() == (parallel.path / name).read_text(), name
    vocabularies = [json.loads((r.path / "vocabulary.json").read_text()) for r in (serial, parallel)]
    assert vocabularies[0] == vocabularies[1]
    assert np.array_equal(np.load(serial.path / "arrays.npz")["idf"], np.load(parallel.path / "arrays.npz")["idf"])
    a, b = sp.load_npz(serial.path / "matrix.npz"), sp.load_npz(parallel.path / "matrix.npz")
    assert a.shape == b.shape and abs(a - b).max() < 1e-6
    manifests = [json.loads((r.path / "manifest.json").read_text()) for r in (serial, parallel)]
    assert manifests[0]["booking"] == manifests[1]["booking"]


@pytest.mark.parametrize("df, n", [([1, 2, 5], 5), ([3], 10)])
def test_buildpool_smoothed_idf_matches_scikit_learn(df, n):
    from sklearn.feature_extraction.text import TfidfTransformer

    rows = [[1 if row < count else 0 for count in df] for row in range(n)]
    expected = TfidfTransformer(smooth_idf=True).fit(sp.csr_matrix(np.array(rows, dtype=np.float32))).idf_
    assert np.array_equal(buildpool.smoothed_idf(np.array(df), n), expected)
