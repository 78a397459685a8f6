"""Start gunicorn with the project's gunicorn.conf.py over a given index, for the HTTP and memory benchmarks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bundled_index(target: Path) -> Path:
    """Build the bundled feed's index into ``target`` (the same artifact `make serve` builds)."""
    from app import BUNDLED_FEED
    from index.live import build_from_feed

    build_from_feed(str(BUNDLED_FEED), target)
    return target


class Server:
    """gunicorn -c gunicorn.conf.py 'app:create_app()' on a free port; a context manager."""

    def __init__(self, index_dir: Path, workers: int | None = None, env: dict | None = None):
        self.index_dir = index_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = Path(tempfile.mkdtemp(prefix="clinicbot-bench-"))
        self.env = dict(os.environ, CLINICBOT_INSTANCE_PATH=str(self.instance), CLINICBOT_INDEX_DIR=str(index_dir),
                        CLINICBOT_SECRET_KEY="bench-secret", PORT=str(self.port),
                        # The limiter stays on (its cost is part of a chat request) but never trips.
                        CLINICBOT_CHAT_RATE_LIMIT="100000000 per minute",
                        GUNICORN_LOG_LEVEL="warning", **(env or {}))
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        log = open(self.instance / "server.log", "w")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{(self.instance / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.instance, ignore_errors=True)
