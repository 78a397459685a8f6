"""Memory benchmark: resident memory per gunicorn worker, bundled index vs a 100k-section index.

    .venv/bin/python -m bench.scale --sizes 100000 --keep /tmp/index100k   # once, to make the big index
    .venv/bin/python -m bench.memory --large-index /tmp/index100k

Each worker loads its own read-only copy of the index (no preload, so HUP can
reload code), so RSS per worker is what a deployment multiplies by
WEB_CONCURRENCY. PSS (proportional set size) splits pages shared between
workers (the Python libraries) fairly and is also shown. Measured after 50 chat
requests per worker, so caches are warm.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import urllib.request
from pathlib import Path

from bench.http_load import messages
from bench.server import BENCH_ENV, Server, bundled_index


def _kib(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker_memory(index_dir: Path, workers: int) -> dict:
    """Median RSS and PSS (MB) of the workers after warm-up, and the index's section count."""
    # Serve the index as it is: no rebuild from the configured feed (a synthetic index has none).
    with Server(index_dir=index_dir, workers=workers,
                env={**BENCH_ENV, "CLINICBOT_LOAD_INDEX_AT_START": "false"}) as server:
        chat_messages = messages()
        for number in range(50 * workers):
            body = json.dumps({"message": chat_messages[number % len(chat_messages)]}).encode()
            request = urllib.request.Request(server.url + "/api/chat", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        with urllib.request.urlopen(server.url + "/readyz", timeout=10) as response:
            sections = json.loads(response.read())["checks"]["index"]["sections"]
        pids = server.worker_pids()
        rss = sorted(_kib(f"/proc/{pid}/status", "VmRSS") / 1024 for pid in pids)
        pss = sorted(_kib(f"/proc/{pid}/smaps_rollup", "Pss") / 1024 for pid in pids)
    return {"sections": sections, "workers": len(pids), "rss_mb": rss[len(rss) // 2], "pss_mb": pss[len(pss) // 2]}


def main() -> None:
    """Measure the bundled index and, if given, the large one; print per-worker figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-index", type=Path, default=None, help="an index folder (e.g. 100k sections)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("bundled", worker_memory(bundled_index(Path(tmp) / "index"), args.workers)))
    if args.large_index:
        rows.append((args.large_index.name, worker_memory(args.large_index, args.workers)))
    print(f"machine: {os.cpu_count()} cores; {args.workers} gunicorn workers; median worker after warm-up")
    print(f"{'index':<20}{'sections':>10}{'RSS MB':>10}{'PSS MB':>10}{'RSS vs bundled':>16}")
    base = rows[0][1]["rss_mb"]
    for name, row in rows:
        print(f"{name:<20}{row['sections']:>10}{row['rss_mb']:>10.0f}{row['pss_mb']:>10.0f}"
              f"{row['rss_mb'] / base:>15.1f}x")


if __name__ == "__main__":
    main()
