"""The array vocabulary: every lookup gives exactly what the term -> column dict gives."""

from __future__ import annotations

import numpy as np
import pytest

from index.vocabulary import Vocabulary, term_key, write_vocabulary

#: "plumless" and "buckeroo" have the same CRC-32: the lookup must still tell them apart.
TERMS = ["0", "0 48", "@golfers_elbow", "age50s", "buckeroo", "café", "knee", "knee pain", "plumless", "膝"]


@pytest.fixture
def pair(tmp_path):
    vocabulary = {term: column for column, term in enumerate(sorted(TERMS))}
    arrays = write_vocabulary(tmp_path / "terms.txt", vocabulary)
    return vocabulary, Vocabulary(tmp_path / "terms.txt", arrays["term_offsets"], arrays["term_keys"],
                                  arrays["term_key_columns"])


def test_vocabulary_collision_pair_is_real():
    assert term_key("plumless") == term_key("buckeroo")


@pytest.mark.parametrize("term", [*TERMS, "knees", "", "kne", "knee pain ", "plumles", "\ud800", "@", "zzz"])
def test_vocabulary_lookup_equals_the_dict(pair, term):
    vocabulary, terms = pair
    assert terms.get(term) == vocabulary.get(term)
    assert (term in terms) == (term in vocabulary)
    assert terms.columns([term, "knee"]) == [vocabulary.get(term), vocabulary["knee"]]


def test_vocabulary_iterates_terms_in_column_order(pair):
    vocabulary, terms = pair
    assert len(terms) == len(vocabulary)
    assert list(terms) == sorted(vocabulary, key=vocabulary.get)
    assert terms.to_dict() == vocabulary
    with pytest.raises(KeyError):
        terms["missing"]


def test_vocabulary_refuses_arrays_that_do_not_fit_the_file(pair, tmp_path):
    arrays = write_vocabulary(tmp_path / "other.txt", {"a": 0, "b": 1})
    with pytest.raises(ValueError, match="do not match"):
        Vocabulary(tmp_path / "terms.txt", arrays["term_offsets"], arrays["term_keys"], arrays["term_key_columns"])
    with pytest.raises(ValueError, match="do not match"):
        Vocabulary(tmp_path / "other.txt", arrays["term_offsets"], arrays["term_keys"],
                   np.array([0, 2], dtype=np.int32))
