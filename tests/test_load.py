"""Load with nothing lost: concurrent clients against a real gunicorn on loopback.

Bounded: a few seconds of traffic per test from bench/load.py's driver, to
127.0.0.1 only. A worker killed with SIGKILL mid-load is replaced and the
service keeps answering; an index refresh during load switches versions without
a failed request; with PostgreSQL as the inquiry log every answered request is
logged exactly once; and when PostgreSQL goes away for a few seconds mid-load
(through tests/tcp_proxy.py, never by stopping the shared server) every visitor
is still answered, quickly, /readyz and /metrics say the database is down, the
turns answered meanwhile wait in the workers' journals and are written once it is back.
A PostgreSQL that freezes (connections held open, nothing answered) does not slow
the answers at all.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import BUNDLED_FEED
from bench.load import Server, chat, killer, run_load, wait_for_workers
from index import versions
from index.feed import FeedError
from index.live import build_from_feed
from index.versions import ArtifactError
from tests.appkit import SERVER_ENV
from tests.tcp_proxy import TcpProxy

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
    with Server(WORKERS, env={**SERVER_ENV, "CLINICBOT_FEED": str(feed), "CLINICBOT_INDEX_CHECK_SECONDS": "0.5"}) \
            as running:
        running.feed = feed
        yield running


def test_load_every_request_gets_a_well_formed_answer(server):
    result = run_load(server.url, CLIENTS, 5)
    assert result.failures == []
    assert (result.bad, result.dropped) == (0, 0)
    assert result.ok >= CLIENTS
    assert len(set(result.answered_ids)) == result.ok
    # Each answered request is in the inquiry log (SQLite, the default) exactly once.
    counts = _wait_logged(server, set(result.answered_ids))
    assert set(counts) == set(result.answered_ids) and set(counts.values()) == {1}


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
    # Turns the killed worker had journaled but not yet written are replayed by its
    # replacement: every answered request is in the log exactly once, no restart needed.
    answered = set(result.answered_ids) | set(follow_up.answered_ids)
    counts = _wait_logged(server, answered)
    assert set(counts) == answered, f"{len(answered - set(counts))} answered requests not logged"
    assert set(counts.values()) == {1}


def _wait_logged(server, ids: set[str], seconds: float = 20) -> dict[str, int]:
    """Logged turns per conversation id once all of ``ids`` are in the log (or ``seconds`` passed)."""
    deadline = time.monotonic() + seconds
    while True:
        counts = _logged(server.instance / "clinicbot.db", ids)
        if set(counts) == ids or time.monotonic() > deadline:
            return counts
        time.sleep(0.25)


def _pg_logged(url: str, ids) -> dict[str, int]:
    """conversation_id -> number of logged turns, for these ids, from a PostgreSQL log."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(
                text("SELECT conversation_id, count(*) FROM turns WHERE conversation_id = ANY(:ids) "
                     "GROUP BY conversation_id"), {"ids": list(ids)}).all())
    finally:
        engine.dispose()


def _logged(database: Path, ids: set[str]) -> dict[str, int]:
    """conversation_id -> number of logged turns, for these ids, from the server's SQLite log."""
    import sqlite3

    with sqlite3.connect(database, timeout=10) as connection:
        rows = connection.execute("SELECT conversation_id, count(*) FROM turns GROUP BY conversation_id").fetchall()
    return {conversation: count for conversation, count in rows if conversation in ids}


def test_load_refresh_during_load_switches_index_without_failure(server):
    index_dir = str(server.instance / "index")
    before = versions.current_version(index_dir)
    switched: list[str] = []

    def refresh(elapsed: float) -> None:
        if not switched and elapsed >= 1.0:
            text = server.feed.read_text(encoding="utf-8")
            server.feed.write_text(text.replace("</channel>", NEW_POST + "</channel>", 1), encoding="utf-8")
            switched.append(str(build_from_feed(str(server.feed), Path(index_dir)).path))

    result = run_load(server.url, CLIENTS, 5, during=refresh)
    assert switched and versions.current_version(index_dir) != before
    assert (result.bad, result.dropped) == (0, 0), result.failures
    # Each worker checks CURRENT every 0.5 s: soon every answer comes from the new version.
    deadline = time.monotonic() + 15
    streak = 0
    while time.monotonic() < deadline and streak < 8:
        top = chat(server.url, "kneecap zebra drills")["results"][:1]
        streak = streak + 1 if top and top[0]["post_slug"] == "kneecap-zebra-drills" else 0
    assert streak == 8, "every worker should answer from the refreshed index"


