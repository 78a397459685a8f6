"""Scale benchmark: build time, size on disk, load time and query latency at 1k / 10k / 100k sections.

    .venv/bin/python -m bench.scale                 # 1k, 10k, 100k
    .venv/bin/python -m bench.scale --sizes 1000    # quicker

Targets (issue 8): 100k sections build < 60 s, load < 2 s, query p95 < 20 ms
in-process. "Query" is what a request does with the index: the matcher's
ranking over every section (bot.matcher.rank, which calls Index.search). The
bundled blog (~325 sections) is measured in the same run as the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import queries, synthetic_posts
from bot import matcher
from index import build, search
from index.feed import load_feed

TARGETS = {"build_s": 60.0, "load_s": 2.0, "p95_ms": 20.0}


def cpu_seconds() -> float:
    """CPU time of this process plus its pool workers (forkserver children are counted by their parent)."""
    total = time.process_time()
    times = os.times()
    total += times.children_user + times.children_system
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(value) for value in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def folder_size(path: Path) -> int:
    """Bytes on disk of a version folder."""
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(name: str, posts, n_queries: int, keep: Path | None = None) -> dict:
    """Build, load and query one corpus in a temporary folder (or ``keep``).

    Wall time and CPU time (this process and its pool workers) are both recorded:
    on a shared machine the wall time includes waiting for a core, the CPU time does not.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = build.build(posts, folder, source=name)
        build_s, build_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        size = folder_size(result.path)
        wall, cpu = time.perf_counter(), time.process_time()
        index = search.load(folder)
        load_s, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
        messages = queries(n_queries)
        for message in messages[:20]:  # warm caches (stemmer, allocator)
            matcher.rank(index, message)
        latencies, cpu_latencies = [], []
        for message in messages:
            wall, cpu = time.perf_counter(), time.thread_time()
            matcher.rank(index, message)
            latencies.append((time.perf_counter() - wall) * 1000)
            cpu_latencies.append((time.thread_time() - cpu) * 1000)
    return {"corpus": name, "sections": result.n_sections, "build_s": build_s, "build_cpu_s": build_cpu,
            "size_mb": size / 1e6, "load_s": load_s, "load_cpu_s": load_cpu,
            "p50_ms": statistics.median(latencies), "p95_ms": percentile(latencies, 95),
            "p95_cpu_ms": percentile(cpu_latencies, 95)}


def load_only(folder: Path, n_queries: int) -> None:
    """Time load and queries of an existing index (e.g. the 100k one kept by --keep)."""
    wall, cpu = time.perf_counter(), time.process_time()
    index = search.load(folder)
    load_s, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    messages = queries(n_queries)
    for message in messages[:20]:
        matcher.rank(index, message)
    latencies, cpu_latencies = [], []
    for message in messages:
        wall, cpu = time.perf_counter(), time.thread_time()
        matcher.rank(index, message)
        latencies.append((time.perf_counter() - wall) * 1000)
        cpu_latencies.append((time.thread_time() - cpu) * 1000)
    print(f"load-only {folder} ({len(index.sections)} sections; load average {os.getloadavg()[0]:.1f}): "
          f"load {load_s:.2f} s (cpu {load_cpu:.2f}), query p50 {statistics.median(latencies):.2f} ms, "
          f"p95 {percentile(latencies, 95):.2f} ms (cpu {percentile(cpu_latencies, 95):.2f})")


def main() -> None:
    """Run every size and print one table plus the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the largest corpus's index in this folder (for bench/memory.py)")
    parser.add_argument("--load-only", type=Path, default=None,
                        help="only time loading and querying an index already built in this folder")
    args = parser.parse_args()
    if args.load_only:
        load_only(args.load_only, args.queries)
        return
    from app import BUNDLED_FEED

    rows = [measure("bundled", load_feed(str(BUNDLED_FEED)).posts, args.queries)]
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        started = time.perf_counter()
        posts = synthetic_posts(size)
        print(f"# generated {size} sections in {time.perf_counter() - started:.1f} s", flush=True)
        rows.append(measure(f"synthetic-{size}", posts, args.queries, args.keep if size == sizes[-1] else None))
        print(f"# {rows[-1]}", flush=True)
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"python {sys.version.split()[0]}")
    print(f"{'corpus':<18}{'sections':>9}{'build s':>9}{'(cpu)':>8}{'size MB':>9}{'load s':>8}{'(cpu)':>7}"
          f"{'p50 ms':>8}{'p95 ms':>8}{'(cpu)':>7}{'p95 vs bundled':>16}")
    base = rows[0]["p95_ms"]
    for row in rows:
        print(f"{row['corpus']:<18}{row['sections']:>9}{row['build_s']:>9.2f}{row['build_cpu_s']:>8.2f}"
              f"{row['size_mb']:>9.1f}{row['load_s']:>8.3f}{row['load_cpu_s']:>7.2f}{row['p50_ms']:>8.2f}"
              f"{row['p95_ms']:>8.2f}{row['p95_cpu_ms']:>7.2f}{row['p95_ms'] / base:>15.1f}x")
    largest = rows[-1]
    print(f"\ntargets at {largest['sections']} sections: "
          f"build {largest['build_s']:.1f} s (< {TARGETS['build_s']:.0f}), "
          f"load {largest['load_s']:.2f} s (< {TARGETS['load_s']:.0f}), p95 {largest['p95_ms']:.2f} ms "
          f"(< {TARGETS['p95_ms']:.0f})")
    cpu_keys = {"build_s": "build_cpu_s", "load_s": "load_cpu_s", "p95_ms": "p95_cpu_ms"}
    for key, limit in TARGETS.items():
        cpu = largest[cpu_keys[key]]
        print(f"  {key}: wall {'PASS' if largest[key] < limit else 'FAIL'}; "
              f"cpu {cpu:.2f} {'PASS' if cpu < limit else 'FAIL'} (CPU seconds: no waiting for a core)")


if __name__ == "__main__":
    main()
