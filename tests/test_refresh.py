"""Live feed refresh: pagination, merge into the archive, conditional GET, and nothing lost on failure."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import build, search, section_store, versions
from index.archive import Archive
from index.feed import FeedResult, Post
from index.live import LiveIndex
from index.refresh import RefreshError, detect_platform, next_page_url, refresh
from tests.feedserver import FeedServer, post_item, rss

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    """A loopback feed server."""
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def store(tmp_path):
    """A SQLite archive in a temporary folder."""
    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    yield archive
    archive.dispose()


def _wordpress(server, pages: list[list[dict]], etag: str = '"v1"') -> str:
    """Serve a paginated WordPress feed; returns its URL."""
    server.serve("/feed/", rss(pages[0]), etag=etag)
    for number, items in enumerate(pages[1:], 2):
        server.serve(f"/feed/?paged={number}", rss(items))
    return server.url + "/feed/"


def _snapshot(index_dir: Path, store: Archive, source: str):
    """Everything a failed refresh must leave as it was."""
    return (versions.current_version(index_dir), sorted(p.name for p in index_dir.iterdir()),
            store.digest(source), store.state(source))


def _guids(index_dir: Path) -> set[str]:
    return {s["post_guid"] for s in search.load(index_dir).sections}


def test_refresh_reads_older_pages_and_publishes_whole_archive(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (9, 8, 7)], [post_item(n) for n in (6, 5, 4)],
                              [post_item(n) for n in (3, 2)]])
    result = refresh(url, tmp_path / "index", store)
    assert result.status == "updated"
    assert result.pages == 3
    assert (result.merge.new, result.merge.updated) == (8, 0)
    assert store.count(url) == 8
    assert _guids(tmp_path / "index") == {f"post-{n}" for n in range(2, 10)}
    assert result.version == versions.current_version(tmp_path / "index")
    assert "/feed/?paged=4" in [path for path, _ in server.requests]  # asked past the end, got 404


def test_refresh_unchanged_feed_costs_one_304(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (3, 2, 1)]])
    first = refresh(url, tmp_path / "index", store)
    server.requests.clear()
    second = refresh(url, tmp_path / "index", store)
    assert second.status == "unchanged"
    assert second.version == first.version
    assert len(server.requests) == 1
    assert server.requests[0][1].get("If-None-Match") == '"v1"'


def test_refresh_rebuilds_the_same_posts_under_new_analysis_rules(server, store, tmp_path, monkeypatch):
    """An unchanged feed still gets a new version when the lexicon or analyzer changed, from the
    archive: posts that left the feed's window stay."""
    from index import analysis

    url = _wordpress(server, [[post_item(n) for n in (3, 2, 1)]])
    first = refresh(url, tmp_path / "index", store)
    _wordpress(server, [[post_item(n) for n in (5, 4)]], etag='"v2"')
    refresh(url, tmp_path / "index", store)
    monkeypatch.setattr(analysis, "rules_digest", lambda: "0123456789abcdef")
    result = refresh(url, tmp_path / "index", store)
    assert result.status == "rebuilt"  # the feed answered 304: nothing new, only new rules
    assert result.version not in (first.version, None)
    assert search.load(tmp_path / "index").manifest["analysis_rules"] == "0123456789abcdef"
    assert _guids(tmp_path / "index") == {f"post-{n}" for n in (1, 2, 3, 4, 5)}
    assert refresh(url, tmp_path / "index", store).status == "unchanged"


def test_refresh_keeps_posts_that_leave_the_feed_window(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (3, 2, 1)]])
    refresh(url, tmp_path / "index", store)
    _wordpress(server, [[post_item(n) for n in (5, 4, 3)]], etag='"v2"')
    result = refresh(url, tmp_path / "index", store)
    assert result.status == "updated"
    assert (result.merge.new, result.merge.unchanged) == (2, 1)
    assert _guids(tmp_path / "index") == {f"post-{n}" for n in (1, 2, 3, 4, 5)}
    assert store.count(url) == 5


