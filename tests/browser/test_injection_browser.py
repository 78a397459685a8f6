"""Every XSS payload, typed as a message and planted in the indexed feed, in a real Chromium, on every surface.

Listeners record any dialog (alert/confirm/prompt), console error or warning
(a CSP violation is logged there), uncaught page error and any request that
leaves the loopback servers (blocked). After each batch the conversation is
scanned: no script, img, iframe, svg, style, object or form element, no on*
attribute, and only http(s)/tel links.

Surfaces: the chat page; the widget, its frame (/widget/frame) opened by the real
loader on a host page of another origin; the kiosk, through its free-text box;
and the staff console: every payload pasted at the triage desk (several per
inquiry, each beside the marker word of its planted post) and then read back
in the inquiry log and the reports, whose raw HTML must never hold a payload
unescaped.
"""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from bench.server import free_port
from tests.adversarial import load_payloads, marker, write_planted_feed
from tests.appkit import make_app
from tests.browser.conftest import LiveServer, screenshot, serve_folder
from tests.staffkit import EMAIL, PASSWORD, make_account

BATCH = 30
#: Planted posts asked for per message (by their marker words); every one must come back as a card.
PER_QUESTION = 3


@dataclass(frozen=True)
class Surface:
    """A page where a visitor types a message and reads the answer."""

    name: str
    path: str
    input: str            # the message box
    log: str              # the element answers are appended to
    bot_message: str      # one bot turn in the log (the greeting included)
    busy: str             # present while an answer is pending
    card_title: str       # the post title shown on a result card
    reset: str | None     # control that clears the conversation, or None to reload the page
    #: The surface is the frame the widget loader opens on a host page (path is then the host page's).
    embedded: bool = False


SURFACES = [
    Surface("chat", "/", "#message", "#log", "#log .msg-bot", "#typing.typing-on", "#log .card-post",
            "#restart"),
    Surface("widget", "/inject.html", "#message", "#log", "#log .msg-bot", "#typing.typing-on",
            "#log .card-post", "#restart", embedded=True),
]
HOST_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example Physio</title></head>'
             '<body><h1>Example Physio</h1><script src="{bot}/widget.js" async></script></body></html>')
LAUNCHER = "clinicbot-widget .launcher"
FRAME = "clinicbot-widget iframe"
#: Payloads typed into one kiosk message (the kiosk never shows the typed text back).
KIOSK_PACK = 4
#: Payloads pasted into one desk inquiry (each beside its marker word), within the form's 4,000 characters.
DESK_CHARS = 3500
#: Staff pages hold forms, inputs and an SVG chart of their own: there only markup that runs is forbidden.
FORBIDDEN_STAFF = "script, iframe, frame, object, embed, meta, link, base, video, audio, img, style, math"

#: Elements that must never appear inside a conversation log.
FORBIDDEN = "script, img, iframe, frame, svg, math, style, object, embed, form, input, meta, link, base, video, audio"
SCAN_LOG = """([log, forbidden]) => {
  const root = document.querySelector(log);
  const found = [];
  root.querySelectorAll(forbidden).forEach(el => found.push('element ' + el.outerHTML.slice(0, 80)));
  root.querySelectorAll('*').forEach(el => {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push('attribute ' + attr.name + ' on ' + el.tagName);
    }
  });
  root.querySelectorAll('a').forEach(a => {
    if (!/^(https?|tel):$/.test(new URL(a.href, location.href).protocol)) found.push('link ' + a.href);
  });
  return found;
}"""


@pytest.fixture(scope="module")
def payloads():
    """The payload list."""
    return load_payloads()


@pytest.fixture(scope="module")
def host_site(tmp_path_factory):
    """A host page on another origin (localhost, not the bots' 127.0.0.1) embedding the widget of
    either server of this module; both allow that origin to frame them."""
    port = free_port()
    folder = tmp_path_factory.mktemp("inject-host")
    site = serve_folder(folder, port)
    yield {"url": f"http://localhost:{port}", "folder": folder}
    site.shutdown()
    site.server_close()


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory, payloads, host_site):
    """A server of its own whose index is built at start from the planted feed (CLINICBOT_FEED).

    Typed payloads go to it too (answers may then bring planted posts back as well), and it lets
    the host site frame its widget.
    """
    root = tmp_path_factory.mktemp("planted-live")
    feed = write_planted_feed(root / "planted.rss.xml", payloads)
    server = LiveServer(root / "instance", env={"CLINICBOT_SECRET_KEY": "inject", "CLINICBOT_FEED": str(feed),
                                                "CLINICBOT_WIDGET_ORIGINS": host_site["url"],
                                                "CLINICBOT_CHAT_RATE_LIMIT": "100000 per minute"})
    server.start(timeout=120)
    yield server
    server.stop()


def marker_questions(payloads: list[str]) -> list[str]:
    """Questions naming PER_QUESTION marker words each, so every planted post is asked for once."""
    return [" ".join(marker(i) for i in range(start, min(start + PER_QUESTION, len(payloads))))
            for start in range(0, len(payloads), PER_QUESTION)]


