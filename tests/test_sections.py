"""Sectioning of the bundled feed and of small handmade posts."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from index.feed import Post
from index.sections import is_boilerplate, split_post, split_posts


def post(html: str) -> Post:
    return Post(guid="g1", title="Title", link="https://clinic.example/blog/post-slug", published=None, html=html)


def test_split_posts_every_bundled_post_has_sections(bundled_posts):
    sections, _ = split_posts(bundled_posts)
    assert {s.post_guid for s in sections} == {p.guid for p in bundled_posts}
    assert len(sections) > 200


def test_split_post_headings_are_the_posts_h2_h3(bundled_posts):
    for p in bundled_posts:
        soup = BeautifulSoup(p.html, "html.parser")
        expected = [re.sub(r"\s+", " ", h.get_text(" ")).strip() for h in soup.find_all(["h2", "h3"])]
        expected = [h for h in expected if h]
        got = [s.heading for s in split_post(p) if s.heading is not None]
        assert got == expected, p.slug


def test_split_post_text_has_no_images_or_booking_boilerplate(bundled_posts):
    sections, _ = split_posts(bundled_posts)
    for s in sections:
        assert "squarespace-cdn" not in s.text
        assert not re.search(r"\.(jpg|jpeg|png|gif|webp)\b", s.text, re.I)
        for line in s.text.splitlines():
            assert not is_boilerplate(line), line
            assert not re.match(r"^\W*(call today|book your appointment)", line, re.I), line


def test_split_posts_harvests_booking_url_and_phone(bundled_posts):
    _, booking = split_posts(bundled_posts)
    assert booking.best_url() == "https://www.victoryperformancept.com/contact"
    assert booking.best_phone() == "424-543-4336"


def test_split_post_h3_keeps_parent_h2_and_intro_has_no_heading():
    sections = split_post(post(
        "<p>Opening words here.</p><h2>Treatment</h2><p>Overview.</p>"
        "<h3>Phase 1</h3><p>Isometrics.</p><h2>FAQ</h2><h3>Can I run?</h3><p>Yes, carefully.</p>"
    ))
    assert [(s.heading, s.parent_heading) for s in sections] == [
        (None, None), ("Treatment", None), ("Phase 1", "Treatment"), ("FAQ", None), ("Can I run?", "FAQ"),
    ]
    assert sections[0].text == "Opening words here."
    assert sections[2].url.endswith("#:~:text=Phase%201")


def test_split_post_drops_scripts_figures_and_captions():
    sections = split_post(post(
        "<p>Real text.</p><script>alert(1)</script><figure><img src='x.jpg'><figcaption>Caption"
        "</figcaption></figure><div class='image-caption-wrapper'><p>Photo credit</p></div>"
        "<style>p{}</style><ul><li>Point one</li></ul>"
    ))
    assert sections[0].text == "Real text.\n• Point one"


def test_is_boilerplate_keeps_advice_that_mentions_booking():
    assert is_boilerplate("📞 Call or text: 424-543-4336")
    assert is_boilerplate("Book Your Appointment")
    assert is_boilerplate("Call today: 424-543-4336")
    assert not is_boilerplate("Before you book, run through this list:")
    assert not is_boilerplate("Sessions are 10 to 15 minutes, typically scheduled 5 to 7 days apart")