def test_refresh_edited_post_replaces_old_version(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    refresh(url, tmp_path / "index", store)
    edited = post_item(1, title="Post 1 rewritten", body="<h2>New heading</h2><p>Completely new advice qqedited.</p>")
    _wordpress(server, [[post_item(2), edited]], etag='"v2"')
    result = refresh(url, tmp_path / "index", store)
    assert (result.merge.new, result.merge.updated) == (0, 1)
    index = search.load(tmp_path / "index")
    texts = " ".join(s["text"] for s in index.sections if s["post_guid"] == "post-1")
    assert "qqedited" in texts and "marker1x" not in texts
    assert store.count(url) == 2


@pytest.mark.parametrize("status, body, expected", [
    (500, b"oops", "HTTP 500"),
    (200, b"<html><body>not a feed at all", "could not be parsed"),
    (200, b"", "empty"),
    (200, rss([]), "contains no posts"),
])
def test_refresh_failure_changes_nothing_and_says_why(server, store, tmp_path, status, body, expected):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    refresh(url, tmp_path / "index", store)
    before = _snapshot(tmp_path / "index", store, url)
    server.routes["/feed/"] = (status, body, {})
    with pytest.raises(RefreshError, match=expected) as failure:
        refresh(url, tmp_path / "index", store)
    assert "nothing changed" in str(failure.value)
    assert _snapshot(tmp_path / "index", store, url) == before


def test_refresh_unreachable_server_changes_nothing(store, tmp_path, server):
    url = _wordpress(server, [[post_item(1)]])
    refresh(url, tmp_path / "index", store)
    before = _snapshot(tmp_path / "index", store, url)
    server.httpd.server_close()  # refuse connections from now on
    with pytest.raises(RefreshError, match="failed"):
        refresh(url, tmp_path / "index", store, force=True)
    assert _snapshot(tmp_path / "index", store, url) == before


def test_refresh_failed_older_page_changes_nothing(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (6, 5)], [post_item(n) for n in (4, 3)]])
    server.routes["/feed/?paged=2"] = (503, b"busy", {})
    with pytest.raises(RefreshError, match="older page 2"):
        refresh(url, tmp_path / "index", store)
    assert store.count(url) == 0
    assert versions.current_version(tmp_path / "index") is None


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_refresh_crash_during_build_rolls_back_archive(server, store, tmp_path, monkeypatch, exc):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    refresh(url, tmp_path / "index", store)
    before = _snapshot(tmp_path / "index", store, url)
    _wordpress(server, [[post_item(n) for n in (3, 2, 1)]], etag='"v2"')
    real_write = section_store.write_jsonl

    def crash_halfway(path, rows):
        real_write(path, rows)
        if path.name == "posts.jsonl":
            raise exc

    monkeypatch.setattr(build, "write_jsonl", crash_halfway)
    with pytest.raises(type(exc)):
        refresh(url, tmp_path / "index", store)
    assert _snapshot(tmp_path / "index", store, url) == before
    assert not list((tmp_path / "index").glob(".tmp-*"))


def test_refresh_crash_after_commit_is_repaired_by_next_run(server, store, tmp_path, monkeypatch):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    first = refresh(url, tmp_path / "index", store)
    _wordpress(server, [[post_item(n) for n in (3, 2, 1)]], etag='"v2"')
    real_set_current = versions.set_current

    def crash(index_dir, name):
        raise OSError("power cut before the switch")

    monkeypatch.setattr(versions, "set_current", crash)
    with pytest.raises(OSError):
        refresh(url, tmp_path / "index", store)
    assert versions.current_version(tmp_path / "index") == first.version  # old index still live
    monkeypatch.setattr(versions, "set_current", real_set_current)
    repaired = refresh(url, tmp_path / "index", store)  # 304 from the server, archive ahead of index
    assert repaired.status == "rebuilt"
    assert _guids(tmp_path / "index") == {"post-1", "post-2", "post-3"}


