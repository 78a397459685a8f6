"""Real-browser fixtures: a live gunicorn server and Debian's Chromium via Playwright.

The server runs as a subprocess on a free loopback port over a copy of the
prebuilt index; if it fails to come up its log is printed. Chromium is Debian's
/usr/bin/chromium (never a downloaded build); tests skip without it, except under
CI=true where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from bench.server import Server, ServerError
from tests.appkit import SERVER_ENV

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CLINICBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
OUTPUT = ROOT / "test-output"


def pytest_collection_modifyitems(items):
    """Everything under tests/browser carries the browser marker."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class LiveServer(Server):
    """bench.server.Server for the browser tests: ready when / answers, failing the test with its log.

    One worker that is never recycled: the session's server answers well over
    max_requests, and recycling a lone worker leaves requests waiting for a whole
    app start (seconds on a loaded machine), which made waits for answers time out.
    ``env`` may override these (WEB_CONCURRENCY for load tests).
    """

    def __init__(self, instance: Path, env: dict | None = None, port: int | None = None):
        super().__init__(instance, port=port, ready_path="/", timeout=60,
                         env={"WEB_CONCURRENCY": "1", "GUNICORN_MAX_REQUESTS": "0", **SERVER_ENV, **(env or {})})

    def start(self, timeout: float = 60) -> LiveServer:
        """Start and wait until / answers; fail the test with the server's log if it does not."""
        try:
            return super().start(timeout)
        except ServerError as exc:
            pytest.fail(str(exc))

    def wait_for_log(self, seconds: float = 10) -> None:
        """Wait until the workers have written every logged turn (they write in batches,
        LOG_FLUSH_SECONDS): ``clinicbot_log_pending_turns`` in /metrics is 0; fail saying so if not."""
        deadline = time.monotonic() + seconds
        while True:
            with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:  # noqa: S310 - loopback
                pending = sum(float(line.rsplit(" ", 1)[1]) for line in response.read().decode().splitlines()
                              if line.startswith("clinicbot_log_pending_turns"))
            if not pending:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"{pending:g} logged turn(s) still unwritten after {seconds:g} s:\n"
                            f"{self.log_path.read_text()}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium, or skip/fail."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, built_index_dir):
    """One server for the session, over a copy of the prebuilt bundled index."""
    server = start_server(tmp_path_factory.mktemp("live-instance"), built_index_dir)
    yield server
    server.stop()


def start_server(instance: Path, built_index_dir: Path) -> LiveServer:
    """A started server over a copy of the prebuilt bundled index in ``instance``."""
    shutil.copytree(built_index_dir, instance / "index")
    # Every browser test reaches its server from 127.0.0.1: lift the per-client chat limit.
    return LiveServer(instance, env={"CLINICBOT_SECRET_KEY": "browser-test-secret",
                                     "CLINICBOT_CHAT_RATE_LIMIT": "100000 per minute"}).start()


def own_staff_server(instance: Path, built_index_dir: Path):
    """A server of a test module's own, with a staff account; ``server.app`` reads its database.

    For state every console of a server shares (live alerts, lessons). Use with ``yield from``.
    """
    from app import create_app
    from tests.staffkit import make_account

    server = start_server(instance, built_index_dir)
    app = create_app({"INSTANCE_PATH": str(instance), "LOAD_INDEX_AT_START": False,
                      "SECRET_KEY": "browser-test-secret"})
    make_account(app)
    server.app = app
    yield server
    server.stop()


@pytest.fixture(scope="session")
def staff_server(live_server):
    """The live server with a staff account in its (SQLite, instance-folder) database."""
    from tests.appkit import make_app
    from tests.staffkit import make_account

    app = make_app({"INSTANCE_PATH": str(live_server.instance), "LOAD_INDEX_AT_START": False,
                    "SECRET_KEY": "browser-test-secret"})
    make_account(app)
    return live_server


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in a fresh context, with page errors collected in page.errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots."""
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
