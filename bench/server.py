"""The one way tests and benchmarks start a real server: gunicorn with the project's gunicorn.conf.py
on a free loopback port, over an instance folder, waited for with a deadline.

datasette's Playwright fixtures are the model: a subprocess on a free port whose log is shown
when it fails to come up. tests/browser/conftest.py (LiveServer), bench/load.py, bench/http_load.py
and bench/memory.py all use this class.
"""

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
#: For the HTTP benchmarks: the limiter stays on (its cost is part of a chat request) but never trips.
BENCH_ENV = {"CLINICBOT_CHAT_RATE_LIMIT": "100000000 per minute", "GUNICORN_LOG_LEVEL": "warning"}


class ServerError(RuntimeError):
    """gunicorn exited or did not become ready in time; the message carries its log."""


def free_port() -> int:
    """A currently free loopback port."""
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
    """gunicorn -c gunicorn.conf.py 'app:create_app()'; start()/stop() or a context manager.

    ``instance`` defaults to a temporary folder removed at stop; ``workers`` sets
    WEB_CONCURRENCY and makes start() wait until that many workers have loaded the app;
    ``env`` overrides everything else (CLINICBOT_* settings, GUNICORN_* variables).
    """

    def __init__(self, instance: Path | None = None, *, env: dict | None = None, workers: int | None = None,
                 port: int | None = None, index_dir: Path | None = None, ready_path: str = "/readyz",
                 timeout: float = 300.0):
        self._own_instance = instance is None
        self.instance = Path(instance or tempfile.mkdtemp(prefix="clinicbot-server-"))
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.instance / "server.log"
        self.workers = workers
        self.ready_path, self.timeout = ready_path, timeout
        self.env = dict(os.environ, CLINICBOT_INSTANCE_PATH=str(self.instance), PORT=str(self.port),
                        CLINICBOT_SECRET_KEY="server-for-tests-and-benchmarks")
        if index_dir is not None:
            self.env["CLINICBOT_INDEX_DIR"] = str(index_dir)
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.env.update(env or {})
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float | None = None) -> Server:
        """Start and wait until every worker is up and ``ready_path`` answers 200; ServerError with the
        log if gunicorn exits or ``timeout`` seconds pass first."""
        timeout = self.timeout if timeout is None else timeout
        self.instance.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen([gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "app:create_app()"],
                                        cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if self._ready():
                return self
            time.sleep(0.2)
        exited = self.process.poll()
        log = self.log_path.read_text()
        self.stop()
        why = f"exited with status {exited}" if exited is not None else f"was not ready within {timeout:g} s"
        raise ServerError(f"gunicorn on {self.url} {why}:\n{log}")

    def _ready(self) -> bool:
        """Every worker loaded the app (gunicorn.conf.py logs it), not merely the first, and the path answers."""
        if self.workers and self.log_path.read_text().count("Worker ready") < self.workers:
            return False
        try:
            with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s; remove a temporary instance folder."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
            self._log = None
        if self._own_instance:
            shutil.rmtree(self.instance, ignore_errors=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
