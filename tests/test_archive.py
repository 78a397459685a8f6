"""The post archive on SQLite and PostgreSQL: merge semantics and all-or-nothing transactions."""

from __future__ import annotations

import pytest

from index.archive import Archive, ArchiveError, FeedState, published_ts
from index.feed import Post

SOURCE = "https://clinic.example/feed/"


def _post(guid: str, body: str = "<p>advice</p>", title: str = "Title") -> Post:
    return Post(guid=guid, title=title, link=f"https://clinic.example/{guid}", published=None, html=body)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty archive on each backend."""
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}" if request.param == "sqlite" else \
        request.getfixturevalue("postgres_url")
    archive = Archive(url)
    archive.create()
    yield archive
    archive.dispose()


def test_archive_merge_inserts_replaces_and_keeps(store):
    with store.transaction() as conn:
        first = store.merge(conn, SOURCE, [_post("a"), _post("b")])
    with store.transaction() as conn:
        second = store.merge(conn, SOURCE, [_post("b", "<p>edited</p>"), _post("c")])
    assert (first.new, first.updated) == (2, 0)
    assert (second.new, second.updated, second.unchanged) == (1, 1, 0)
    posts = {p.guid: p for p in store.posts(SOURCE)}
    assert set(posts) == {"a", "b", "c"}
    assert posts["b"].html == "<p>edited</p>"


def test_archive_failed_transaction_leaves_nothing(store):
    with store.transaction() as conn:
        store.merge(conn, SOURCE, [_post("a")])
    before = store.digest(SOURCE)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.merge(conn, SOURCE, [_post("a", "<p>changed</p>"), _post("z")])
        store.save_state(conn, SOURCE, FeedState('"etag"', None, 1.0))
        raise RuntimeError("crash halfway")
    assert store.digest(SOURCE) == before
    assert store.count(SOURCE) == 1
    assert store.state(SOURCE) == FeedState()


def test_archive_sources_are_separate(store):
    with store.transaction() as conn:
        store.merge(conn, SOURCE, [_post("a")])
        store.merge(conn, "other", [_post("a"), _post("b")])
    assert store.count(SOURCE) == 1 and store.count("other") == 2


def test_archive_unreachable_database_is_archive_error():
    archive = Archive("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(ArchiveError, match="cannot create the archive tables"):
        archive.create()


@pytest.mark.parametrize("text, expected", [
    ("Mon, 01 Jun 2026 12:00:00 +0000", 1780315200.0),
    ("2026-06-01T12:00:00Z", 1780315200.0),
    ("not a date", 5.0),
    (None, 5.0),
])
def test_archive_published_ts_reads_rss_and_atom_dates(text, expected):
    assert published_ts(text, 5.0) == expected


def test_archive_made_by_create_all_keeps_its_posts_under_alembic(tmp_path):
    """Before 0005 the archive's tables came from create_all, with no Alembic version: the migration keeps them."""
    from sqlalchemy import create_engine, inspect

    from store.models import ArchivePost, ArchiveState

    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    old = create_engine(url)
    ArchivePost.metadata.create_all(old, tables=[ArchivePost.__table__, ArchiveState.__table__])
    old.dispose()
    before = Archive(url)
    with before.transaction() as conn:
        before.merge(conn, SOURCE, [_post("kept")])
    before.dispose()
    archive = Archive(url)
    archive.create()
    assert [p.guid for p in archive.posts(SOURCE)] == ["kept"]
    assert "alembic_version" in inspect(archive.engine).get_table_names()
    archive.dispose()
