"""The lexicon is general vocabulary, never a labelled query's wording (issue 15 item 2).

A term may share a word or two with a test message ("tennis elbow"), but a run of four or
more of its literal words found verbatim in a labelled query was copied from it, not written
from clinical knowledge. The labelled sets are read here only to check that, never to write terms.
"""

from __future__ import annotations

import json
import re
import tomllib

from index import analysis, lexicon
from tests.conftest import shared_path

#: A run of this many literal words shared with a labelled query is a copy.
COPIED_RUN = 4
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _words(text: str) -> list[str]:
    return WORD.findall(analysis.fold(text).lower().replace("\u2019", "'"))


def literal_runs(term: str) -> list[list[str]]:
    """A term's runs of literal words, split at each $class slot."""
    runs: list[list[str]] = [[]]
    for part in term.removeprefix("^").split():
        if part.startswith("$"):
            runs.append([])
        else:
            runs[-1].extend(_words(part))
    return [run for run in runs if run]


def copied_runs(term: str, queries: list[list[str]], size: int = COPIED_RUN) -> list[str]:
    """Every run of ``size`` literal words of the term that some query contains word for word."""
    found = []
    for run in literal_runs(term):
        for start in range(len(run) - size + 1):
            piece = run[start:start + size]
            if any(query[i:i + size] == piece for query in queries for i in range(len(query) - size + 1)):
                found.append(" ".join(piece))
    return found


def _labelled_queries() -> list[list[str]]:
    queries = []
    for parts in (("eval", "queries_dev.jsonl"), ("eval", "corpora", "kibworth-osteo", "queries.jsonl")):
        with open(shared_path(*parts), encoding="utf-8") as fh:
            queries.extend(_words(json.loads(line)["query"]) for line in fh if line.strip())
    return queries


def test_copied_runs_finds_a_four_word_run_and_ignores_shorter_or_split_ones():
    queries = [_words("my pain never fully goes away after runs")]
    assert copied_runs("never fully goes away", queries) == ["never fully goes away"]
    assert copied_runs("pain never fully goes", queries) == ["pain never fully goes"]
    assert copied_runs("never goes away", queries) == []
    # A class slot breaks the run: neither side has four literal words.
    assert copied_runs("pain never $pain fully goes away", queries) == []


def test_no_lexicon_term_copies_four_words_of_a_labelled_query():
    queries = _labelled_queries()
    assert len(queries) > 50
    with open(lexicon.LEXICON_PATH, "rb") as fh:
        data = tomllib.load(fh)
    copied = {(entry["id"], term): runs for entry in data["concept"] for term in entry["terms"]
              if (runs := copied_runs(term, queries))}
    assert not copied, f"lexicon terms copied from labelled queries: {copied}"


def test_carrying_a_heavy_bag_is_an_activity_at_any_age():
    loaded = analysis.lexicon()
    for text in ("my back aches from carrying a heavy rucksack", "I carry my bag on one shoulder all day",
                 "neck pain from a heavy backpack"):
        assert "carrying_load" in loaded.match(analysis.stems(text)), text
    assert "pediatrics" not in loaded.match(analysis.stems("she carries a heavy school bag"))
