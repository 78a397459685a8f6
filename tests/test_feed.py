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


class _Stalling:
    """A loopback HTTP server that answers 200 and then sends its body one byte at a time, slowly,
    or redirects to a fixed Location: the hostile feeds of issue 17 (F2, F12)."""

    def __init__(self, byte_every: float = 0.2, location: str | None = None):
        import socket
        import threading

        self.byte_every, self.location = byte_every, location
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        import threading

        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            conn.recv(65536)
            try:
                if self.location:
                    conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {self.location}\r\nContent-Length: 0\r\n\r\n"
                                 .encode())
                    return
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
                while not self.stop.wait(self.byte_every):
                    conn.sendall(b" ")
            except OSError:
                return

    def close(self):
        self.stop.set()
        self.sock.close()


def test_read_source_gives_up_at_the_overall_deadline(monkeypatch):
    """F2: a byte every 0.2 s never trips the per-read timeout; the whole download still has a deadline."""
    import time

    import index.feed as feed

    monkeypatch.setattr(feed, "FETCH_TIMEOUT_S", 1.0)
    monkeypatch.setattr(feed, "FETCH_DEADLINE_S", 1.5)
    server = _Stalling(byte_every=0.2)
    started = time.monotonic()
    try:
        with pytest.raises(FeedError, match="took longer than"):
            feed.read_source(server.url)
    finally:
        server.close()
    assert time.monotonic() - started < 3.0


def test_read_source_caps_the_size_while_reading(monkeypatch):
    import index.feed as feed

    monkeypatch.setattr(feed, "MAX_FEED_BYTES", 10)
    server = _Stalling(byte_every=0.001)
    try:
        with pytest.raises(FeedError, match="larger than 10 bytes"):
            feed.read_source(server.url)
    finally:
        server.close()


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd"])
def test_read_source_follows_redirects_only_to_http(location):
    """F12: a redirect to ftp:// (or file://) is refused, not followed."""
    import index.feed as feed

    server = _Stalling(location=location)
    try:
        with pytest.raises(FeedError, match="(?i)redirect"):
            feed.read_source(server.url)
    finally:
        server.close()
