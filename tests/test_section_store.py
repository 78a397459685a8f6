"""The section store: sections decoded one at a time give exactly the rows that were written."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.section_store import SectionStore, line_offsets, write_jsonl

ROWS = [
    {"id": 0, "heading": "Knee pain", "text": "Running downhill hurts."},
    {"id": 1, "heading": None, "text": "Café, naïve, 膝 — and a line\nbreak and a \"quote\"."},
    {"id": 2, "heading": "Lone surrogate", "text": "bad \ud800 char"},
    {"id": 3, "heading": "", "text": ""},
]


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "sections.jsonl"
    return path, write_jsonl(path, ROWS)


def expected_rows(path):
    """What the loader read before the store: every line through json.loads."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_section_store_gives_the_rows_a_full_read_gives(written):
    path, offsets = written
    store = SectionStore(path, offsets)
    rows = expected_rows(path)
    assert len(store) == len(ROWS) == len(rows)
    assert [store[i] for i in range(len(store))] == rows
    assert list(store) == rows
    assert store[-1] == rows[-1] and store[np.int64(1)] == rows[1]
    assert store[1:3] == rows[1:3]
    assert rows[1] == ROWS[1]
    assert rows[2]["text"] == "bad ? char"  # replaced at write time, as the text-mode writer did


def test_section_store_hands_out_copies(written):
    store = SectionStore(*written)
    store[0]["text"] = "changed"
    assert store[0]["text"] == ROWS[0]["text"]


@pytest.mark.parametrize("row", [4, -5, 100])
def test_section_store_index_out_of_range_raises(written, row):
    with pytest.raises(IndexError):
        SectionStore(*written)[row]


def test_line_offsets_recovers_the_written_offsets(written):
    path, offsets = written
    assert line_offsets(path.read_bytes()).tolist() == offsets.tolist()
    assert line_offsets(b"").tolist() == [0]
    assert line_offsets(b'{"a": 1}').tolist() == [0, 8]  # last line without its newline


@pytest.mark.parametrize("change", [lambda o: o[:-1], lambda o: o + 1, lambda o: o[::-1], lambda o: o[:0]])
def test_section_store_refuses_offsets_that_do_not_fit_the_file(written, change):
    path, offsets = written
    with pytest.raises(ValueError, match="offsets"):
        SectionStore(path, change(offsets))


def test_section_store_of_an_empty_file(tmp_path):
    path = tmp_path / "sections.jsonl"
    store = SectionStore(path, write_jsonl(path, []))
    assert len(store) == 0 and list(store) == []
