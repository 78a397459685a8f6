"""Keep the live index in memory and swap in new versions between requests.

Each process holds one loaded version. ``get()`` looks at the CURRENT pointer
at most every ``check_seconds`` (one stat and a tiny read) and, when a refresh
has published a new version, loads it and swaps the reference. A request that
already holds the old Index keeps using it to the end, so no request fails.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from index import analysis, build, search, versions
from index.feed import FeedError, load_feed

log = logging.getLogger(__name__)


@contextmanager
def build_lock(index_dir: Path):
    """An exclusive, cross-process lock so concurrent workers build only once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_from_feed(source: str, index_dir: Path) -> build.BuildResult:
    """Fetch, parse and index a feed into a new live version.

    Raises FeedError or ArtifactError with an operator-readable message; the
    previous live version is untouched in that case.
    """
    feed = load_feed(source)
    with build_lock(index_dir):
        result = build.build(feed.posts, index_dir, source=source, feed_title=feed.title,
                                extra_manifest={"feed_warnings": feed.warnings})
    result.warnings.extend(feed.warnings)
    return result


class LiveIndex:
    """The process's view of the current index version."""

    def __init__(self, index_dir: str | os.PathLike, check_seconds: float = 2.0):
        self.index_dir = Path(index_dir)
        self.check_seconds = check_seconds
        self._index: search.Index | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def ensure(self, feed: str) -> search.Index:
        """Load the live version, building it from ``feed`` first when none exists, when the
        configured feed is not the one the live version was built from, or when it was built
        from the feed under other analysis rules (see analysis.rules_digest).

        A failed build with a working version present keeps that version (and logs
        why); with none present it raises, since there is nothing to serve.
        """
        with build_lock(self.index_dir):
            live = versions.current_version(self.index_dir)
            held = self._index
            try:
                if held is not None and live == held.version:
                    index = held
                else:
                    index = search.load(self.index_dir, live) if live else None
            except versions.ArtifactError as exc:
                # An unreadable or older-format live version is rebuilt, not a reason to refuse to start.
                log.warning("live index %s is unusable, rebuilding from %s: %s", live, feed, exc)
                index = None
        rebuild = index is None or index.manifest.get("source") != feed
        if not rebuild and index.manifest.get("analysis_rules") != analysis.rules_digest():
            if "archive_digest" in index.manifest:
                # Built by a refresh from the archive, which may hold posts the feed no longer
                # lists: a rebuild from the feed alone would drop them. The next refresh rebuilds.
                log.warning("live index %s was built under other analysis rules; `clinicbot refresh` "
                            "rebuilds it from the archive", index.version)
            else:
                log.info("live index %s was built under other analysis rules; rebuilding it from %s",
                         index.version, feed)
                rebuild = True
        if rebuild:
            try:
                build_from_feed(feed, self.index_dir)
            except (FeedError, versions.ArtifactError) as exc:
                if index is None:
                    raise
                log.warning("index not rebuilt from %s, keeping %s: %s", feed, index.version, exc)
                rebuild = False
        if not rebuild:
            # Serve the version just loaded to read its manifest: get() would load it a second time.
            self._adopt(index)
        return self.get()

    def _adopt(self, index: search.Index) -> None:
        """Hold an already loaded version; get() still swaps it when a newer one is published."""
        with self._lock:
            if self._index is not index:
                self._index = index
                self._checked = 0.0

    def get(self) -> search.Index:
        """The newest published version, reloading at most every check_seconds."""
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.check_seconds:
            return self._index
        with self._lock:
            self._checked = now
            live = versions.current_version(self.index_dir)
            if self._index is None or (live and live != self._index.version):
                try:
                    self._index = search.load(self.index_dir, live)
                except versions.ArtifactError:
                    if self._index is None:
                        raise
                    log.exception("new index version %s failed to load; keeping %s",
                                  live, self._index.version)
        return self._index

    def close(self) -> None:
        """Let go of the loaded version, whose memory maps hold its files open; ``get`` loads it again."""
        with self._lock:
            self._index = None
            self._checked = 0.0
