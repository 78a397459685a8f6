"""The section store: each section's text and links, decoded only when it is shown.

Ranking needs a number or two per section (its length prior, its post), which
the index keeps as arrays; only the few sections an answer shows need their
text, title and links. So ``sections.jsonl`` (one JSON object a line, as
before) is memory-mapped, and the byte offset of every line, written beside it
at build time, lets a section be decoded on its own. Loading costs no parsing,
and the file's pages live once in the page cache for every worker instead of
as Python strings in each.

The file is read with ``json`` only: a tampered file can give wrong text, never
run code.
"""

from __future__ import annotations

import json
import mmap
import operator
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

__all__ = ["SectionStore", "line_offsets", "write_jsonl"]


def write_jsonl(path: Path, rows: Iterable[dict]) -> np.ndarray:
    """Write one JSON object a line and return the byte offset of each line, plus the file's end.

    errors="replace": a lone surrogate in a caller's text must not abort the build.
    """
    offsets = [0]
    with open(path, "wb") as fh:
        for row in rows:
            line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8", errors="replace")
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
        fh.flush()
        os.fsync(fh.fileno())
    return np.array(offsets, dtype=np.int64)


def line_offsets(data: bytes | mmap.mmap) -> np.ndarray:
    """The offsets write_jsonl returns, recovered by finding the newlines (for files written without them)."""
    if not len(data):
        return np.zeros(1, dtype=np.int64)
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n")) + 1
    if len(ends) == 0 or ends[-1] != len(data):
        ends = np.append(ends, len(data))
    return np.concatenate(([0], ends)).astype(np.int64)


class SectionStore(Sequence):
    """A read-only list of section dicts backed by a JSONL file and its line offsets.

    Indexing decodes one line (a fresh dict each time, so a caller cannot change
    the store); iterating decodes them all in order.
    """

    def __init__(self, path: Path, offsets: np.ndarray):
        """Map ``path``; ``offsets`` are its n + 1 line boundaries (ValueError when they do not fit the file)."""
        self.path = Path(path)
        with open(self.path, "rb") as fh:
            size = self.path.stat().st_size
            # A mapping outlives the file: a pruned version keeps serving the requests that hold it.
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        offsets = np.asarray(offsets, dtype=np.int64)
        if (offsets.ndim != 1 or len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != size
                or (np.diff(offsets) <= 0).any()):
            raise ValueError(f"{self.path.name}: line offsets do not match the file ({size} bytes)")
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = operator.index(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"section {row} out of range ({len(self)} sections)")
        return json.loads(self._data[self._offsets[row]:self._offsets[row + 1]])

    def __iter__(self) -> Iterator[dict]:
        for row in range(len(self)):
            yield self[row]
