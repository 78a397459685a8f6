"""HTTP benchmark: POST /api/chat against a trivial JSON endpoint (GET /healthz), same gunicorn config.

    .venv/bin/python -m bench.http_load [--seconds 15] [--connections 16] [--rounds 2]

Uses Debian's wrk (`apt-get install wrk`) on loopback. Both endpoints are served
by the same gunicorn process started with gunicorn.conf.py over the bundled
index; rounds alternate trivial/chat so background load hits both alike, and the
median round is reported. Chat messages are all distinct (the labelled dev set
when ../shared/eval is present, red-flag and logistics questions, and visitor-like
fragments of the blog's sentences), so nothing keyed on a message can flatter the figure.
Targets (issue 8): chat throughput >= 70% of the
trivial endpoint's, chat p99 < 5x the trivial p99.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.corpus import queries
from bench.server import BENCH_ENV, Server, bundled_index

DEV_QUERIES = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "queries_dev.jsonl"
EXTRA = [
    "inner elbow pain when I grip", "knee hurts going down stairs", "do you sell gift cards?",
    "neck pain from working at a desk all day", "ankle sprain playing basketball", "hip clicking when I squat",
    "crushing chest pain and I can't catch my breath", "I don't want to be alive anymore",
    "sudden numbness in my face and my arm is weak", "I lost control of my bladder and my legs are numb",
    "do I need a referral from my doctor?", "how long is the first appointment?", "do you take insurance?",
    "what should I wear to my first visit", "how many sessions will I need for my shoulder?",
]


def messages(n_generated: int = 600) -> list[str]:
    """Distinct chat messages: the dev set if present, the list above, then generated fragments."""
    dev = []
    if DEV_QUERIES.is_file():
        dev = [json.loads(line)["query"] for line in DEV_QUERIES.read_text().splitlines() if line.strip()]
    return list(dict.fromkeys(dev + EXTRA + queries(n_generated)))
LUA = """
local bodies = %s
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/chat", {["Content-Type"] = "application/json"}, bodies[(i %% #bodies) + 1])
end
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|m|s)", text).groups()
    return float(value) * UNITS[unit]


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server) -> float:
    """User + system CPU seconds the gunicorn master and all its workers have used so far.

    Workers that exited (recycled by max_requests) are counted through the
    master's reaped-children fields, so a recycle during a round loses nothing.
    """
    def fields(pid: int) -> list[str]:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return []

    master = fields(server.process.pid)
    total = sum(int(v) for v in master[11:15])  # utime, stime, cutime, cstime
    for pid in server.worker_pids():
        total += sum(int(v) for v in fields(pid)[11:13])
    return total / TICKS


def wrk(url: str, seconds: int, connections: int, script: Path | None = None, server=None) -> dict:
    """Run wrk and return requests/s, p50, p99 (ms), the error counts and CPU ms per request.

    CPU per request is the server's (gunicorn master and workers) and wrk's own,
    over the requests wrk completed: unlike requests/s it does not depend on how
    much of the machine other programs took during the round.
    """
    server_before = cpu_seconds(server) if server else 0.0
    client_before = os.times()
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    server_cpu = cpu_seconds(server) - server_before if server else 0.0
    client_after = os.times()
    client_cpu = (client_after.children_user - client_before.children_user
                  + client_after.children_system - client_before.children_system)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "none",
            "server_cpu_ms": server_cpu * 1000 / max(requests, 1),
            "client_cpu_ms": client_cpu * 1000 / max(requests, 1)}


def main() -> None:
    """Measure both endpoints in alternating rounds and print the ratios against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server environment, for diagnostics (e.g. CLINICBOT_INQUIRY_LOG=false)")
    parser.add_argument("--warmup", type=int, default=8, help="seconds of chat traffic before measuring")
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/0",
                        help="production-like shared counters (default Redis); 'memory://' for development")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `sudo apt-get install wrk` (Debian)")
    tmp = Path(tempfile.mkdtemp(prefix="clinicbot-http-bench-"))
    script = tmp / "chat.lua"
    chat_messages = messages()
    script.write_text(LUA % ("{" + ", ".join(json.dumps(json.dumps({"message": m})) for m in chat_messages) + "}"))
    results: dict[str, list[dict]] = {"trivial": [], "chat": []}
    try:
        env = {"CLINICBOT_RATELIMIT_STORAGE_URI": args.ratelimit_storage,
               "CLINICBOT_RATELIMIT_KEY_PREFIX": f"clinicbot-bench-{os.getpid()}",
               **dict(item.split("=", 1) for item in args.env)}
        with Server(index_dir=bundled_index(tmp / "index"), workers=args.workers, env={**BENCH_ENV, **env}) \
                as server:
            workers = len(server.worker_pids())
            # Warm-up: every worker meets most messages once (per-word caches), as a server does in its first minutes.
            wrk(server.url + "/healthz", 3, args.connections)
            wrk(server.url + "/api/chat", args.warmup, args.connections, script)
            for _ in range(args.rounds):
                results["trivial"].append(wrk(server.url + "/healthz", args.seconds, args.connections, server=server))
                results["chat"].append(wrk(server.url + "/api/chat", args.seconds, args.connections, script,
                                           server=server))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    keys = ("rps", "p50_ms", "p99_ms", "server_cpu_ms", "client_cpu_ms")
    server_env = {**os.environ, **env}
    summary = {name: {key: statistics.median(r[key] for r in rounds) for key in keys}
               for name, rounds in results.items()}
    setting = {name: server_env.get(f"GUNICORN_{name}", default)
               for name, default in (("WORKER_CLASS", "gthread"), ("THREADS", "2"), ("KEEPALIVE", "0"))}
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; gunicorn {workers} "
          f"{setting['WORKER_CLASS']} workers x {setting['THREADS']} threads, keep-alive {setting['KEEPALIVE']} s; "
          f"wrk {args.connections} connections, {args.rounds} x {args.seconds} s per endpoint; "
          f"rate-limit storage {args.ratelimit_storage}")
    print(f"{'endpoint':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}"
          f"{'server CPU ms/req':>19}{'wrk CPU ms/req':>16}")
    print(f"chat messages: {len(chat_messages)} distinct, sent in turn")
    for name, label in (("trivial", "GET /healthz"), ("chat", "POST /api/chat")):
        row = summary[name]
        non2xx = sum(r["non_2xx"] for r in results[name])
        print(f"{label:<22}{row['rps']:>10.0f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}{non2xx:>9}"
              f"{row['server_cpu_ms']:>19.2f}{row['client_cpu_ms']:>16.2f}")
    ratio = summary["chat"]["rps"] / summary["trivial"]["rps"]
    p99_ratio = summary["chat"]["p99_ms"] / summary["trivial"]["p99_ms"]
    print(f"chat throughput = {ratio:.0%} of trivial (target >= 70%): {'PASS' if ratio >= 0.7 else 'FAIL'}")
    print(f"chat p99 = {p99_ratio:.1f}x trivial p99 (target < 5x): {'PASS' if p99_ratio < 5 else 'FAIL'}")
    cost = {name: row["server_cpu_ms"] + row["client_cpu_ms"] for name, row in summary.items()}
    print(f"CPU per request, server + wrk: trivial {cost['trivial']:.2f} ms, chat {cost['chat']:.2f} ms; on a machine "
          f"that is the bench's alone, chat would reach {cost['trivial'] / cost['chat']:.0%} of trivial's throughput "
          f"(a cross-check of the req/s ratio when other programs share the cores)")


if __name__ == "__main__":
    main()
