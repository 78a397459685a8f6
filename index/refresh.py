"""Refresh: fetch the feed (and its older pages), merge into the archive, publish a new index version.

The order makes every failure harmless:

1. Fetch page 1 with the saved ETag / Last-Modified. 304 means nothing changed;
   the archive and index are only touched if the live index is not already the
   index of the archive (e.g. a crash after step 3 last time).
2. Fetch older pages where the platform paginates (Squarespace ``offset``,
   WordPress ``paged``) until a page holds a post the archive already has. Any
   failure here (network, HTTP error, malformed or empty feed) stops the refresh
   before anything is written.
3. In one archive transaction: merge the posts, build a complete new index
   version from the whole archive (not yet live), save the new validators;
   commit. A crash or error rolls the transaction back and leaves the unfinished
   version unused.
4. Point CURRENT at the new version (an atomic rename). Running servers notice
   it between requests.

The whole run holds the index folder's build lock, so two refreshes (cron on two
hosts sharing the folder, or the in-server interval in several workers) run one
after the other. Nothing here knows about Flask.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index import analysis, build, versions
from index.archive import Archive, ArchiveError, FeedState, MergeResult, published_ts
from index.feed import FeedError, FeedResult, is_url, parse_feed, read_source
from index.live import build_lock

log = logging.getLogger(__name__)

PLATFORMS = ("auto", "none", "squarespace", "wordpress")
DEFAULT_MAX_PAGES = 50
#: Longest a refresh may spend downloading, every page together (each download is also capped
#: by index.feed.FETCH_DEADLINE_S): the in-server refresh holds the index folder's lock meanwhile.
REFRESH_DEADLINE_S = 300
_GENERATOR = re.compile(rb"<generator[^>]*>([^<]{0,200})<", re.I)


class RefreshError(Exception):
    """A refresh did not happen; the archive and the live index are as they were. The message says why."""


@dataclass
class RefreshResult:
    """What a refresh did, for the CLI and the logs."""

    status: str  # "updated", "unchanged" or "rebuilt"
    version: str | None
    pages: int = 0
    merge: MergeResult | None = None
    archived: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for an operator."""
        if self.status == "unchanged":
            return f"feed unchanged; live index {self.version} ({self.archived} archived posts)"
        merge = self.merge
        changes = f"{merge.new} new, {merge.updated} edited, {merge.unchanged} unchanged" if merge else "no fetch"
        return (f"{self.status}: {self.pages} page(s) read, {changes}; {self.archived} archived posts "
                f"-> live index {self.version}")


def detect_platform(data: bytes, source: str) -> str:
    """The blogging platform behind a feed, from its <generator> or its address ('none' if unknown)."""
    match = _GENERATOR.search(data[:8192])
    generator = match.group(1).lower() if match else b""
    host = urlsplit(source).netloc.lower()
    if b"squarespace" in generator or host.endswith(".squarespace.com"):
        return "squarespace"
    if b"wordpress" in generator or "/feed" in urlsplit(source).path:
        return "wordpress"
    return "none"


def _with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def next_page_url(source: str, platform: str, page_number: int, previous: FeedResult) -> str | None:
    """The address of the page after ``previous`` (page_number is the one wanted, from 2).

    Squarespace pages by the publication time (ms) of the last post shown;
    WordPress by page number.
    """
    if platform == "wordpress":
        return _with_query(source, paged=page_number)
    if platform == "squarespace":
        oldest = min((published_ts(p.published, 0.0) for p in previous.posts), default=0.0)
        if not oldest:
            return None
        return _with_query(source, offset=int(oldest * 1000))
    return None


def _fetch(url: str, etag: str | None = None, modified: str | None = None, deadline: float | None = None):
    """(data, FeedResult or None when 304, validators)."""
    data, headers, status = read_source(url, etag=etag, modified=modified, deadline=deadline)
    lower = {k.lower(): v for k, v in headers.items()}
    if status == 304:
        return data, None, (etag, modified)
    return data, parse_feed(data, url), (lower.get("etag"), lower.get("last-modified"))


def _is_past_last_page(exc: FeedError) -> bool:
    """WordPress answers 404 (or 410) for a page number past the last one: the end, not a failure."""
    cause = exc.__cause__
    return isinstance(cause, urllib.error.HTTPError) and cause.code in (404, 410)


