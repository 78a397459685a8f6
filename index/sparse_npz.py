"""Sparse matrices in scipy's own ``.npz`` layout, written so that load can memory-map them.

``scipy.sparse.save_npz(path, m, compressed=False)`` writes a zip of ``.npy``
members (``indices``, ``indptr``, ``format``, ``shape``, ``data``) stored
without compression, so each member's bytes lie contiguous in the file. Reading
it with ``load_npz`` copies every array into the process; with 100k sections
that is ~100 MB per gunicorn worker. Mapping the members instead puts their
pages in the page cache once, shared by every worker, and costs no reading at
load: a query touches only its terms' columns.

save() writes the same members with the same keys (``load_npz`` reads the file
as before) and one difference: each member starts on a 64-byte boundary,
padded with an extra field in its zip header (as Android's zipalign does), so
the array data, which numpy's ``.npy`` header already pads to 64 bytes, is
aligned in the file and in memory. scipy's compiled routines read the arrays
through typed pointers; a misaligned float or int there works on x86 but is
undefined behaviour in C and slow or faulting on some other CPUs.

map_csc() finds each member's data from the zip's own records (the local
header's offset, name and extra lengths, then the ``.npy`` header) and maps it
read-only. It refuses, with ValueError, what it cannot map or does not
understand: a compressed or encrypted member, a missing one, a header that is
not ``.npy`` 1.0/2.0 of a one-dimensional plain array, or sizes that disagree
with the zip's. A file written by ``save_npz`` itself maps too (its arrays may
be unaligned; they load and give the same results on x86, as tests check).
"""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.lib import format as npy

__all__ = ["ALIGN", "map_csc", "save"]

#: Where each member's data starts: a multiple of this many bytes (numpy pads .npy headers to 64).
ALIGN = 64
#: The three arrays of a CSC matrix, mapped; ``format`` and ``shape`` are small and read.
CSC_PARTS = ("data", "indices", "indptr")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_MAGIC = b"PK\x03\x04"
#: The zip64 extra field zipfile adds to a local header when asked to (force_zip64, as numpy does).
_ZIP64_EXTRA = 20
#: Header id of the padding extra field (the one Android's zipalign uses); readers skip unknown ids.
_PADDING_ID = 0xD935
#: A fixed member time, so two builds of the same matrix write the same bytes.
_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def save(path: str | os.PathLike, matrix) -> None:
    """Write ``matrix`` as CSC in scipy's uncompressed npz layout, each member 64-byte aligned."""
    matrix = sp.csc_matrix(matrix)
    members = {"indices": matrix.indices, "indptr": matrix.indptr, "format": np.array(b"csc"),
               "shape": np.array(matrix.shape), "data": matrix.data}
    with open(path, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in members.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.extra = _padding(fh.tell(), len(info.filename.encode("ascii")))
            with archive.open(info, "w", force_zip64=True) as member:
                npy.write_array(member, np.asarray(array), allow_pickle=False)


def _padding(header_offset: int, name_length: int) -> bytes:
    """An extra field that makes the member's data, after its local header, start on an ALIGN boundary."""
    end = header_offset + _LOCAL_HEADER.size + name_length + 4 + _ZIP64_EXTRA
    size = -end % ALIGN
    return struct.pack("<HH", _PADDING_ID, size) + bytes(size)


def map_csc(path: str | os.PathLike) -> sp.csc_matrix:
    """The CSC matrix saved at ``path``, its data, indices and indptr mapped read-only, not read.

    Raises ValueError, naming the file and the member, when it cannot be mapped
    (see the module docstring); OSError when it cannot be opened.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh, zipfile.ZipFile(fh) as archive:
            stored = {info.filename: info for info in archive.infolist()}
            parts = [_map_member(path, fh, _member(path, stored, part)) for part in CSC_PARTS]
            sparse_format = _read_small(archive, _member(path, stored, "format"))
            shape = _read_small(archive, _member(path, stored, "shape"))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path.name} is not a zip (npz) file: {exc}") from exc
    if sparse_format.shape != () or sparse_format.item() not in (b"csc", "csc"):
        raise ValueError(f"{path.name} holds a {sparse_format!r} matrix, not csc")
    if shape.shape != (2,) or shape.dtype.kind not in "iu":
        raise ValueError(f"{path.name} has a malformed shape {shape!r}")
    try:
        return sp.csc_matrix(tuple(parts), shape=tuple(int(n) for n in shape))
    except ValueError as exc:  # scipy's own checks: indptr length, index dtypes
        raise ValueError(f"{path.name} is not a valid CSC matrix: {exc}") from exc


def _member(path: Path, stored: dict, key: str) -> zipfile.ZipInfo:
    info = stored.get(key + ".npy")
    if info is None:
        raise ValueError(f"{path.name} has no {key}.npy member: not a sparse matrix saved by save_npz")
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{path.name}: member {info.filename} is compressed (zip method "
                         f"{info.compress_type}), so it cannot be memory-mapped; save it uncompressed")
    if info.flag_bits & 0x1:
        raise ValueError(f"{path.name}: member {info.filename} is encrypted")
    return info


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """A small member (format, shape) read the ordinary way, checked against its CRC by zipfile."""
    with archive.open(info) as member:
        return npy.read_array(member, allow_pickle=False)


def _map_member(path: Path, fh, info: zipfile.ZipInfo) -> np.ndarray:
    """One stored member's array, mapped read-only where its bytes lie in the file."""
    fh.seek(info.header_offset)
    local = fh.read(_LOCAL_HEADER.size)
    if len(local) != _LOCAL_HEADER.size or local[:4] != _LOCAL_MAGIC:
        raise ValueError(f"{path.name}: member {info.filename} has no local zip header at {info.header_offset}")
    fields = _LOCAL_HEADER.unpack(local)
    name_length, extra_length = fields[-2], fields[-1]
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    fh.seek(start)
    version = npy.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = npy.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = npy.read_array_header_2_0(fh)
    else:
        raise ValueError(f"{path.name}: member {info.filename} is .npy version {version}, not 1.0 or 2.0")
    if len(shape) != 1 or dtype.hasobject:
        raise ValueError(f"{path.name}: member {info.filename} is not a one-dimensional plain array "
                         f"(shape {shape}, dtype {dtype})")
    offset = fh.tell()
    nbytes = shape[0] * dtype.itemsize
    if offset - start + nbytes != info.file_size:
        raise ValueError(f"{path.name}: member {info.filename} holds {info.file_size} bytes, its header "
                         f"announces {offset - start + nbytes}")
    if offset + nbytes > os.fstat(fh.fileno()).st_size:
        raise ValueError(f"{path.name} is truncated: member {info.filename} ends past the end of the file")
    if nbytes == 0:
        array = np.empty(shape, dtype=dtype)
        array.flags.writeable = False
        return array
    # A plain ndarray view of the map (np.memmap's subclass would leak into scipy's results).
    return np.asarray(np.memmap(fh, dtype=dtype, mode="r", offset=offset, shape=shape))
