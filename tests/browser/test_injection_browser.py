"""Every XSS payload, typed as a message and planted in the indexed feed, in a real Chromium.

Listeners record any dialog (alert/confirm/prompt), console error or warning
(a CSP violation is logged there), uncaught page error and any request that
leaves the loopback server (blocked). After each batch the conversation log is
scanned: no script, img, iframe, svg, style, object or form element, no on*
attribute, and only http(s)/tel links. SURFACES lists the pages that take a
visitor's message; when the widget, kiosk and staff console land, add them
there and every check runs against them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.adversarial import load_payloads, marker, write_planted_feed
from tests.browser.conftest import LiveServer, screenshot

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


SURFACES = [
    Surface("chat", "/", "#message", "#log", "#log .msg-bot", "#log .typing", "#log .card-post", "#restart"),
    # Surface("widget", "/widget/frame", ...), Surface("kiosk", "/kiosk", ...),
    # Surface("staff", "/staff/...", ...): add after those branches merge.
]

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
def planted_server(tmp_path_factory, payloads):
    """A server of its own whose index is built at start from the planted feed (CLINICBOT_FEED)."""
    root = tmp_path_factory.mktemp("planted-live")
    feed = write_planted_feed(root / "planted.rss.xml", payloads)
    server = LiveServer(root / "instance", env={"CLINICBOT_SECRET_KEY": "inject", "CLINICBOT_FEED": str(feed)})
    server.start(timeout=120)
    yield server
    server.stop()


class Watch:
    """Everything a page did that an inert answer never does."""

    def __init__(self, page, origin: str):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        host = urlsplit(origin).netloc

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def route(request_route):
            url = request_route.request.url
            if urlsplit(url).netloc == host:
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


def converse(page, surface: Surface, messages: list[str]) -> tuple[list[str], list[str]]:
    """Send messages one by one, waiting for each answer; return (log scan findings, card titles)."""
    found: list[str] = []
    titles: list[str] = []
    for start in range(0, len(messages), BATCH):
        if start:
            titles += page.locator(surface.card_title).all_text_contents()
            if surface.reset:
                page.click(surface.reset)
            else:
                page.reload()
        for text in messages[start:start + BATCH]:
            before = page.locator(surface.bot_message).count()
            page.fill(surface.input, text)
            page.focus(surface.input)
            page.keyboard.press("Enter")
            page.wait_for_function(
                "([sel, busy, n]) => document.querySelectorAll(sel).length > n && !document.querySelector(busy)",
                arg=[surface.bot_message, surface.busy, before], timeout=15000)
        found += page.evaluate(SCAN_LOG, [surface.log, FORBIDDEN])
    titles += page.locator(surface.card_title).all_text_contents()
    return found, titles


def open_surface(browser, server, surface: Surface):
    """A fresh context and page on the surface, with the watch attached before loading."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = Watch(page, server.url)
    page.goto(server.url + surface.path)
    return context, page, watch


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_injection_payloads_typed_as_messages_never_execute(browser, live_server, payloads, surface):
    context, page, watch = open_surface(browser, live_server, surface)
    found, _ = converse(page, surface, payloads)
    texts = page.locator(f"{surface.log} .msg-user").all_inner_texts()
    screenshot(page, f"injection-typed-{surface.name}")
    context.close()
    assert found == []
    assert watch.problems() == {}
    # The last batch's messages are shown back verbatim, as text.
    assert texts[-1].strip() == payloads[-1].strip()


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_injection_payloads_planted_in_feed_never_execute(browser, planted_server, payloads, surface):
    context, page, watch = open_surface(browser, planted_server, surface)
    questions = [" ".join(marker(i) for i in range(start, min(start + PER_QUESTION, len(payloads))))
                 for start in range(0, len(payloads), PER_QUESTION)]
    found, titles = converse(page, surface, questions)
    screenshot(page, f"injection-planted-{surface.name}")
    context.close()
    assert found == []
    assert watch.problems() == {}
    shown = {word for title in titles for word in title.lower().split() if word.startswith("case")}
    assert shown == {marker(i) for i in range(len(payloads))}, "every planted post should be shown as a card"
    # Titles are shown as text: the payload characters survive, escaped by the DOM, not parsed.
    assert any("<script" in title.lower() for title in titles)
