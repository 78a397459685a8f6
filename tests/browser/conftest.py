"""Real-browser fixtures: a live gunicorn server and Debian's Chromium via Playwright.

The server runs as a subprocess on a free loopback port over a copy of the
prebuilt index; if it fails to come up its log is printed. Chromium is Debian's
/usr/bin/chromium (never a downloaded build); tests skip without it, except under
CI=true where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import Server, ServerError, free_port
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
    from tests import appkit
    from tests.staffkit import make_account

    server = start_server(instance, built_index_dir)
    app = appkit.open_app({"INSTANCE_PATH": str(instance), "LOAD_INDEX_AT_START": False,
                           "SECRET_KEY": "browser-test-secret"})
    make_account(app)
    server.app = app
    yield server
    server.stop()
    appkit.close(app)


@pytest.fixture(scope="session")
def staff_server(live_server):
    """The live server with a staff account in its (SQLite, instance-folder) database."""
    from tests import appkit
    from tests.staffkit import make_account

    app = appkit.make_app({"INSTANCE_PATH": str(live_server.instance), "LOAD_INDEX_AT_START": False,
                           "SECRET_KEY": "browser-test-secret"})
    make_account(app)
    appkit.close(app)
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


#: A plain page of a clinic's own website, for the widget to be embedded in ({title}, {head}, {scripts}).
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{head}
<style>
  body {{ margin: 0; font-family: Georgia, serif; color: #222; background: #faf7f2; }}
  header {{ padding: 18px 40px; background: #22313f; color: #fff; display: flex; gap: 24px; align-items: center; }}
  header a {{ color: #fff; }}
  main {{ max-width: 760px; margin: 40px auto; padding: 0 24px; line-height: 1.6; }}
  h1 {{ font-size: 2.2rem; margin: 0 0 12px; }}
</style></head>
<body>
<header><strong>Example Physio</strong> <a href="index.html" id="nav-home">Home</a>
  <a href="page2.html" id="nav-services">Services</a>
  <button type="button" id="host-button">Host button</button></header>
<main><h1>{title}</h1>
<p>Our physical therapists help runners, lifters and weekend warriors get back to what they love.
Book a visit or ask our assistant about an ache or injury.</p>
<p>We are open Monday to Saturday. Parking is available behind the clinic.</p></main>
{scripts}
</body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """Say nothing."""


def serve_folder(folder, port):
    """A static file server for the host site in a daemon thread."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def host_site(tmp_path_factory, built_index_dir, pages, hosts: int = 1):
    """A bot that lets the first of ``hosts`` host origins frame it, and a host site at each origin serving
    ``pages(bot_url)`` (file name -> HTML). Gives (the bot's URL, the host origins); stops them all after."""
    ports = [free_port() for _ in range(hosts)]
    origins = [f"http://localhost:{port}" for port in ports]
    instance = tmp_path_factory.mktemp("widget-instance")
    shutil.copytree(built_index_dir, instance / "index")
    bot = LiveServer(instance, env={"CLINICBOT_SECRET_KEY": "browser-test-secret",
                                    "CLINICBOT_WIDGET_ORIGINS": origins[0]}).start()
    folder = tmp_path_factory.mktemp("host-site")
    for name, html in pages(bot.url).items():
        (folder / name).write_text(html)
    servers = [serve_folder(folder, port) for port in ports]
    try:
        yield bot.url, origins
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        bot.stop()


@pytest.fixture
def context_factory(browser):
    """New browser contexts with a chosen viewport (and Playwright's context options), closed after the test;
    page errors collected in page.errors."""
    contexts = []

    def make(width=1280, height=800, **kwargs):
        context = browser.new_context(viewport={"width": width, "height": height}, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
