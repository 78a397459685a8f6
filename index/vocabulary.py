"""The index vocabulary (term -> matrix column) as a file and arrays, looked up without a dict of every term.

A 100k-section index has hundreds of thousands of terms; parsing them into a
dict took most of the load once the sections were no longer parsed, and the
dict cost every worker ~37 MB. A message needs the columns of a few dozen
terms, so the terms are kept as written:

- ``terms.txt``: every term in column order, one a line (UTF-8), memory-mapped;
- ``term_offsets``: the byte offset of each line, plus the file's end;
- ``term_keys`` / ``term_key_columns``: the CRC-32 of each term's UTF-8 bytes,
  sorted, and the column each belongs to.

A lookup hashes the term, binary-searches the keys and compares the term with
the text of each column whose key matches, so two terms with one CRC (there are
a few among 300k) are still told apart: the answer is exactly the dict's.
"""

from __future__ import annotations

import mmap
import os
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

__all__ = ["Vocabulary", "term_key", "write_vocabulary"]


def _encode(term: str) -> bytes:
    # surrogatepass: a message with a lone surrogate must find nothing, not raise.
    return term.encode("utf-8", errors="surrogatepass")


def term_key(term: str) -> int:
    """The key a term is looked up by: CRC-32 of its UTF-8 bytes."""
    return zlib.crc32(_encode(term))


def _key_arrays(encoded: list[bytes]) -> dict[str, np.ndarray]:
    keys = np.fromiter((zlib.crc32(b) for b in encoded), dtype=np.uint32, count=len(encoded))
    order = np.argsort(keys, kind="stable")
    return {"term_keys": keys[order], "term_key_columns": order.astype(np.int32)}


def write_vocabulary(path: Path, vocabulary: dict[str, int]) -> dict[str, np.ndarray]:
    """Write terms.txt for a term -> column dict (columns 0..n-1) and return the arrays to save beside it."""
    terms = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        terms[column] = term
    encoded = [_encode(term) for term in terms]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) + 1 for b in encoded], out=offsets[1:])
    with open(path, "wb") as fh:
        fh.write(b"".join(b + b"\n" for b in encoded))
        fh.flush()
        os.fsync(fh.fileno())
    return {"term_offsets": offsets, **_key_arrays(encoded)}


class Vocabulary(Mapping):
    """A read-only term -> column mapping over terms.txt and its arrays (see the module docstring)."""

    def __init__(self, path: Path, offsets: np.ndarray, keys: np.ndarray, columns: np.ndarray):
        """Map ``path``; ValueError when the arrays do not fit it or each other."""
        self.path = Path(path)
        size = self.path.stat().st_size
        with open(self.path, "rb") as fh:
            # A mapping outlives the file: a pruned version keeps serving the requests that hold it.
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._keys = np.asarray(keys, dtype=np.uint32)
        self._columns = np.asarray(columns, dtype=np.int64)
        n = len(self._offsets) - 1
        if (n < 0 or self._offsets[0] != 0 or self._offsets[-1] != size or (np.diff(self._offsets) <= 0).any()
                or len(self._keys) != n or len(self._columns) != n
                or (n and (self._columns.min() < 0 or self._columns.max() >= n))):
            raise ValueError(f"{self.path.name}: term offsets or keys do not match the file ({size} bytes)")

    def _text(self, column: int) -> bytes:
        return self._data[self._offsets[column]:self._offsets[column + 1] - 1]

    def _find(self, encoded: bytes, key: int, start: int) -> int | None:
        """The column of a term whose key sits at ``start`` onwards in the sorted keys, if any."""
        keys, columns = self._keys, self._columns
        while start < len(keys) and keys[start] == key:
            column = int(columns[start])
            if self._text(column) == encoded:
                return column
            start += 1
        return None

    def columns(self, terms: list[str]) -> list[int | None]:
        """The column of each term (None for a term not in the index), in one pass over the keys."""
        encoded = [_encode(term) for term in terms]
        keys = [zlib.crc32(b) for b in encoded]
        starts = np.searchsorted(self._keys, np.array(keys, dtype=np.uint32)).tolist()
        return [self._find(b, k, s) for b, k, s in zip(encoded, keys, starts, strict=True)]

    def get(self, term: str, default=None):
        """The term's column, or ``default``."""
        column = self.columns([term])[0]
        return default if column is None else column

    def __getitem__(self, term: str) -> int:
        column = self.get(term)
        if column is None:
            raise KeyError(term)
        return column

    def __contains__(self, term) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        """Terms in column order."""
        for column in range(len(self)):
            yield self._text(column).decode("utf-8", errors="surrogatepass")

    def to_dict(self) -> dict[str, int]:
        """The plain dict (for scikit-learn's vectorizer)."""
        return {term: column for column, term in enumerate(self)}
