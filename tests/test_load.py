"""Load with nothing lost: concurrent clients against a real gunicorn on loopback.

Bounded: a few seconds of traffic per test from bench/load.py's driver, to
127.0.0.1 only. A worker killed with SIGKILL mid-load is replaced and the
service keeps answering; an index refresh during load switches versions without
a failed request; with PostgreSQL as the inquiry log every answered request is
logged exactly once. (A PostgreSQL outage during load is not tested yet.)
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from app import BUNDLED_FEED
from bench.load import Server, chat, killer, run_load, wait_for_workers
from index import artifact
from index.artifact import ArtifactError
from index.feed import FeedError
from index.live import build_from_feed

pytestmark = pytest.mark.load

WORKERS = 2
CLIENTS = 6
NEW_POST = (
    "<item><title>Kneecap zebra drills for runners</title>"
    "<link>https://www.victoryperformancept.com/blog/kneecap-zebra-drills</link>"
    "<guid>kneecap-zebra-drills</guid><description>&lt;h2&gt;Why zebra drills help the kneecap&lt;/h2&gt;"
    "&lt;p&gt;Zebra drills are a made-up name for slow step-downs that teach the kneecap to track well. "
    "Runners with pain around the kneecap often do well when these drills are added to their week, "
    "starting with a low step and a mirror so the knee stays over the toes.&lt;/p&gt;</description></item>"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with two workers over a private copy of the bundled feed (so a test can change it)."""
    feed = tmp_path_factory.mktemp("load-feed") / "feed.rss.xml"
    shutil.copyfile(BUNDLED_FEED, feed)
    with Server(WORKERS, env={"CLINICBOT_FEED": str(feed), "CLINICBOT_INDEX_CHECK_SECONDS": "0.5"}) as running:
        running.feed = feed
        yield running


def test_load_every_request_gets_a_well_formed_answer(server):
    result = run_load(server.url, CLIENTS, 5)
    assert result.failures == []
    assert (result.bad, result.dropped) == (0, 0)
    assert result.ok >= CLIENTS
    # One id per answered request: after the inquiry log merges, assert exactly one row per id here.
    assert len(set(result.answered_ids)) == result.ok


def test_load_worker_killed_mid_load_is_replaced_and_service_keeps_answering(server):
    before = wait_for_workers(server.process.pid, WORKERS)
    killed: list[int] = []
    result = run_load(server.url, CLIENTS, 6, during=killer(server.process.pid, 1.5, killed))
    assert len(killed) == 1 and killed[0] in before
    # Requests the killed worker had accepted are reset (the client sees a connection error and
    # can retry); none is answered wrongly, and every other request is answered.
    assert result.bad == 0, result.failures
    assert result.dropped <= CLIENTS
    assert result.ok > result.dropped
    after = wait_for_workers(server.process.pid, WORKERS)
    assert killed[0] not in after
    follow_up = run_load(server.url, CLIENTS, 2)
    assert (follow_up.bad, follow_up.dropped) == (0, 0), follow_up.failures


def test_load_refresh_during_load_switches_index_without_failure(server):
    index_dir = server.tmp.name + "/index"
    before = artifact.current_version(index_dir)
    switched: list[str] = []

    def refresh(elapsed: float) -> None:
        if not switched and elapsed >= 1.0:
            text = server.feed.read_text(encoding="utf-8")
            server.feed.write_text(text.replace("</channel>", NEW_POST + "</channel>", 1), encoding="utf-8")
            switched.append(str(build_from_feed(str(server.feed), Path(index_dir)).path))

    result = run_load(server.url, CLIENTS, 5, during=refresh)
    assert switched and artifact.current_version(index_dir) != before
    assert (result.bad, result.dropped) == (0, 0), result.failures
    # Each worker checks CURRENT every 0.5 s: soon every answer comes from the new version.
    deadline = time.monotonic() + 15
    streak = 0
    while time.monotonic() < deadline and streak < 8:
        top = chat(server.url, "kneecap zebra drills")["results"][:1]
        streak = streak + 1 if top and top[0]["post_slug"] == "kneecap-zebra-drills" else 0
    assert streak == 8, "every worker should answer from the refreshed index"


def test_load_failed_refresh_during_load_keeps_serving_previous_index(server):
    index_dir = Path(server.tmp.name) / "index"
    before = artifact.current_version(index_dir)
    good = server.feed.read_bytes()
    outcome: list[str] = []

    def broken_refresh(elapsed: float) -> None:
        if not outcome and elapsed >= 1.0:
            server.feed.write_bytes(b"<rss><channel><item><title>half a feed")
            try:
                build_from_feed(str(server.feed), index_dir)
                outcome.append("built")
            except (FeedError, ArtifactError) as exc:
                outcome.append(str(exc))
            finally:
                server.feed.write_bytes(good)

    result = run_load(server.url, CLIENTS, 4, during=broken_refresh)
    assert outcome and outcome[0] != "built"
    assert artifact.current_version(index_dir) == before
    assert (result.bad, result.dropped) == (0, 0), result.failures


@pytest.fixture
def private_postgres_url(postgres_url):
    """A database of this test's own (the session database is shared with the report tests)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"clinicbot_load_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_load_with_postgresql_logs_exactly_one_row_per_answered_request(private_postgres_url):
    from sqlalchemy import create_engine, text

    postgres_url = private_postgres_url
    with Server(WORKERS, env={"CLINICBOT_DATABASE_URL": postgres_url}) as running:
        result = run_load(running.url, CLIENTS, 4)
    assert result.failures == [] and (result.bad, result.dropped) == (0, 0)
    assert result.ok >= CLIENTS
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT conversation_id, count(*) FROM turns WHERE conversation_id = ANY(:ids) "
                     "GROUP BY conversation_id"), {"ids": result.answered_ids}).all()
    finally:
        engine.dispose()
    counts = dict(rows)
    assert len(counts) == len(set(result.answered_ids)) == result.ok
    assert set(counts.values()) == {1}
