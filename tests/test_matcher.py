"""Section-to-post aggregation, diversity, and the honest 'no article' decision."""

from __future__ import annotations

import pytest

from bot import matcher
from index import artifact


class FakeIndex:
    """Just enough of an Index for order() and uncovered()."""

    def __init__(self, posts, covered=()):
        self.sections = [{"post_guid": p} for p in posts]
        self._covered = set(covered)

    def covers(self, concept_id):
        return concept_id in self._covered


def test_matcher_order_interleaves_plausible_posts_before_second_sections():
    index = FakeIndex(["a", "a", "a", "b", "b"])
    candidates = [(0, 0.50), (1, 0.48), (2, 0.47), (3, 0.46), (4, 0.30)]
    ranked = [m.section_id for m in matcher.order(index, candidates, limit=5)]
    assert ranked[:2] == [0, 3]
    assert [index.sections[i]["post_guid"] for i in ranked].count("a") <= matcher.MAX_PER_POST


def test_matcher_order_gives_a_dominant_post_its_best_sections_first():
    index = FakeIndex(["a", "a", "a", "b", "c"])
    candidates = [(0, 0.60), (1, 0.55), (2, 0.50), (3, 0.20), (4, 0.15)]
    ranked = [m.section_id for m in matcher.order(index, candidates, limit=5)]
    assert ranked == [0, 1, 2, 3, 4]


def test_matcher_order_caps_sections_per_post():
    index = FakeIndex(["a"] * 6)
    ranked = matcher.order(index, [(i, 0.9 - i / 100) for i in range(6)], limit=5)
    assert len(ranked) == matcher.MAX_PER_POST


@pytest.mark.parametrize(("concepts", "covered", "expected"), [
    (["acupuncture", "insurance"], {"insurance"}, ["acupuncture"]),
    (["plantar_wart", "foot"], {"foot"}, ["plantar_wart"]),
    (["flat_feet", "lower_leg", "shin_splints"], {"lower_leg", "shin_splints"}, []),
    (["calf_strain", "return_to_run"], {"return_to_run"}, []),
    (["golfers_elbow"], {"golfers_elbow"}, []),
])
def test_matcher_uncovered_reports_subjects_the_blog_lacks(concepts, covered, expected):
    assert matcher.uncovered(FakeIndex([], covered), concepts) == expected


@pytest.fixture(scope="module")
def index(built_index_dir):
    return artifact.load(built_index_dir)


@pytest.mark.parametrize("message", ["my jaw clicks when I chew", "do you take my insurance for acupuncture?",
                                     "do you sell gift cards?",
                                     # "pelvic" is also a hip word; the service it names is the subject
                                     "pelvic floor therapy after pregnancy"])
def test_matcher_rank_abstains_on_topics_the_blog_does_not_cover(index, message):
    assert matcher.rank(index, message).matched is False


def test_matcher_rank_shows_two_posts_when_both_are_asked_about(index):
    ranking = matcher.rank(index, "what's the difference between tennis elbow and golfer's elbow?")
    posts = [index.sections[m.section_id]["post_slug"] for m in ranking.matches[:2]]
    assert any("golfers" in p for p in posts) and any("tennis" in p for p in posts)


def test_matcher_rank_answers_a_long_description_that_names_a_covered_condition(index):
    ranking = matcher.rank(index, "so yesterday after a long walk around town with the family and the dog the "
                                  "outside of my knee started hurting again, it band maybe?")
    assert ranking.names_covered_condition is True
    assert ranking.matched is True
    assert "it-band" in index.sections[ranking.matches[0].section_id]["post_slug"]
