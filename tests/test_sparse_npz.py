"""Sparse matrices in scipy's npz layout, mapped straight out of the zip."""

from __future__ import annotations

import io
import mmap
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.lib import format as npy

from index import sparse_npz


def _matrix(dtype=np.float32, shape=(60, 45)):
    return sp.random(*shape, density=0.1, format="csc", dtype=dtype, random_state=7)


def _mapped_file(array):
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return isinstance(array, mmap.mmap)


def _same(a, b):
    return a.format == b.format == "csc" and a.shape == b.shape and all(
        getattr(a, part).dtype == getattr(b, part).dtype and np.array_equal(getattr(a, part), getattr(b, part))
        for part in ("data", "indices", "indptr"))


# (scipy itself narrows int64 indices that fit in int32, so index dtypes other than int32 do not survive.)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_npz_save_is_read_by_scipy_and_mapped_aligned(tmp_path, dtype):
    matrix = _matrix(dtype=dtype)
    sparse_npz.save(tmp_path / "m.npz", matrix)
    assert _same(sp.load_npz(tmp_path / "m.npz"), matrix)
    mapped = sparse_npz.map_csc(tmp_path / "m.npz")
    assert _same(mapped, matrix)
    for part in ("data", "indices", "indptr"):
        array = getattr(mapped, part)
        assert _mapped_file(array) and not array.flags.writeable, part
        assert array.ctypes.data % sparse_npz.ALIGN == 0, part


def test_sparse_npz_save_writes_the_members_of_save_npz_uncompressed(tmp_path):
    matrix = _matrix()
    sparse_npz.save(tmp_path / "ours.npz", matrix)
    sp.save_npz(tmp_path / "scipy.npz", matrix, compressed=False)
    with np.load(tmp_path / "ours.npz") as ours, np.load(tmp_path / "scipy.npz") as theirs:
        assert list(ours.keys()) == list(theirs.keys())
        for key in theirs:
            assert ours[key].dtype == theirs[key].dtype and np.array_equal(ours[key], theirs[key]), key
    with zipfile.ZipFile(tmp_path / "ours.npz") as archive:
        assert archive.testzip() is None
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


def test_sparse_npz_save_is_deterministic(tmp_path):
    matrix = _matrix()
    sparse_npz.save(tmp_path / "a.npz", matrix)
    sparse_npz.save(tmp_path / "b.npz", matrix.copy())
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_sparse_npz_map_csc_reads_an_empty_matrix(tmp_path):
    matrix = sp.csc_matrix((5, 4), dtype=np.float32)
    sparse_npz.save(tmp_path / "m.npz", matrix)
    mapped = sparse_npz.map_csc(tmp_path / "m.npz")
    assert mapped.shape == (5, 4) and mapped.nnz == 0 and (mapped @ np.ones(4, np.float32) == 0).all()


def test_sparse_npz_map_csc_reads_scipy_save_npz_too(tmp_path):
    # save_npz does not align members; the arrays are still mapped and equal.
    matrix = _matrix()
    sp.save_npz(tmp_path / "m.npz", matrix, compressed=False)
    mapped = sparse_npz.map_csc(tmp_path / "m.npz")
    assert _same(mapped, matrix) and _mapped_file(mapped.data)


def _zip_with(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)


def _npy(array) -> bytes:
    out = io.BytesIO()
    npy.write_array(out, np.asarray(array))
    return out.getvalue()


def _members(matrix, **override) -> dict[str, bytes]:
    members = {"indices": _npy(matrix.indices), "indptr": _npy(matrix.indptr), "format": _npy(np.array(b"csc")),
               "shape": _npy(np.array(matrix.shape)), "data": _npy(matrix.data), **override}
    return {key + ".npy": payload for key, payload in members.items()}


def _short_data(matrix):
    # The .npy header announces every value; the member holds all but the last.
    return _npy(matrix.data)[:-matrix.data.itemsize]


@pytest.mark.parametrize(("override", "message"), [
    (lambda m: {"data": _short_data(m)}, "member data.npy holds .* bytes, its header announces"),
    (lambda m: {"data": _npy(m.data.reshape(1, -1))}, "member data.npy is not a one-dimensional plain array"),
    (lambda m: {"indices": b"\x93NUMPY\x09\x00" + bytes(60)}, "indices.npy is .npy version"),
    (lambda m: {"indptr": b"not an npy"}, "magic"),
    (lambda m: {"format": _npy(np.array(b"coo"))}, "holds .*coo.*, not csc"),
    (lambda m: {"shape": _npy(np.array([1.5, 2.0]))}, "malformed shape"),
])
def test_sparse_npz_map_csc_refuses_a_malformed_member(tmp_path, override, message):
    matrix = _matrix()
    _zip_with(tmp_path / "m.npz", _members(matrix, **override(matrix)))
    with pytest.raises(ValueError, match=message):
        sparse_npz.map_csc(tmp_path / "m.npz")


def test_sparse_npz_map_csc_refuses_a_compressed_member(tmp_path):
    matrix = _matrix()
    with zipfile.ZipFile(tmp_path / "m.npz", "w", zipfile.ZIP_STORED) as archive:
        for name, payload in _members(matrix).items():
            archive.writestr(name, payload, compress_type=zipfile.ZIP_DEFLATED if name == "indptr.npy" else None)
    with pytest.raises(ValueError, match="m.npz: member indptr.npy is compressed"):
        sparse_npz.map_csc(tmp_path / "m.npz")