class Watch:
    """Everything a page did that an inert answer never does."""

    def __init__(self, page, *origins: str):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        hosts = {urlsplit(origin).netloc for origin in origins}

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def route(request_route):
            url = request_route.request.url
            if urlsplit(url).netloc in hosts:
                request_route.continue_()
            else:
                self.blocked.append(url)
                request_route.abort()

        page.on("dialog", on_dialog)
        page.on("console", lambda msg: msg.type in ("error", "warning") and self.console.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.route("**/*", route)

    def problems(self) -> dict:
        """Non-empty lists only."""
        return {k: v for k, v in vars(self).items() if v}


def converse(root, surface: Surface, messages: list[str]) -> tuple[list[str], list[str]]:
    """Send messages one by one, waiting for each answer; return (log scan findings, card titles).

    ``root`` is the page, or the widget's frame: both fill, press, wait and evaluate alike.
    """
    found: list[str] = []
    titles: list[str] = []
    for start in range(0, len(messages), BATCH):
        if start:
            titles += root.locator(surface.card_title).all_text_contents()
            if surface.reset:
                root.click(surface.reset)
            else:
                root.reload()
        for text in messages[start:start + BATCH]:
            before = root.locator(surface.bot_message).count()
            root.fill(surface.input, text)
            root.press(surface.input, "Enter")
            root.wait_for_function(
                "([sel, busy, n]) => document.querySelectorAll(sel).length > n && !document.querySelector(busy)",
                arg=[surface.bot_message, surface.busy, before], timeout=15000)
        found += root.evaluate(SCAN_LOG, [surface.log, FORBIDDEN])
    titles += root.locator(surface.card_title).all_text_contents()
    return found, titles


def open_surface(browser, server, surface: Surface, host_site: dict):
    """A fresh context and page on the surface, with the watch attached before loading.

    Returns (context, page, root, watch): root is the page itself, or the widget's frame once
    the loader on the host page has opened it.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if not surface.embedded:
        watch = Watch(page, server.url)
        page.goto(server.url + surface.path)
        return context, page, page, watch
    (host_site["folder"] / surface.path.lstrip("/")).write_text(HOST_PAGE.format(bot=server.url))
    watch = Watch(page, server.url, host_site["url"])
    page.goto(host_site["url"] + surface.path)
    page.locator(LAUNCHER).click()
    page.frame_locator(FRAME).locator("#message:enabled").wait_for(timeout=20000)
    frame = page.locator(FRAME).element_handle().content_frame()
    assert urlsplit(frame.url).path == "/widget/frame"
    return context, page, frame, watch


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_injection_payloads_typed_as_messages_never_execute(browser, planted_server, host_site, payloads, surface):
    context, page, root, watch = open_surface(browser, planted_server, surface, host_site)
    found, _ = converse(root, surface, payloads)
    texts = root.locator(f"{surface.log} .msg-user").all_inner_texts()
    screenshot(page, f"injection-typed-{surface.name}")
    context.close()
    assert found == []
    assert watch.problems() == {}
    # The last batch's messages are shown back verbatim, as text.
    assert texts[-1].strip() == payloads[-1].strip()


def assert_planted_shown_safely(found: list[str], watch, titles: list[str], payloads: list[str]) -> None:
    """Nothing executed or was parsed, and every planted post was shown as a card."""
    assert found == []
    assert watch.problems() == {}
    shown = {word for title in titles for word in title.lower().split() if word.startswith("case")}
    assert shown == {marker(i) for i in range(len(payloads))}, "every planted post should be shown as a card"
    # Titles are shown as text: the payload characters survive, escaped by the DOM, not parsed.
    assert any("<script" in title.lower() for title in titles)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_injection_payloads_planted_in_feed_never_execute(browser, planted_server, host_site, payloads, surface):
    context, page, root, watch = open_surface(browser, planted_server, surface, host_site)
    found, titles = converse(root, surface, marker_questions(payloads))
    screenshot(page, f"injection-planted-{surface.name}")
    context.close()
    assert_planted_shown_safely(found, watch, titles, payloads)


KIOSK_ANSWERED = """() => {
  const answer = document.getElementById('k-answer');
  const body = document.getElementById('k-answer-body');
  return !answer.hidden && !answer.querySelector('.k-loading') && body.children.length > 0;
}"""


def kiosk_converse(page, messages: list[str]) -> tuple[list[str], list[str], int]:
    """Each message through the kiosk's free-text box (start over, "type instead", Enter); every answer
    screen scanned, since each replaces the last. Returns (scan findings, card titles, answers)."""
    found: list[str] = []
    titles: list[str] = []
    answers = 0
    for text in messages:
        if page.locator("#k-restart").is_visible():
            page.click("#k-restart")
        page.click("#k-type")
        page.fill("#k-text", text)
        page.press("#k-text", "Enter")
        page.wait_for_function(KIOSK_ANSWERED, timeout=15000)
        answers += 1
        found += page.evaluate(SCAN_LOG, ["#k-answer", FORBIDDEN])
        titles += page.locator(".k-card-post").all_text_contents()
    return found, titles, answers


def open_kiosk(browser, server):
    """A tablet-sized context on /kiosk with the watch attached."""
    context = browser.new_context(viewport={"width": 1180, "height": 820}, has_touch=True)
    page = context.new_page()
    watch = Watch(page, server.url)
    page.goto(server.url + "/kiosk")
    page.locator("#k-type").wait_for()
    return context, page, watch


def test_injection_payloads_typed_at_kiosk_never_execute(browser, planted_server, payloads):
    # The kiosk never shows what was typed (a shared screen), only the answer, so payloads are typed
    # KIOSK_PACK to a message: every one reaches the answer renderer in a quarter of the time.
    messages = ["\n".join(payloads[start:start + KIOSK_PACK]) for start in range(0, len(payloads), KIOSK_PACK)]
    assert all(len(message) <= 2000 for message in messages)
    context, page, watch = open_kiosk(browser, planted_server)
    found, _, answers = kiosk_converse(page, messages)
    screenshot(page, "injection-typed-kiosk")
    context.close()
    assert found == []
    assert watch.problems() == {}
    assert answers == len(messages)


def test_injection_payloads_planted_in_feed_never_execute_at_kiosk(browser, planted_server, payloads):
    context, page, watch = open_kiosk(browser, planted_server)
    found, titles, _ = kiosk_converse(page, marker_questions(payloads))
    screenshot(page, "injection-planted-kiosk")
    context.close()
    assert_planted_shown_safely(found, watch, titles, payloads)


def desk_inquiries(payloads: list[str]) -> list[str]:
    """The payloads as phone notes, one per line beside its marker word, packed up to DESK_CHARS each."""
    inquiries, lines = [], []
    for number, payload in enumerate(payloads):
        line = f"{marker(number)} knee: {payload}"
        if lines and len("\n".join([*lines, line])) > DESK_CHARS:
            inquiries.append("\n".join(lines))
            lines = []
        lines.append(line)
    return [*inquiries, "\n".join(lines)]


def post_chat(url: str, message: str) -> int:
    """A visitor's message straight to the API (to fill the inquiry log quickly)."""
    request = urllib.request.Request(url + "/api/chat", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"message": message, "channel": "web"}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.status


class Pages:
    """The raw HTML of every page the browser loaded, checked for payloads that arrive unescaped."""

    def __init__(self, page, payloads: list[str]):
        self.documents = []
        self.payloads = [p for p in payloads if "<" in p]
        page.on("response", lambda r: self.documents.append(r) if r.request.resource_type == "document" else None)

    def unescaped(self, baseline: str) -> list[str]:
        """Payloads found verbatim in the last page's HTML (and not already in the empty page's)."""
        raw = self.documents[-1].text()
        return [p for p in self.payloads if p in raw and p not in baseline]


def test_injection_payloads_at_staff_desk_log_and_reports_never_execute(browser, planted_server, payloads):
    make_account(make_app({"INSTANCE_PATH": str(planted_server.instance), "LOAD_INDEX_AT_START": False,
                             "SECRET_KEY": "inject"}))
    # Every payload as a visitor's message, beside a marker word so its planted post is the top section
    # (the log and "most-read posts" then show planted titles and links), and alone, which often
    # matches nothing and so lands in the content gaps as example wording.
    messages = [f"{payload} {marker(n)}" for n, payload in enumerate(payloads)] + payloads
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda message: post_chat(planted_server.url, message), messages))
    assert set(statuses) == {200}

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = Watch(page, planted_server.url)
    pages = Pages(page, payloads)
    page.goto(planted_server.url + "/staff/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(planted_server.url + "/staff/")
    baseline = pages.documents[-1].text()
    found: list[str] = []
    unescaped: list[str] = []

    inquiries = desk_inquiries(payloads)
    for inquiry in inquiries:
        page.goto(planted_server.url + "/staff/")
        page.fill("#inquiry", inquiry)
        with page.expect_navigation():
            page.click("text=Read it for me")
        page.locator(".results").wait_for()
        found += page.evaluate(SCAN_LOG, [".desk", FORBIDDEN_STAFF])
        unescaped += pages.unescaped(baseline)
    screenshot(page, "injection-staff-desk")

    rows = 0
    planted_server.wait_for_log()
    page.goto(planted_server.url + "/staff/log")
    while True:
        rows += page.locator("tbody tr").count()
        found += page.evaluate(SCAN_LOG, ["main", FORBIDDEN_STAFF])
        unescaped += pages.unescaped(baseline)
        older = page.locator("a", has_text="Older")
        if not older.count():
            break
        with page.expect_navigation():
            older.click()
    page.goto(planted_server.url + "/staff/reports")
    found += page.evaluate(SCAN_LOG, ["main", FORBIDDEN_STAFF])
    unescaped += pages.unescaped(baseline)
    gaps = page.locator("#gaps tbody tr").count()
    top_posts = page.locator("section[aria-labelledby=h-posts]").inner_text()
    screenshot(page, "injection-staff-reports")
    context.close()

    assert found == []
    assert unescaped == []
    assert watch.problems() == {}
    assert rows >= len(messages) + len(inquiries), "every logged payload should be on a log page"
    assert gaps > 0 and "case" in top_posts, "the reports should show payloads and planted titles back"