def test_load_failed_refresh_during_load_keeps_serving_previous_index(server):
    index_dir = server.instance / "index"
    before = versions.current_version(index_dir)
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
    assert versions.current_version(index_dir) == before
    assert (result.bad, result.dropped) == (0, 0), result.failures


def test_load_with_postgresql_logs_exactly_one_row_per_answered_request(postgres_url):
    with Server(WORKERS, env={**SERVER_ENV, "CLINICBOT_DATABASE_URL": postgres_url}) as running:
        result = run_load(running.url, CLIENTS, 4)
    assert result.failures == [] and (result.bad, result.dropped) == (0, 0)
    assert result.ok >= CLIENTS
    counts = _pg_logged(postgres_url, result.answered_ids)
    assert len(counts) == len(set(result.answered_ids)) == result.ok
    assert set(counts.values()) == {1}


def _get(url: str) -> tuple[int, bytes]:
    """GET a loopback URL: (status, body), 4xx/5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _metric(text: str, name: str, **labels) -> float:
    """Sum of the samples of ``name`` carrying ``labels`` (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


class Outage:
    """A ``during`` callback: cut the proxy at ``cut_at`` s and restore it ``length`` s later.

    While the database is away a thread of its own asks /readyz and /metrics every half second
    (so a slow answer never delays the restore); ``probes`` keeps those that both started and
    finished inside the outage, as (sent, readyz status, readyz body, metrics text).
    """

    def __init__(self, server_url: str, proxy: TcpProxy, cut_at: float, length: float):
        self.url, self.proxy, self.cut_at, self.length = server_url, proxy, cut_at, length
        self.cut = self.restored = None
        self.probes: list[tuple[float, int, dict, str]] = []
        self._thread = threading.Thread(target=self._probe, daemon=True)

    def _probe(self) -> None:
        seen = []
        while self.restored is None:
            time.sleep(0.5)
            sent = time.monotonic()
            status, body = _get(self.url + "/readyz")
            metrics = _get(self.url + "/metrics")[1].decode()
            seen.append((sent, time.monotonic(), status, json.loads(body), metrics))
        self.probes = [(sent, status, body, metrics) for sent, done, status, body, metrics in seen
                       if done < self.restored]

    def __call__(self, elapsed: float) -> None:
        if self.cut is None and elapsed >= self.cut_at:
            self.proxy.cut()
            self.cut = time.monotonic()
            self._thread.start()
        elif self.cut is not None and self.restored is None and time.monotonic() - self.cut >= self.length:
            self.proxy.restore()
            self.restored = time.monotonic()

    def join(self) -> None:
        """Wait for the probe thread to finish its last round."""
        self._thread.join(timeout=30)


def _ready_in_a_row(url: str, times: int, deadline: float) -> tuple[int, bytes]:
    """/readyz's answer once it has said 200 ``times`` times in a row, or the last answer at the deadline."""
    in_a_row, answer = 0, _get(url + "/readyz")
    while time.monotonic() < deadline:
        answer = _get(url + "/readyz")
        in_a_row = in_a_row + 1 if answer[0] == 200 else 0
        if in_a_row >= times:
            break
        time.sleep(0.1)
    return answer


def test_load_postgresql_outage_answers_queues_the_log_and_writes_it_after(postgres_url):
    from sqlalchemy import make_url

    target = make_url(postgres_url)
    with TcpProxy(target.host, target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with Server(WORKERS, env={**SERVER_ENV, "CLINICBOT_DATABASE_URL": proxied}) as running:
            assert _get(running.url + "/readyz")[0] == 200
            failed_before = _metric(_get(running.url + "/metrics")[1].decode(), "clinicbot_db_failures_total",
                                    kind="log_turn")
            # Warm first (each worker's first answers load what they need): the 3 s before the cut
            # must hold answered and logged turns even on a loaded machine.
            run_load(running.url, CLIENTS, 1.5)
            outage = Outage(running.url, proxy, cut_at=3.0, length=4.0)
            result = run_load(running.url, CLIENTS, 11, during=outage)
            outage.join()
            # The turns queued during the outage are written without a restart...
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _metric(
                    _get(running.url + "/metrics")[1].decode(), "clinicbot_log_pending_turns"):
                time.sleep(0.2)
            # ...and every worker is ready again. Each worker keeps its own write state (its
            # writer retries with a back-off of up to 5 s), and a request reaches either, so one
            # 200 says only that one worker is back: wait for several in a row.
            ready_after = _ready_in_a_row(running.url, times=4 * WORKERS, deadline=deadline + 15)
            metrics_after = _get(running.url + "/metrics")[1].decode()
            pending_after = _metric(metrics_after, "clinicbot_log_pending_turns")

    # Every visitor was answered, during the outage too.
    assert outage.cut and outage.restored
    assert result.failures == [] and (result.bad, result.dropped) == (0, 0)
    during = [entry for entry in result.timeline if outage.cut < entry[0] and entry[1] < outage.restored]
    after = [entry for entry in result.timeline if entry[0] > outage.restored]
    before = [entry for entry in result.timeline if entry[1] < outage.cut]
    assert len(during) >= CLIENTS and len(after) >= CLIENTS and len(before) >= CLIENTS
    # ...and quickly: nobody waits on a dead connection.
    latencies = sorted(end - sent for sent, end, _, _ in during)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\noutage {outage.restored - outage.cut:.1f} s: {len(during)} requests answered during it, "
          f"p95 {1000 * p95:.0f} ms, max {1000 * latencies[-1]:.0f} ms; {result.summary()}")
    assert p95 < 2.0

    # /readyz and /metrics said so while it lasted, and say it is back now.
    assert outage.probes, "/readyz and /metrics should have been asked during the outage"
    for _, status, body, metrics in outage.probes:
        assert status == 503
        assert body["checks"]["database"] == {"ok": False, "reason": "database unreachable"}
        assert _metric(metrics, "clinicbot_database_up") == 0
    # Turns answered in the outage waited in the workers' journals, their writes failing and counted.
    _, _, _, metrics = outage.probes[-1]
    assert _metric(metrics, "clinicbot_db_failures_total", kind="log_turn") > failed_before
    assert _metric(metrics, "clinicbot_log_pending_turns") > 0
    assert pending_after == 0
    assert ready_after[0] == 200, ready_after[1]
    assert json.loads(ready_after[1])["checks"]["database"] == {"ok": True}
    assert _metric(metrics_after, "clinicbot_database_up") == 1

    # Every answered request logged exactly once: before, after, and those of the outage too.
    rows = _pg_logged(postgres_url, result.answered_ids)
    assert set(rows.values()) == {1}
    assert all(rows.get(entry[3]) == 1 for entry in before + during + after)
    assert len(rows) == result.ok
    print(f"logged {len(rows)} of {result.ok} answered: {len(before)} before, {len(during)} during the outage "
          f"(written once it was over), {len(after)} after")


def test_load_postgresql_that_stops_answering_never_delays_a_chat_answer(postgres_url):
    """A database that freezes (connections open, nothing answered) for 4 s under load: chat answers
    do not wait on it (turns go to the workers' journals), and every turn is written once it thaws."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(postgres_url)
    with TcpProxy(target.host, target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        direct = create_engine(postgres_url)  # not through the proxy
        with Server(WORKERS, env={**SERVER_ENV, "CLINICBOT_DATABASE_URL": proxied}) as running:
            window = {}

            def stored() -> int:
                with direct.connect() as connection:
                    return connection.execute(text("SELECT count(*) FROM turns")).scalar()

            def freeze(elapsed: float) -> None:
                if "frozen" not in window and elapsed >= 2.0:
                    proxy.freeze()
                    window["frozen"] = time.monotonic()
                    window["stored_at_freeze"] = stored()
                elif "frozen" in window and "thawed" not in window and time.monotonic() - window["frozen"] >= 4.0:
                    window["stored_at_thaw"] = stored()
                    proxy.thaw()
                    window["thawed"] = time.monotonic()

            result = run_load(running.url, CLIENTS, 8, during=freeze)
            answered = set(result.answered_ids)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _metric(
                    _get(running.url + "/metrics")[1].decode(), "clinicbot_log_pending_turns"):
                time.sleep(0.2)
        direct.dispose()

    assert result.failures == [] and (result.bad, result.dropped) == (0, 0)
    during = [end - sent for sent, end, _, _ in result.timeline
              if window["frozen"] < sent and end < window["thawed"]]
    assert len(during) >= CLIENTS
    # The database really was out of reach: next to nothing was stored while it was frozen
    # (at most a batch already sent when it froze).
    assert window["stored_at_thaw"] - window["stored_at_freeze"] < len(during) / 2
    p95 = sorted(during)[int(0.95 * (len(during) - 1))]
    print(f"\nfrozen {window['thawed'] - window['frozen']:.1f} s: {len(during)} answers meanwhile, "
          f"p95 {1000 * p95:.0f} ms, turns stored meanwhile "
          f"{window['stored_at_thaw'] - window['stored_at_freeze']}; {result.summary()}")
    assert p95 < 1.0
    rows = _pg_logged(postgres_url, answered)
    assert set(rows) == answered and set(rows.values()) == {1}
