"""Cost of logging each chat turn: /api/chat latency with the inquiry log off (baseline) and on.

Run: .venv/bin/python -m bench.inquiry_log [--requests 200] [--postgres SERVER_URL]
(--postgres creates a uniquely named database on that server for the run and drops it afterwards,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test; never point a run at a database in use.)
Prints mean and p95 per request for both, and the ratio logged/baseline, measured in the same run
over the bundled feed's index (built into a temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from app import BUNDLED_FEED, create_app
from index.live import build_from_feed

MESSAGES = ["inner elbow pain when gripping", "my shins ache since I started running more",
            "outer knee pain on downhill runs", "Hi, my name is Ana Lopez, call me at 424-555-0100, heel pain",
            "do you sell gift cards?"]


def measure(app, n: int) -> list[float]:
    """Seconds per request for n requests cycling through MESSAGES."""
    client = app.test_client()
    for message in MESSAGES:
        client.post("/api/chat", json={"message": message})
    times = []
    for i in range(n):
        start = time.perf_counter()
        response = client.post("/api/chat", json={"message": MESSAGES[i % len(MESSAGES)], "channel": "widget"})
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"request failed: {response.status_code}")
    return times


def summary(times: list[float]) -> tuple[float, float]:
    """Mean and 95th percentile in milliseconds."""
    ordered = sorted(times)
    return statistics.mean(times) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


@contextmanager
def scratch_database(server_url: str | None):
    """A throwaway PostgreSQL database on the server (None: use SQLite), dropped on exit."""
    if not server_url:
        yield None
        return
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"clinicbot_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """Measure baseline then logged, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", default=None, metavar="SERVER_URL",
                        help="measure on a temporary database on this PostgreSQL server (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.postgres) as database_url:
        index_dir = Path(tmp) / "index"
        build_from_feed(str(BUNDLED_FEED), index_dir)
        results = {}
        for label, logging_on in (("baseline (log off)", False), ("logged", True)):
            config = {"INSTANCE_PATH": str(Path(tmp) / label.split()[0]), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "bench", "INQUIRY_LOG": logging_on}
            if database_url:
                config["DATABASE_URL"] = database_url
            results[label] = summary(measure(create_app(config), args.requests))
    base_mean, base_p95 = results["baseline (log off)"]
    for label, (mean, p95) in results.items():
        print(f"{label:20s} mean {mean:7.2f} ms   p95 {p95:7.2f} ms")
    mean, p95 = results["logged"]
    print(f"ratio logged/baseline: mean {mean / base_mean:.2f}x   p95 {p95 / base_p95:.2f}x   "
          f"(+{mean - base_mean:.2f} ms per request, {args.requests} requests)")


if __name__ == "__main__":
    main()
