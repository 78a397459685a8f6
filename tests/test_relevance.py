"""Relevance floors on the labelled dev set, scored by the shared scorer.

The floors sit just under what the current system measures (bench/quality.py
prints the full table); a change that makes matching worse fails here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bot.chat import respond
from bot.evaluate import answer_queries, load_queries
from bot.settings import BotSettings
from index import search
from tests.conftest import shared_path

#: End-to-end floors over all answerable queries (bench/quality.py measured P@1 0.96, P@3 1.00,
#: S@3 0.891, no-match recall 1.00, false abstain 0.00 on the dev set; symptom
#: queries P@1 0.969, P@3 1.00). S@3 is scored in the order cards show sections (bot/evaluate.py);
#: its floor is the figure itself: .870 is the answer where a dominant post's links push a plausible
#: second post's card down (matcher.FIRST_SHOWN).
FLOORS = {"hit1": 0.94, "hit3": 0.96, "mrr10": 0.96, "sec3": 0.88}
SYMPTOM_FLOORS = {"hit1": 0.95, "hit3": 0.96}
NO_MATCH_RECALL_FLOOR = 0.95
FALSE_ABSTAIN_CEILING = 0.01


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
    answers = answer_queries(queries, search.load(built_index_dir))
    return queries, {a["id"]: a for a in answers}


def test_relevance_symptom_hit_at_1_and_3_above_floor(scorer, dev_answers):
    queries, by_id = dev_answers
    rows = dict(scorer.retrieval_table(queries, by_id))
    symptom = rows["symptom"]
    assert symptom["hit1"] >= SYMPTOM_FLOORS["hit1"], symptom
    assert symptom["hit3"] >= SYMPTOM_FLOORS["hit3"], symptom


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_relevance_all_answerable_metric_above_floor(scorer, dev_answers, metric):
    queries, by_id = dev_answers
    overall = dict(scorer.retrieval_table(queries, by_id))["ALL"]
    assert overall[metric] >= FLOORS[metric], overall


def test_relevance_no_match_recall_above_floor(scorer, dev_answers):
    queries, by_id = dev_answers
    gating = scorer.gating(queries, by_id)
    assert gating["no_match_recall"] >= NO_MATCH_RECALL_FLOOR, gating


def test_relevance_false_abstain_rate_below_ceiling(scorer, dev_answers):
    queries, by_id = dev_answers
    gating = scorer.gating(queries, by_id)
    assert gating["false_abstain_rate"] <= FALSE_ABSTAIN_CEILING, gating


#: Lay questions about the bundled posts, written for this test and never in the dev set
#: (tests/data/lay_phrasings.jsonl): "validation" (40) was written first and only ever scored;
#: "tuning" (40) was read while the lexicon's care-topic terms, the persistent-pain duration and
#: the return-to-run terms were written, "tuning-2" (40, short and rambling messages) while "on
#: and off", "hammys" and more when-to-seek-care terms were. Post at 1 / in the first 3, before
#: -> after: validation 32 -> 33 and 34 -> 37, tuning 27 -> 35 and 33 -> 39, tuning-2 31 -> 35
#: and 37 -> 39 (all 120: 90 -> 103, 104 -> 115).
LAY_PHRASINGS = Path(__file__).parent / "data" / "lay_phrasings.jsonl"
LAY_FLOORS = {"hit1": 0.82, "hit3": 0.92}


def test_relevance_fresh_lay_phrasings_find_their_post(built_index_dir):
    index = search.load(built_index_dir)
    rows = [json.loads(line) for line in LAY_PHRASINGS.read_text(encoding="utf-8").splitlines()]
    hit1 = hit3 = 0
    missed = []
    for row in rows:
        answer = respond(row["text"], index, BotSettings())
        titles = list(dict.fromkeys(result["post_title"].lower() for result in answer["results"]))
        hit1 += bool(titles) and row["title"] in titles[0]
        found = any(row["title"] in title for title in titles[:3])
        hit3 += found
        if not found:
            missed.append(row["text"])
    assert hit1 / len(rows) >= LAY_FLOORS["hit1"], (hit1, missed)
    assert hit3 / len(rows) >= LAY_FLOORS["hit3"], (hit3, missed)


#: A second clinic's blog (Kibworth osteopaths, UK; ../shared/eval/corpora, read in place), its
#: 40 labelled queries. bench/quality.py measured P@1 .906, S@3 .938, no-match recall 1.00, false
#: abstain .031, P@3 .969 (plain TF-IDF over the same sections: .719 / .750). Floors one query under.
KIBWORTH_FLOORS = {"hit1": 0.87, "sec3": 0.90, "hit3": 0.95}


@pytest.fixture(scope="module")
def kibworth_answers(tmp_path_factory):
    from index.live import build_from_feed

    folder = tmp_path_factory.mktemp("kibworth-relevance") / "index"
    build_from_feed(str(shared_path("eval", "corpora", "kibworth-osteo", "feed.rss.xml")), folder)
    queries = load_queries(shared_path("eval", "corpora", "kibworth-osteo", "queries.jsonl"))
    answers = answer_queries(queries, search.load(folder))
    return queries, {a["id"]: a for a in answers}


def test_relevance_second_clinic_off_topic_posts_never_outrank_clinical_ones(kibworth_answers):
    """Issue 15 item 5: Kibworth's book reviews, recipe and dog update (the quality check's off-topic
    note, data/ingest_quality.toml) never come before a clinical post in any answer."""
    from index import quality_check
    from index.feed import load_feed

    posts = load_feed(str(shared_path("eval", "corpora", "kibworth-osteo", "feed.rss.xml"))).posts
    off_topic = {p.slug for p in posts
                 if any("domain" in note for note in quality_check.judge(p).notes)}
    assert len(off_topic) >= 5  # the fixture's off-topic posts are judged so
    _, by_id = kibworth_answers
    for answer in by_id.values():
        shown = list(dict.fromkeys(answer["posts"]))
        last_clinical = max((i for i, slug in enumerate(shown) if slug not in off_topic), default=-1)
        first_off_topic = min((i for i, slug in enumerate(shown) if slug in off_topic), default=len(shown))
        assert first_off_topic > last_clinical, (answer["id"], shown)


@pytest.mark.parametrize("metric", sorted(KIBWORTH_FLOORS))
def test_relevance_second_clinic_metric_above_floor(scorer, kibworth_answers, metric):
    queries, by_id = kibworth_answers
    overall = dict(scorer.retrieval_table(queries, by_id))["ALL"]
    assert overall[metric] >= KIBWORTH_FLOORS[metric], overall


def test_relevance_second_clinic_abstains_when_it_should_and_only_then(scorer, kibworth_answers):
    queries, by_id = kibworth_answers
    gating = scorer.gating(queries, by_id)
    assert gating["no_match_recall"] >= 0.85, gating
    assert gating["false_abstain_rate"] <= 0.05, gating
