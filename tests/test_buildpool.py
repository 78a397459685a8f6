"""The multi-process build gives exactly the one-process index, and one shared parse per post what two gave."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from index import build, buildpool, quality_check
from index.feed import Post, load_feed
from index.sections import Booking, split_post
from tests.conftest import shared_path


def test_buildpool_parallel_build_equals_serial(bundled_posts, tmp_path, monkeypatch):
    serial = build.build(bundled_posts, tmp_path / "serial")
    monkeypatch.setattr(buildpool, "PARALLEL_MIN_POSTS", 0)
    monkeypatch.setattr(buildpool, "CHUNK", 40)  # several chunks even for the small bundled blog
    monkeypatch.setattr(buildpool, "processes", lambda: 2)
    parallel = build.build(bundled_posts, tmp_path / "parallel")
    for name in ("sections.jsonl", "posts.jsonl", "terms.txt"):
        assert (serial.path / name).read_text() == (parallel.path / name).read_text(), name
    vocabularies = [json.loads((r.path / "vocabulary.json").read_text()) for r in (serial, parallel)]
    assert vocabularies[0] == vocabularies[1]
    assert np.array_equal(np.load(serial.path / "arrays.npz")["idf"], np.load(parallel.path / "arrays.npz")["idf"])
    a, b = sp.load_npz(serial.path / "matrix.npz"), sp.load_npz(parallel.path / "matrix.npz")
    assert a.shape == b.shape and abs(a - b).max() < 1e-6
    manifests = [json.loads((r.path / "manifest.json").read_text()) for r in (serial, parallel)]
    assert manifests[0]["booking"] == manifests[1]["booking"]


@pytest.mark.parametrize("df, n", [([1, 2, 5], 5), ([3], 10)])
def test_buildpool_smoothed_idf_matches_scikit_learn(df, n):
    from sklearn.feature_extraction.text import TfidfTransformer

    rows = [[1 if row < count else 0 for count in df] for row in range(n)]
    expected = TfidfTransformer(smooth_idf=True).fit(sp.csr_matrix(np.array(rows, dtype=np.float32))).idf_
    assert np.array_equal(buildpool.smoothed_idf(np.array(df), n), expected)


def _apart(post):
    """A post as the build read it before the parse was shared: judged, then (if kept) parsed again and cut."""
    verdict = quality_check.judge(post)
    booking = Booking()
    return verdict, ([] if verdict.excluded else split_post(post, booking)), booking


PROSE = ("Knee pain when running downhill is often an irritated tendon at the front of the knee. Easing the load "
         "for a week and strengthening the hips helps most runners, and a physical therapist can check it. ")
BODIES = [
    f"<h2>Knee pain</h2><p>{PROSE}</p><script>buy cialis viagra levitra kamagra cheap pills</script>",
    f"<template><p>casino poker viagra cialis</p></template><p>{PROSE}</p><noscript>{PROSE}</noscript>",
    f"<style>p {{color: red}}</style><h2>A</h2><h3>B</h3><ul><li><p>{PROSE}</p></li></ul><h4>C</h4><p>x</p>",
    f"<div class='sqs-block-button'><a href='https://c.example/book'>Book now</a></div><p>{PROSE}</p>"
    "<p>Call today: 424-543-4336</p><p><a href='tel:424-543-4336'>call</a></p><p>📞 (310) 555-0100</p>",
    f"<h1>Title</h1><figure><figcaption>{PROSE}</figcaption></figure>plain text\x00 \ud800 outside blocks",
    # The quality check reads only the first MAX_CHARS: the title's words come after the cut.
    "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 4000 + "</p><p>Shin splints</p>",
    "<p>Cialis rezeptfrei kaufen, Viagra und Levitra günstig in unserer Apotheke ohne Rezept bestellen.</p>" * 3,
    "",
]


@pytest.mark.parametrize("body", BODIES)
def test_buildpool_prepare_post_equals_judging_and_sectioning_apart(body):
    post = Post(guid="g", title="Shin splints and knee pain", link="https://c.example/p", published=None, html=body)
    verdict, found, booking = buildpool.prepare_post(post)
    want_verdict, want_found, want_booking = _apart(post)
    assert verdict == want_verdict
    assert found == want_found
    assert (booking.urls, booking.phones) == (want_booking.urls, want_booking.phones)


def test_buildpool_prepare_post_equals_apart_on_real_feeds(bundled_posts):
    posts = list(bundled_posts)
    for name in ("atsurgical-category-sports-injuries.rss.xml", "atsurgical-category-back-pain.rss.xml"):
        posts += load_feed(str(shared_path("extern", "other-feeds", name))).posts
    excluded = 0
    for post in posts:
        verdict, found, booking = buildpool.prepare_post(post)
        want_verdict, want_found, want_booking = _apart(post)
        assert (verdict, found) == (want_verdict, want_found), post.title
        assert list(booking.phones.items()) == list(want_booking.phones.items())
        assert list(booking.urls.items()) == list(want_booking.urls.items())
        excluded += verdict.excluded
    assert excluded  # the spam posts took the judged-only path


def test_buildpool_build_follows_a_replaced_screen_posts(bundled_posts, tmp_path, monkeypatch):
    """Sections and counts come from the posts screen_posts keeps, even when it disagrees with the verdicts."""
    posts = list(bundled_posts[:6])
    without = build.build(posts[1:], tmp_path / "without")

    def drop_first(candidates, rules=None, verdicts=None):
        return list(candidates)[1:], [], []

    monkeypatch.setattr(quality_check, "screen_posts", drop_first)
    dropped = build.build(posts, tmp_path / "dropped")
    for name in ("sections.jsonl", "vocabulary.json", "words.json", "matrix.npz", "headings.npz", "arrays.npz"):
        assert (without.path / name).read_bytes() == (dropped.path / name).read_bytes(), name
