"""Read a clinic's RSS or Atom feed into plain post records.

Any platform (Squarespace, WordPress, Wix, Blogger...) is handled the same way:
feedparser normalises RSS 2.0, RSS 1.0 and Atom, and we take the richest body
each entry offers (content:encoded / Atom content before description/summary).
Nothing here knows about sections or the index.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import feedparser

from index.sections import scrub

#: Larger feeds than this are refused rather than parsed into memory.
MAX_FEED_BYTES = 20 * 1024 * 1024
#: Longest wait for any one connect or read.
FETCH_TIMEOUT_S = 20
#: Longest a whole download may take: a server trickling a byte every few seconds never trips
#: the per-read timeout, and would otherwise hold a refresh (and its lock) for as long as it likes.
FETCH_DEADLINE_S = 60
READ_CHUNK = 64 * 1024
USER_AGENT = "clinicbot/1.0 (+feed indexer)"


class FeedError(Exception):
    """The feed could not be read or holds nothing we can index.

    The message is meant for the operator: it names the source and the problem.
    """


@dataclass(frozen=True)
class Post:
    """One blog post as published in the feed."""

    guid: str
    title: str
    link: str
    published: str | None
    html: str

    @property
    def slug(self) -> str:
        """The last path segment of the post's link: a stable, readable id."""
        path = urlsplit(self.link).path.rstrip("/")
        return path.rsplit("/", 1)[-1] if path else self.guid

    def to_dict(self) -> dict:
        """Plain data for JSON storage."""
        return asdict(self)


@dataclass(frozen=True)
class FeedResult:
    """Posts plus what the feed says about itself."""

    title: str
    link: str
    posts: list[Post]
    warnings: list[str]
    etag: str | None = None
    modified: str | None = None
    not_modified: bool = False


def is_url(source: str) -> bool:
    """True for http(s) URLs; everything else is treated as a file path."""
    return urlsplit(source).scheme in ("http", "https")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would also follow one to ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Refuse a redirect to any other scheme (FeedError names it for the operator)."""
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FeedError(f"fetching {req.full_url} failed: redirect to a non-http(s) URL ({newurl[:200]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _download(request: urllib.request.Request, source: str, deadline: float):
    """(bytes, headers, status), reading in chunks against the deadline and the size cap."""
    remaining = deadline - time.monotonic()
    with _OPENER.open(request, timeout=max(0.1, min(FETCH_TIMEOUT_S, remaining))) as response:
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise FeedError(f"fetching {source} took longer than its time limit "
                               f"({FETCH_DEADLINE_S} s a download); a server trickling data is given up")
            chunk = response.read1(READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FEED_BYTES:
                raise FeedError(f"feed at {source} is larger than {MAX_FEED_BYTES} bytes")
            chunks.append(chunk)
        return b"".join(chunks), dict(response.headers.items()), response.status


def read_source(source: str, etag: str | None = None, modified: str | None = None,
                deadline: float | None = None):
    """Return (bytes, headers, status) for a path or an http(s) URL.

    Conditional GET headers are sent when given, so an unchanged feed costs one
    304 and no parsing. A download is capped in size, in time (``deadline``, a
    ``time.monotonic()`` instant, else FETCH_DEADLINE_S from now) and in where it
    may be redirected, so a hostile server can exhaust neither memory nor time.
    """
    if is_url(source):
        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
        if etag:
            request.add_header("If-None-Match", etag)
        if modified:
            request.add_header("If-Modified-Since", modified)
        deadline = min(deadline or float("inf"), time.monotonic() + FETCH_DEADLINE_S)
        try:
            data, headers, status = _download(request, source, deadline)
        except urllib.error.HTTPError as exc:
            exc.close()  # release the connection now, not when the garbage collector finds it
            if exc.code == 304:
                return b"", dict(exc.headers.items()), 304
            raise FeedError(f"fetching {source} failed: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FeedError(f"fetching {source} failed: {reason}") from exc
    else:
        if source.startswith("file://"):
            source = urlsplit(source).path
        if not os.path.isfile(source):
            raise FeedError(f"feed file not found: {source}")
        if os.path.getsize(source) > MAX_FEED_BYTES:
            raise FeedError(f"feed file {source} is larger than {MAX_FEED_BYTES} bytes")
        with open(source, "rb") as fh:
            data = fh.read()
        headers, status = {}, 200
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"feed at {source} is larger than {MAX_FEED_BYTES} bytes")
    return data, headers, status


def _entry_html(entry) -> str:
    """The fullest HTML body the entry carries."""
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


_SAFE_LINK = re.compile(r"^https?://", re.IGNORECASE)


def parse_feed(data: bytes, source: str = "feed") -> FeedResult:
    """Parse feed bytes into posts, or raise FeedError saying why not.

    feedparser is lenient by design: a "bozo" feed that still yields entries is
    accepted with a warning, because real CMS output is often slightly broken.
    Entries without a title or body are skipped with a warning; links that are
    not http(s) (javascript:, data:) are dropped so they can never reach a page.
    """
    if not data or not data.strip():
        raise FeedError(f"{source} is empty")
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    except (ValueError, LookupError, RecursionError) as exc:
        # feedparser's lenient parser can itself fail (e.g. UnicodeEncodeError on a &#xD800;
        # character reference, a ValueError): that is a bad feed, not a crash of the build.
        raise FeedError(f"{source} could not be parsed ({type(exc).__name__} in the feed parser)") from exc
    warnings: list[str] = []
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        warnings.append(f"{source} is not well-formed ({type(problem).__name__}); parsed leniently")
    if not parsed.entries:
        if parsed.get("bozo"):
            raise FeedError(f"{source} could not be parsed as RSS or Atom and yielded no posts")
        raise FeedError(f"{source} contains no posts")
    posts: list[Post] = []
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, 1):
        title = scrub(entry.get("title") or "").strip()
        html = scrub(_entry_html(entry))
        link = scrub(entry.get("link") or "").strip()
        if not _SAFE_LINK.match(link):
            link = ""
        guid = scrub(entry.get("id") or link or title).strip()
        if not title or not html.strip():
            warnings.append(f"entry {number} skipped: no title or no body")
            continue
        if guid in seen:
            warnings.append(f"entry {number} skipped: duplicate id {guid!r}")
            continue
        seen.add(guid)
        posts.append(Post(guid=guid, title=title, link=link, published=entry.get("published"), html=html))
    if not posts:
        raise FeedError(f"{source} has no usable posts (every entry lacked a title or a body)")
    feed = parsed.get("feed", {})
    feed_link = feed.get("link") or ""
    return FeedResult(
        title=scrub(feed.get("title") or "").strip(),
        link=feed_link if _SAFE_LINK.match(feed_link) else "",
        posts=posts,
        warnings=warnings,
    )


def load_feed(source: str, etag: str | None = None, modified: str | None = None) -> FeedResult:
    """Read and parse a feed from a path or URL."""
    data, headers, status = read_source(source, etag=etag, modified=modified)
    lower = {k.lower(): v for k, v in headers.items()}
    if status == 304:
        return FeedResult("", "", [], [], etag=etag, modified=modified, not_modified=True)
    result = parse_feed(data, source)
    return FeedResult(
        title=result.title,
        link=result.link,
        posts=result.posts,
        warnings=result.warnings,
        etag=lower.get("etag"),
        modified=lower.get("last-modified"),
    )
