"""The persistent post archive: every post the feed ever published, keyed by guid.

A feed shows only its newest posts (often 20). The archive keeps every post it
has seen, so the index covers the whole blog: an edited post replaces its old
version (same guid, new content), a post that falls out of the feed's window
stays. Each merge is one transaction, so a failure halfway leaves the archive
exactly as it was.

Storage is SQLAlchemy Core over the tables of store/models.py, created by the
Alembic migrations: a plain SQLite file in the instance folder by default,
PostgreSQL (``postgresql+psycopg://...``) when several app servers share one
archive. Nothing here knows about Flask.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from index.feed import Post
from store import migrate
from store.engine import make_engine, redact_url
from store.models import ArchivePost, ArchiveState

#: The archive's tables, declared in store/models.py and created by its Alembic migration.
posts_table = ArchivePost.__table__
state_table = ArchiveState.__table__


class ArchiveError(Exception):
    """The archive could not be read or written; the message says which database and why."""


@dataclass(frozen=True)
class MergeResult:
    """What one merge changed."""

    new: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class FeedState:
    """Conditional-GET validators from the last successful refresh of a source."""

    etag: str | None = None
    modified: str | None = None
    last_success: float | None = None


def content_hash(post: Post) -> str:
    """A digest of what a visitor would read, so re-publishing an unchanged post is not an edit."""
    payload = json.dumps([post.title, post.link, post.published, post.html], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def published_ts(published: str | None, default: float = 0.0) -> float:
    """A feed date (RFC 822 as in RSS, or ISO 8601 as in Atom) as a Unix time; ``default`` when unreadable."""
    if not published:
        return default
    try:
        return email.utils.parsedate_to_datetime(published).timestamp()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        parsed = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return default
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class Archive:
    """All posts seen per feed source, in SQLite or PostgreSQL."""

    def __init__(self, url: str, engine: Engine | None = None, lock_path: str | Path | None = None):
        """Open (not yet create) the archive; ``lock_path`` serialises migrations on this host."""
        self.url = url
        self.display_url = redact_url(url)
        self.lock_path = lock_path
        try:
            # No statement timeout: a merge of a large feed is one long transaction. WAL lets
            # readers go on during it; a long busy timeout waits out another writer; FULL sync,
            # since the archive is the only copy of posts that left the feed.
            self.engine = engine or make_engine(url, statement_timeout_ms=None, sqlite_synchronous="FULL",
                                                sqlite_busy_timeout_ms=30000)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise ArchiveError(f"cannot open the archive at {self.display_url}: {type(exc).__name__}") from exc
        self._created = False

    def create(self) -> None:
        """Bring the archive's database to the current schema (Alembic; idempotent, once per process)."""
        if self._created:
            return
        try:
            migrate.upgrade(self.engine, lock_path=self.lock_path)
        except SQLAlchemyError as exc:
            raise ArchiveError(f"cannot create the archive tables in {self.display_url}: {exc.__class__.__name__}: "
                               f"{getattr(exc, 'orig', exc)}") from exc
        self._created = True

    @contextmanager
    def transaction(self):
        """One all-or-nothing unit of work; database errors become ArchiveError."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise ArchiveError(f"archive {self.display_url} failed: {exc.__class__.__name__}: "
                               f"{getattr(exc, 'orig', exc)}") from exc

    def state(self, source: str, conn: Connection | None = None) -> FeedState:
        """The validators saved by the last successful refresh of ``source``."""
        query = select(state_table).where(state_table.c.source == source)
        if conn is None:
            with self.transaction() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        if row is None:
            return FeedState()
        return FeedState(row.etag, row.modified, row.last_success)

    def save_state(self, conn: Connection, source: str, state: FeedState) -> None:
        """Store validators inside the caller's transaction (saved only if the refresh commits)."""
        conn.execute(state_table.delete().where(state_table.c.source == source))
        conn.execute(state_table.insert().values(source=source, etag=state.etag, modified=state.modified,
                                                 last_success=state.last_success))

    def known_guids(self, source: str, conn: Connection | None = None) -> set[str]:
        """Guids already archived for ``source``."""
        query = select(posts_table.c.guid).where(posts_table.c.source == source)
        if conn is None:
            with self.transaction() as own:
                return {row.guid for row in own.execute(query)}
        return {row.guid for row in conn.execute(query)}

    def merge(self, conn: Connection, source: str, posts: Iterable[Post], now: float | None = None) -> MergeResult:
        """Insert new posts, replace edited ones, touch unchanged ones; never delete."""
        now = time.time() if now is None else now
        existing = {row.guid: row.content_hash for row in conn.execute(
            select(posts_table.c.guid, posts_table.c.content_hash).where(posts_table.c.source == source))}
        new = updated = unchanged = 0
        for post in posts:
            digest = content_hash(post)
            values = {"title": post.title, "link": post.link, "published": post.published, "html": post.html,
                      "content_hash": digest, "last_seen": now}
            where = (posts_table.c.source == source) & (posts_table.c.guid == post.guid)
            if post.guid not in existing:
                conn.execute(posts_table.insert().values(source=source, guid=post.guid, first_seen=now,
                                                         updated=now, **values))
                new += 1
            elif existing[post.guid] != digest:
                conn.execute(posts_table.update().where(where).values(updated=now, **values))
                updated += 1
            else:
                conn.execute(posts_table.update().where(where).values(last_seen=now))
                unchanged += 1
            existing[post.guid] = digest
        return MergeResult(new, updated, unchanged)

    def posts(self, source: str, conn: Connection | None = None) -> list[Post]:
        """Every archived post of ``source``, newest first (publication date, else first sighting)."""
        query = select(posts_table).where(posts_table.c.source == source).order_by(posts_table.c.guid)
        if conn is None:
            with self.transaction() as own:
                rows = own.execute(query).all()
        else:
            rows = conn.execute(query).all()
        rows = sorted(rows, key=lambda r: published_ts(r.published, r.first_seen), reverse=True)
        return [Post(guid=r.guid, title=r.title, link=r.link, published=r.published, html=r.html) for r in rows]

    def digest(self, source: str, conn: Connection | None = None) -> str:
        """A fingerprint of the archived content: equal digests mean an index would be identical."""
        query = (select(posts_table.c.guid, posts_table.c.content_hash)
                 .where(posts_table.c.source == source).order_by(posts_table.c.guid))
        if conn is None:
            with self.transaction() as own:
                rows = own.execute(query).all()
        else:
            rows = conn.execute(query).all()
        h = hashlib.sha256()
        for row in rows:
            h.update(f"{row.guid}\0{row.content_hash}\n".encode())
        return h.hexdigest()[:16]

    def count(self, source: str | None = None) -> int:
        """Posts archived (for one source, or in all)."""
        from sqlalchemy import func

        query = select(func.count()).select_from(posts_table)
        if source is not None:
            query = query.where(posts_table.c.source == source)
        with self.transaction() as conn:
            return int(conn.execute(query).scalar_one())

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
