"""N concurrent clients against gunicorn for T seconds: is every accepted request answered?

    .venv/bin/python -m bench.load --clients 8 --seconds 10 --workers 2 [--kill-worker-at 3] [--url URL]
    .venv/bin/python -m bench.load --postgres postgresql+psycopg://postgres@127.0.0.1:5432/DB --db-outage-at 3

With --postgres the inquiry log is that (existing) database, reached through a TCP
proxy of this process (tests/tcp_proxy.py); --db-outage-at cuts the proxy then for
--db-outage-seconds (every connection dropped, new ones refused) and the run reports
what visitors saw meanwhile and what /readyz said. The database server itself is
never touched.

Without --url it starts its own gunicorn (gunicorn.conf.py, loopback, a free
port) over a freshly built index of the bundled feed, and stops it at the end.
Traffic goes to 127.0.0.1 only, loops are bounded by --seconds, and every request
has a timeout. It prints a single-client baseline measured in the same run,
then the loaded figures and their ratio to the baseline.

Outcome of each request:
  ok        200 with a well-formed answer (every contract field, notice present)
  bad       any response that is not that: a 5xx, a 4xx, malformed JSON (a failure)
  dropped   the connection failed before any response (a worker killed mid-request);
            the request was never answered, so nothing was accepted and lost silently
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

from bench import server

ROOT = Path(__file__).resolve().parent.parent
ANSWER_KEYS = {"reply", "matched", "results", "follow_up", "triage", "cta", "disclaimer", "conversation_id"}
MESSAGES = [
    "inner elbow pain when gripping", "outer knee pain running downhill", "my shins ache after runs",
    "shoulder hurts when I reach overhead", "achilles stiff in the morning", "do I need a referral",
    "lower back pain after sitting", "crushing chest pain and short of breath", "heel pain first steps",
    "?!", "knee", "how long does physical therapy take",
]


@dataclass
class LoadResult:
    """Counts and latencies of one load run."""

    seconds: float = 0.0
    ok: int = 0
    bad: int = 0
    dropped: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    #: conversation_id of every request answered 200, for checking "exactly one log row each".
    answered_ids: list[str] = field(default_factory=list)
    #: (sent, finished, outcome, conversation_id) of every request, times from time.monotonic(),
    #: so a test can tell what was sent before, during and after something it did mid-load.
    timeline: list[tuple[float, float, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def sent(self) -> int:
        """Requests attempted."""
        return self.ok + self.bad + self.dropped

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (0 when nothing was answered)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> str:
        """One line of figures."""
        rate = self.sent / self.seconds if self.seconds else 0.0
        return (f"sent {self.sent}, ok {self.ok}, bad {self.bad}, dropped {self.dropped}, "
                f"{rate:.1f} req/s, p50 {self.percentile(0.5):.0f} ms, p95 {self.percentile(0.95):.0f} ms, "
                f"p99 {self.percentile(0.99):.0f} ms")


def well_formed(status: int, body: bytes) -> str | None:
    """None for a proper answer, else what is wrong with it."""
    if status != 200:
        return f"status {status}: {body[:120]!r}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:120]!r}"
    if not isinstance(answer, dict) or not ANSWER_KEYS <= set(answer):
        return f"missing fields: {sorted(ANSWER_KEYS - set(answer or {}))}"
    if not answer["disclaimer"] or not answer["reply"]:
        return "no reply or no notice"
    return None


def ask(url: str, message: str, timeout: float = 15.0,
        conversation_id: str | None = None) -> tuple[str, float, str | None, str | None]:
    """One chat request: ('ok'|'bad'|'dropped', seconds, problem, the conversation id the server issued)."""
    payload = {"message": message, "channel": "web"}
    if conversation_id:
        payload["conversation_id"] = conversation_id
    data = json.dumps(payload).encode()
    request = urllib.request.Request(url + "/api/chat", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError, HTTPException, TimeoutError, OSError) as exc:
        return "dropped", time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
    elapsed = time.perf_counter() - started
    problem = well_formed(status, body)
    issued = json.loads(body).get("conversation_id") if not problem else None
    return ("bad" if problem else "ok"), elapsed, problem, issued


def chat(url: str, message: str, timeout: float = 15.0) -> dict:
    """One chat request's answer as a dict (raises on anything but a 200)."""
    request = urllib.request.Request(url + "/api/chat", data=json.dumps({"message": message}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def run_load(url: str, clients: int, seconds: float, messages=MESSAGES, during=None) -> LoadResult:
    """``clients`` threads send messages back to back for ``seconds``; ``during(elapsed)`` is
    called about every 0.1 s from the driving thread (to kill a worker, refresh the index...)."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("load is only ever sent to a loopback address")
    result = LoadResult()
    run_id = f"{os.getpid()}{time.monotonic_ns() % 10**9}"
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        turn = 0
        while time.monotonic() < deadline:
            conversation_id = f"load-{run_id}-{number}-{turn}"
            sent = time.monotonic()
            outcome, elapsed, problem, issued = ask(url, messages[(number + turn) % len(messages)],
                                                    conversation_id=conversation_id)
            conversation_id = issued or conversation_id  # the server replaces ids it did not issue
            turn += 1
            with result.lock:
                result.timeline.append((sent, time.monotonic(), outcome, conversation_id))
                setattr(result, outcome, getattr(result, outcome) + 1)
                if outcome == "ok":
                    result.latencies.append(elapsed)
                    result.answered_ids.append(conversation_id)
                elif problem and len(result.failures) < 50:
                    result.failures.append(f"{outcome}: {problem}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        if during is not None:
            during(time.monotonic() - started)
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def worker_pids(master_pid: int) -> set[int]:
    """The gunicorn master's live worker processes."""
    out = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(master_pid)],
                         capture_output=True, text=True, check=False).stdout
    return {int(pid) for pid, stat in (line.split()[:2] for line in out.splitlines() if line.strip())
            if not stat.startswith("Z")}


