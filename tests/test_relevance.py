"""Relevance floors on the labelled dev set, scored by the shared scorer.

The floors sit just under what the current system measures (bench/quality.py
prints the full table); a change that makes matching worse fails here.
"""

from __future__ import annotations

import importlib.util

import pytest

from bot.evaluate import answer_queries, load_queries
from index import artifact
from tests.conftest import shared_path

FLOORS = {"hit1": 0.60, "hit3": 0.78}


@pytest.fixture(scope="module")
def scorer():
    path = shared_path("eval", "score.py")
    spec = importlib.util.spec_from_file_location("clinicbot_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev_answers(built_index_dir):
    queries = load_queries(shared_path("eval", "queries_dev.jsonl"))
    answers = answer_queries(queries, artifact.load(built_index_dir))
    return queries, {a["id"]: a for a in answers}


def test_relevance_symptom_hit_at_1_and_3_above_floor(scorer, dev_answers):
    queries, by_id = dev_answers
    rows = dict(scorer.retrieval_table(queries, by_id))
    symptom = rows["symptom"]
    assert symptom["hit1"] >= FLOORS["hit1"], symptom
    assert symptom["hit3"] >= FLOORS["hit3"], symptom