def test_refresh_killed_process_leaves_archive_and_index(server, store, tmp_path):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    refresh(url, tmp_path / "index", store)
    before = _snapshot(tmp_path / "index", store, url)
    _wordpress(server, [[post_item(n) for n in (4, 3, 2, 1)]], etag='"v2"')
    script = textwrap.dedent(f"""
        import os
        from index import archive as archive_module
        from index.refresh import refresh

        def die(*args, **kwargs):
            os._exit(9)  # killed after merging and building, before the commit

        archive_module.Archive.save_state = die
        refresh({url!r}, {str(tmp_path / 'index')!r}, archive_module.Archive({store.url!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert _snapshot(tmp_path / "index", store, url)[:1] + _snapshot(tmp_path / "index", store, url)[2:] == (
        before[:1] + before[2:])
    result = refresh(url, tmp_path / "index", store)
    assert result.status == "updated" and store.count(url) == 4


def test_refresh_running_server_swaps_to_new_version(server, store, tmp_path):
    url = _wordpress(server, [[post_item(1)]])
    refresh(url, tmp_path / "index", store)
    live = LiveIndex(tmp_path / "index", check_seconds=0)
    old = live.get()
    _wordpress(server, [[post_item(2), post_item(1)]], etag='"v2"')
    result = refresh(url, tmp_path / "index", store)
    new = live.get()
    assert new.version == result.version != old.version
    assert old.search("knee") is not None  # the old object still answers for requests holding it


def test_refresh_file_source_without_pagination(store, tmp_path):
    from app import BUNDLED_FEED

    result = refresh(str(BUNDLED_FEED), tmp_path / "index", store)
    assert result.status == "updated" and result.pages == 1
    assert store.count(str(BUNDLED_FEED)) == result.archived > 0


def test_refresh_detect_platform():
    assert detect_platform(b"<rss><channel><generator>Squarespace</generator>", "https://x.com/blog?format=rss") == \
        "squarespace"
    assert detect_platform(rss([]), "https://x.com/feed/") == "wordpress"
    assert detect_platform(b"<rss><channel><generator>Wix.com</generator>", "https://x.com/blog-feed.xml") == "none"


def test_refresh_next_page_urls():
    post = Post(guid="g", title="t", link="https://x.com/p", published="Mon, 01 Jun 2026 12:00:00 +0000",
                html="<p>x</p>")
    page = FeedResult("t", "", [post], [])
    assert next_page_url("https://x.com/blog?format=rss", "squarespace", 2, page) == \
        "https://x.com/blog?format=rss&offset=1780315200000"
    assert next_page_url("https://x.com/feed/?paged=2", "wordpress", 3, page) == "https://x.com/feed/?paged=3"
    assert next_page_url("https://x.com/feed", "none", 2, page) is None


def test_refresh_command_reports_success_and_failure(app, runner, server):
    url = _wordpress(server, [[post_item(n) for n in (2, 1)]])
    app.config["FEED"] = url
    result = runner.invoke(args=["refresh"])
    assert result.exit_code == 0, result.output
    assert "updated: 1 page(s) read, 2 new" in result.output
    assert runner.invoke(args=["refresh"]).output.startswith("feed unchanged")
    server.routes["/feed/"] = (500, b"down", {})
    failed = runner.invoke(args=["refresh", "--force"])
    assert failed.exit_code == 1
    assert "HTTP 500" in failed.output and "nothing changed" in failed.output
    assert "Traceback" not in failed.output


def test_refresh_interval_runs_once_per_interval(app, server):
    from web.refresh import Interval

    app.config["FEED"] = _wordpress(server, [[post_item(1)]])
    interval = Interval(app, seconds=3600)
    assert interval.tick() is True
    assert interval.tick() is False  # another worker (or this one) refreshed within the interval
    assert os.path.exists(Path(app.config["INDEX_DIR"]) / ".last-refresh-attempt")


def test_refresh_interval_gives_up_a_stalled_feed_and_its_lock(app, monkeypatch):
    """F2: a feed trickling one byte at a time ends the in-server refresh at the deadline, lock released."""
    import fcntl
    import time

    import index.feed as feed
    import index.refresh as refresh_module
    from tests.test_feed import _Stalling
    from web.refresh import Interval

    monkeypatch.setattr(feed, "FETCH_TIMEOUT_S", 1.0)
    monkeypatch.setattr(refresh_module, "REFRESH_DEADLINE_S", 1.5)
    stalling = _Stalling(byte_every=0.2)
    app.config["FEED"] = stalling.url
    started = time.monotonic()
    try:
        assert Interval(app, seconds=3600).tick() is True
    finally:
        stalling.close()
    assert time.monotonic() - started < 4.0
    with open(Path(app.config["INDEX_DIR"]) / ".refresh-lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again: raises BlockingIOError otherwise