def wait_for_workers(master_pid: int, count: int, timeout: float = 30.0) -> set[int]:
    """Wait until the master has ``count`` workers; return their pids."""
    deadline = time.monotonic() + timeout
    pids: set[int] = set()
    while time.monotonic() < deadline:
        pids = worker_pids(master_pid)
        if len(pids) == count:
            return pids
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn {master_pid} has {len(pids)} workers, expected {count}")


class Server(server.Server):
    """bench.server.Server over a temporary instance (index built from the bundled feed at start),
    ready once ps shows exactly ``workers`` workers: traffic sent while one is still starting would
    measure its start, not the load."""

    def __init__(self, workers: int, env: dict | None = None):
        super().__init__(workers=workers, env=env, timeout=120)

    def start(self, timeout: float | None = None) -> Server:
        """Ready as bench.server.Server is, a chat answered, and exactly ``workers`` workers."""
        super().start(timeout)
        if ask(self.url, "knee pain", timeout=30)[0] != "ok":
            self.stop()
            raise server.ServerError(f"gunicorn on {self.url} does not answer a chat message")
        wait_for_workers(self.process.pid, self.workers)
        return self


def killer(master_pid: int, at: float, killed: list[int]):
    """A ``during`` callback that SIGKILLs one worker (ours, by pid) once, ``at`` seconds in."""
    def during(elapsed: float) -> None:
        if not killed and elapsed >= at:
            victim = min(worker_pids(master_pid))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    return during