def fetch_pages(source: str, state: FeedState, known: set[str], platform: str = "auto",
                max_pages: int = DEFAULT_MAX_PAGES) -> tuple[list[FeedResult], tuple, bool]:
    """Read the feed and, while every post is new, its older pages.

    Returns (pages, (etag, modified), not_modified). Raises FeedError on any
    failure: a refresh is all or nothing.
    """
    deadline = time.monotonic() + REFRESH_DEADLINE_S  # every page together: a refresh holds a lock
    data, first, validators = _fetch(source, state.etag, state.modified, deadline)
    if first is None:
        return [], validators, True
    pages = [first]
    if platform == "auto":
        platform = detect_platform(data, source) if is_url(source) else "none"
    seen = {p.guid for p in first.posts}
    previous = first
    for number in range(2, max_pages + 1):
        if platform == "none" or seen & known:
            break
        url = next_page_url(source, platform, number, previous)
        if url is None:
            break
        try:
            _, page, _ = _fetch(url, deadline=deadline)
        except FeedError as exc:
            if _is_past_last_page(exc):
                break
            raise FeedError(f"older page {number} ({url}) failed: {exc}") from exc
        fresh = [p for p in page.posts if p.guid not in seen]
        if not fresh:
            break  # the platform served the same posts again: we are past the end
        pages.append(page)
        seen.update(p.guid for p in fresh)
        previous = page
    else:
        if platform != "none" and not (seen & known):
            log.warning("stopped after %d pages of %s (FEED_MAX_PAGES)", max_pages, source)
    return pages, validators, False


def _unique_posts(pages: list[FeedResult]):
    """Posts of all pages, newest page first; a guid seen on a newer page wins."""
    seen: set[str] = set()
    for page in pages:
        for post in page.posts:
            if post.guid not in seen:
                seen.add(post.guid)
                yield post


def _live_manifest(index_dir: Path) -> dict | None:
    version = versions.current_version(index_dir)
    if not version:
        return None
    try:
        return json.loads((index_dir / version / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def refresh(source: str, index_dir: str | Path, archive: Archive, *, platform: str = "auto",
            max_pages: int = DEFAULT_MAX_PAGES, force: bool = False) -> RefreshResult:
    """Fetch, merge and publish; raise RefreshError (changing nothing) when any step fails."""
    if platform not in PLATFORMS:
        raise RefreshError(f"unknown feed platform {platform!r}: use one of {', '.join(PLATFORMS)}")
    index_dir = Path(index_dir)
    try:
        archive.create()
        state = archive.state(source)
        known = archive.known_guids(source)
        if force:
            state = FeedState()
        pages, (etag, modified), not_modified = fetch_pages(source, state, known, platform, max_pages)
    except (FeedError, ArchiveError) as exc:
        raise RefreshError(f"refresh of {source} failed, nothing changed: {exc}") from exc
    warnings = [w for page in pages for w in page.warnings]
    with build_lock(index_dir):
        try:
            return _publish(source, index_dir, archive, pages, etag, modified, not_modified, warnings)
        except (ArchiveError, versions.ArtifactError) as exc:
            raise RefreshError(f"refresh of {source} failed, nothing changed: {exc}") from exc


def _publish(source, index_dir: Path, archive: Archive, pages, etag, modified, not_modified, warnings):
    """Merge and build inside one transaction; switch CURRENT only after it commits."""
    built: build.BuildResult | None = None
    try:
        with archive.transaction() as conn:
            merge = archive.merge(conn, source, _unique_posts(pages)) if pages else None
            digest = archive.digest(source, conn)
            live = _live_manifest(index_dir)
            # The same posts under other analysis rules (a lexicon edit, an upgrade) are rebuilt too.
            in_step = (live is not None and live.get("archive_digest") == digest and live.get("source") == source
                       and live.get("analysis_rules") == analysis.rules_digest())
            changed = merge is not None and (merge.new or merge.updated)
            posts = archive.posts(source, conn)
            if in_step and not changed:
                if pages:
                    archive.save_state(conn, source, FeedState(etag, modified, time.time()))
                return RefreshResult("unchanged", live["version"], len(pages), merge, len(posts), warnings)
            if not posts:
                raise RefreshError(f"refresh of {source} failed, nothing changed: the archive holds no posts "
                                   "for this feed yet and the feed sent none")
            title = pages[0].title if pages else (live or {}).get("feed_title", "")
            built = build.build(posts, index_dir, source=source, feed_title=title, activate=False,
                                   extra_manifest={"archive_digest": digest, "feed_warnings": warnings})
            if pages:
                archive.save_state(conn, source, FeedState(etag, modified, time.time()))
    except BaseException:
        if built is not None:
            shutil.rmtree(built.path, ignore_errors=True)
        raise
    versions.set_current(index_dir, built.path.name)
    versions.prune(index_dir, keep=versions.KEEP_VERSIONS)
    status = "updated" if pages else "rebuilt"
    return RefreshResult(status, built.path.name, len(pages), merge, len(posts), warnings)
