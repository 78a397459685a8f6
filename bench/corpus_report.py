"""Count what the feedparser corpus does to ingestion: sections, clear errors, time per file.

    .venv/bin/python -m bench.corpus_report [../shared/extern/feedparser-feeds]

Prints one line per outcome kind and the slowest files; exit status 1 if any file
crashed (an exception other than FeedError/ArtifactError) or left a non-http(s) link.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from index import search
from index.feed import FeedError
from index.live import build_from_feed
from index.versions import ArtifactError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    """Run every corpus file through build_from_feed into one scratch index."""
    corpus = Path(argv[0]) if argv else ROOT.parent / "shared" / "extern" / "feedparser-feeds"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("SOURCE.md", "MANIFEST.tsv"))
    outcomes: Counter = Counter()
    timings, crashes, bad_links = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        for path in files:
            started = time.perf_counter()
            try:
                build_from_feed(str(path), index_dir)
                outcomes["sections"] += 1
                index = search.load(index_dir)
                for s in index.sections:
                    if s["post_url"] and not s["post_url"].lower().startswith(("http://", "https://")):
                        bad_links.append((path.name, s["post_url"]))
            except FeedError:
                outcomes["FeedError"] += 1
            except ArtifactError:
                outcomes["ArtifactError"] += 1
            except Exception as exc:  # noqa: BLE001 - the point is to count crashes
                outcomes["crash"] += 1
                crashes.append((str(path.relative_to(corpus)), f"{type(exc).__name__}: {exc}"[:120]))
            timings.append((time.perf_counter() - started, str(path.relative_to(corpus))))
    print(f"files: {len(files)}")
    for kind, count in sorted(outcomes.items()):
        print(f"{kind}: {count}")
    timings.sort(reverse=True)
    print(f"total: {sum(t for t, _ in timings):.2f}s; slowest: "
          + ", ".join(f"{name} {t * 1000:.0f}ms" for t, name in timings[:3]))
    for name, error in crashes:
        print(f"CRASH {name}: {error}")
    for name, link in bad_links:
        print(f"UNSAFE LINK {name}: {link}")
    return 1 if crashes or bad_links else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