def outage(proxy, at: float, length: float, url: str, seen: dict):
    """A ``during`` callback that cuts the database proxy ``at`` seconds in and restores it ``length``
    seconds later, asking /readyz once in between (from a thread, so a slow answer never delays the
    restore); times and the status go into ``seen``."""
    def readyz() -> None:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=5) as response:  # noqa: S310 - loopback only
                seen["readyz"] = response.status
        except urllib.error.HTTPError as exc:
            seen["readyz"] = exc.code

    def during(elapsed: float) -> None:
        now = time.monotonic()
        if "cut" not in seen and elapsed >= at:
            proxy.cut()
            seen["cut"] = now
        elif "cut" in seen and "restored" not in seen:
            if now - seen["cut"] >= length:
                proxy.restore()
                seen["restored"] = time.monotonic()
            elif "readyz" not in seen and now - seen["cut"] >= length / 2:
                seen["readyz"] = None
                threading.Thread(target=readyz, daemon=True).start()
    return during


def both(*callbacks):
    """One ``during`` callback calling each of the given ones (None skipped)."""
    active = [callback for callback in callbacks if callback is not None]
    return (lambda elapsed: [callback(elapsed) for callback in active]) if active else None


def main(argv: list[str] | None = None) -> int:
    """Baseline, then the loaded run (optionally killing a worker, cutting the database); exit 1 on any
    bad answer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-worker-at", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--postgres", metavar="URL", help="an existing PostgreSQL database for the inquiry log")
    parser.add_argument("--db-outage-at", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--db-outage-seconds", type=float, default=4.0)
    args = parser.parse_args(argv)
    if args.db_outage_at is not None and not args.postgres:
        parser.error("--db-outage-at needs --postgres")
    # Every client is 127.0.0.1: the per-address chat limit would turn the load into 429s.
    env, proxy = {"CLINICBOT_CHAT_RATE_LIMIT": os.environ.get("CLINICBOT_CHAT_RATE_LIMIT", "100000 per minute")}, None
    if args.postgres:
        from sqlalchemy import make_url

        from tests.tcp_proxy import TcpProxy

        target = make_url(args.postgres)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
        env["CLINICBOT_DATABASE_URL"] = target.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
    try:
        return _run(args, env, proxy)
    finally:
        if proxy is not None:
            proxy.close()


def _run(args, env: dict, proxy) -> int:
    with Server(args.workers, env=env) as server:
        baseline = run_load(server.url, 1, min(3.0, args.seconds))
        print(f"baseline (1 client): {baseline.summary()}")
        killed: list[int] = []
        seen: dict = {}
        during = both(
            killer(server.process.pid, args.kill_worker_at, killed) if args.kill_worker_at is not None else None,
            outage(proxy, args.db_outage_at, args.db_outage_seconds, server.url, seen)
            if args.db_outage_at is not None else None,
        )
        loaded = run_load(server.url, args.clients, args.seconds, during=during)
        print(f"load ({args.clients} clients, {args.workers} workers): {loaded.summary()}")
        if baseline.percentile(0.5):
            throughput = (loaded.sent / loaded.seconds) / (baseline.sent / baseline.seconds)
            print(f"ratio p50 load/baseline: {loaded.percentile(0.5) / baseline.percentile(0.5):.2f}; "
                  f"throughput load/baseline: {throughput:.2f}")
        if killed:
            replaced = wait_for_workers(server.process.pid, args.workers)
            print(f"killed worker {killed[0]} with SIGKILL; workers now {sorted(replaced)}")
        if "restored" in seen:
            inside = [(end - sent, outcome) for sent, end, outcome, _ in loaded.timeline
                      if seen["cut"] < sent and end < seen["restored"]]
            latencies = sorted(seconds for seconds, _ in inside)
            p95 = 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
            print(f"database cut for {seen['restored'] - seen['cut']:.1f} s: {len(inside)} requests inside it, "
                  f"{sum(outcome == 'ok' for _, outcome in inside)} ok, p95 {p95:.0f} ms; "
                  f"/readyz meanwhile: {seen.get('readyz')}")
        for failure in loaded.failures[:10]:
            print(f"  {failure}")
    return 1 if loaded.bad or baseline.bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
