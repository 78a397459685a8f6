"""Sectioning of the bundled feed and of small handmade posts."""

from __future__ import annotations

import re
from itertools import groupby

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from index.feed import Post
from index.sections import REFERENCE_HEADING, Booking, is_boilerplate, normalise_space, split_post, split_posts
from tests import oracles


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
        expected = [h for h in expected if h and not REFERENCE_HEADING.match(h)]
        # Passages cut from one long section repeat its heading: one heading per run.
        got = [h for h, _ in groupby(s.heading for s in split_post(p)) if h is not None]
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


@given(st.text(st.characters(exclude_categories=()), max_size=80))
@settings(max_examples=300, deadline=None, database=None)
def test_normalise_space_equals_collapsing_whitespace_with_a_regex(text):
    assert normalise_space(text) == re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.mark.parametrize("text", [
    "Call today: 424-543-4336", "call us at 424 543 4336 or book online at clinic.com today please now ok",
    "Call us at 424 543 4336 or book online at clinic.com today please now ok yes", "424-543-4336",
    "Book Your Appointment", "Book a session", "Calling all runners: book a visit", "", "   ", "Schedule",
    "one two three four five six seven eight nine ten eleven twelve thirteen", "📅 Book Your Appointment",
])
def test_is_boilerplate_equals_reading_every_word(text):
    assert is_boilerplate(text) == oracles.is_boilerplate(text)


def test_is_boilerplate_equals_reading_every_word_on_the_bundled_blocks(bundled_posts):
    blocks = [normalise_space(p.get_text(" ")) for post_ in bundled_posts
              for p in BeautifulSoup(post_.html, "html.parser").find_all(["p", "li", "h4"])]
    assert sum(is_boilerplate(b) for b in blocks) > 0
    assert [is_boilerplate(b) for b in blocks] == [oracles.is_boilerplate(b) for b in blocks]


@pytest.mark.parametrize("line", ["CALL 424-543-4336", "Tel: 424 543 4336", "📞 424.543.4336", "Phone (424) 543-4336",
                                  "caller 424-543-4336", "hotel 424-543-4336"])
def test_split_post_harvests_a_phone_line_only_when_it_says_call_phone_or_tel(line):
    booking = Booking()
    split_post(post(f"<p>{line}</p><p>Knee pain text.</p>"), booking)
    harvested = bool(booking.phones)
    assert harvested == bool(re.search(r"\b(call|phone|tel)\b|📞", line, re.I))


@pytest.mark.parametrize("heading", ["References", "Bibliography", "Sources:", "Further reading"])
def test_split_post_leaves_out_reference_lists(heading):
    html = (f"<p>Intro about knees.</p><h2>Exercises</h2><p>Squat slowly.</p><h2>{heading}</h2>"
            "<p>Smith J. Knee pain. BMJ 2020;1:1.</p><h2>Summary</h2><p>Keep moving.</p>")
    sections = split_post(post(html))
    assert [s.heading for s in sections] == [None, "Exercises", "Summary"]
    assert all("BMJ" not in s.text for s in sections)


def test_split_post_cuts_a_long_headless_body_into_passages_at_h4_and_bold_headings():
    para = " ".join(["Gentle movement helps the knee recover while the swelling settles down."] * 8)
    html = (f"<p>{para}</p><p>{para}</p><h4>How to care for your knees</h4><p>{para}</p>"
            f"<p><strong>Kneeling in the garden</strong></p><p>{para}</p><p>{para}</p>")
    sections = split_post(post(html))
    assert len(sections) > 1
    assert all(s.heading is None for s in sections)  # still "the intro" to a reader and to the labels
    subheadings = [s.subheading for s in sections]
    assert "How to care for your knees" in subheadings and "Kneeling in the garden" in subheadings
    assert subheadings.index("How to care for your knees") < subheadings.index("Kneeling in the garden")
    assert all(len(s.text.split()) <= 2 * 150 for s in sections)


def test_split_post_keeps_a_short_section_whole():
    html = "<h2>Ice or heat?</h2><p>Ice for the first two days.</p><h4>Heat</h4><p>Heat after that.</p>"
    sections = split_post(post(html))
    assert [s.heading for s in sections] == ["Ice or heat?"]
    assert sections[0].subheading is None
