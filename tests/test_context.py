"""Sections read in their post: repeated headings through the title, whole-post vectors and priors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bot import matcher
from index import build, context, search


def section(post, heading):
    return {"post_guid": post, "heading": heading}


def test_context_generic_rows_marks_headings_that_repeat_across_posts():
    sections = [section("knee", "Treatment"), section("knee", "Why the knee hurts"),
                section("shoulder", "treatment:"), section("shoulder", None)]
    assert context.generic_rows(sections).tolist() == [True, False, True, context.INTRO_IS_GENERIC]


def test_context_generic_rows_a_heading_repeated_inside_one_post_is_not_generic():
    sections = [section("knee", "Exercises"), section("knee", "Exercises"), section("hip", "Hip drop")]
    assert context.generic_rows(sections).tolist() == [False, False, False]


def test_context_title_rows_weights_the_title_of_generic_sections_only(monkeypatch):
    monkeypatch.setattr(context, "REPEATED_TITLE_WEIGHT", 1.0)
    sections = [section("knee", "Diagnosis"), section("hip", "Diagnosis"), section("hip", "Hip drop")]
    assert context.title_rows(sections, 0.5).tolist() == [2.0, 2.0, 1.0]
    assert context.title_rows(sections, 1.0) is None  # the same weight: nothing to change


def test_context_post_matrix_is_the_normalised_sum_of_a_posts_sections():
    matrix = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32))
    posts = context.post_matrix(matrix, np.array([0, 0, 1]))
    assert posts.shape == (2, 2)
    assert np.allclose(posts.toarray(), [[2 ** -0.5, 2 ** -0.5], [0.0, 1.0]])


def test_context_post_prior_is_the_best_section_prior_of_each_post():
    prior = np.array([0.2, 1.0, 0.03, 0.03], dtype=np.float32)
    assert context.post_prior(np.array([0, 0, 1, 1]), prior).tolist() == pytest.approx([1.0, 0.03])


KNEE = ("<p>Knee pain in runners.</p><h2>Treatment</h2><p>Strengthening the hips and the quads, a gradual "
        "return to running and taping the kneecap settle most cases within weeks of steady work.</p>"
        "<h2>Why the Kneecap Hurts</h2><p>Weak hips let the kneecap drift and load the joint on every stride "
        "of a run, most of all downhill and on stairs.</p>")
SHOULDER = ("<p>Shoulder pain in swimmers.</p><h2>Treatment</h2><p>Strengthening the rotator cuff, a "
            "gradual return to swimming and taping settle most cases within weeks of steady work.</p>"
            "<h2>Why the Shoulder Hurts</h2><p>A tired rotator cuff lets the shoulder pinch at the top of the "
            "stroke, most of all with the arm overhead.</p>")


@pytest.fixture(scope="module")
def two_posts(tmp_path_factory):
    from index.feed import Post

    posts = [Post(guid=f"p{n}", title=title, link=f"https://clinic.example/blog/{slug}", published=None, html=html)
             for n, (title, slug, html) in enumerate([("Kneecap Pain", "kneecap", KNEE),
                                                      ("Shoulder Pain", "shoulder", SHOULDER)])]
    path = tmp_path_factory.mktemp("two-posts")
    build.build(posts, path)
    return search.load(path)


def treatment_scores(index):
    scores = index.scores("treatment for kneecap")
    rows = {index.sections[i]["post_slug"]: float(scores[i]) for i in range(len(index.sections))
            if index.sections[i]["heading"] == "Treatment"}
    return rows["kneecap"], rows["shoulder"]


def test_context_a_repeated_heading_is_read_through_its_post_title(two_posts, tmp_path, monkeypatch):
    knee, shoulder = treatment_scores(two_posts)
    monkeypatch.setattr(context, "REPEATED_TITLE_WEIGHT", build.DEFAULT_WEIGHTS["title"])
    from index.feed import Post

    posts = [Post(guid=f"p{n}", title=title, link=f"https://clinic.example/blog/{slug}", published=None, html=html)
             for n, (title, slug, html) in enumerate([("Kneecap Pain", "kneecap", KNEE),
                                                      ("Shoulder Pain", "shoulder", SHOULDER)])]
    build.build(posts, tmp_path)
    plain_knee, plain_shoulder = treatment_scores(search.load(tmp_path))
    # "Treatment" under the kneecap post is kneecap treatment: the title's weight widens the gap.
    assert knee - shoulder > plain_knee - plain_shoulder > 0


def test_context_post_scores_meet_a_question_spread_over_a_posts_sections(two_posts):
    scores = two_posts.post_scores(two_posts.blend(two_posts.query_vector("kneecap hurts on stairs, treatment")))
    kneecap = int(two_posts.section_posts[[s["post_slug"] for s in two_posts.sections].index("kneecap")])
    assert scores[kneecap] == max(scores) > 0


def test_matcher_order_adds_the_post_level_score(monkeypatch):
    from tests.test_matcher import FakeIndex

    index = FakeIndex(["a", "b"])
    candidates = [(0, 0.50), (1, 0.45)]
    assert [m.section_id for m in matcher.order(index, candidates, 5)][0] == 0
    monkeypatch.setattr(matcher, "POST_SHARE", 0.25)
    post_level = np.array([0.0, 0.4])  # b's sections together say far more than its best one
    assert [m.section_id for m in matcher.order(index, candidates, 5, post_level=post_level)][0] == 1
