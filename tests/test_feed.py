"""Feed reading: formats, errors, link safety."""

from __future__ import annotations

import pytest

from app import BUNDLED_FEED
from index.feed import FeedError, load_feed, parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Clinic</title>
<link href="https://clinic.example/"/>
<entry><title>Knee pain</title><id>urn:1</id><link href="https://clinic.example/knee"/>
<content type="html">&lt;p&gt;Intro&lt;/p&gt;&lt;h2&gt;Stairs&lt;/h2&gt;
&lt;p&gt;Going down stairs hurts.&lt;/p&gt;</content>
</entry></feed>"""

WORDPRESS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>WP</title><link>https://wp.example</link>
<item><title>Heel pain</title><link>https://wp.example/heel/</link><guid>https://wp.example/?p=1</guid>
<description>Short teaser</description>
<content:encoded><![CDATA[<p>The full body about heel pain in the morning.</p>
<h2>Treatment</h2><p>Calf loading.</p>]]></content:encoded>
</item></channel></rss>"""


def test_load_feed_bundled_has_twenty_posts():
    result = load_feed(str(BUNDLED_FEED))
    assert len(result.posts) == 20
    assert all(p.title and p.link.startswith("https://") and p.html for p in result.posts)
    assert result.posts[0].slug == "why-it-band-syndrome-keeps-coming-back-in-runners-and-what-to-do-about-it"


def test_parse_feed_reads_atom():
    result = parse_feed(ATOM)
    assert [p.title for p in result.posts] == ["Knee pain"]
    assert "Going down stairs" in result.posts[0].html


def test_parse_feed_prefers_content_encoded_over_description():
    post = parse_feed(WORDPRESS).posts[0]
    assert "full body" in post.html
    assert post.slug == "heel"


@pytest.mark.parametrize("data, fragment", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"this is not xml at all", "no posts"),
    (b"<rss version='2.0'><channel><title>x</title></channel></rss>", "no posts"),
    (b"<rss version='2.0'><channel><item><title>t</title></item></channel></rss>", "no usable posts"),
])
def test_parse_feed_rejects_unusable_feeds_with_reason(data, fragment):
    with pytest.raises(FeedError, match=fragment):
        parse_feed(data, "test feed")


def test_load_feed_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.xml"
    with pytest.raises(FeedError, match="not found"):
        load_feed(str(missing))


def test_parse_feed_drops_unsafe_links():
    data = WORDPRESS.replace(b"<link>https://wp.example/heel/</link>", b"<link>javascript:alert(1)</link>")
    post = parse_feed(data).posts[0]
    assert post.link == ""
