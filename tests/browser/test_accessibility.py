"""axe-core (WCAG 2.1 A and AA) over every surface and page state, at phone and desktop widths.

The axe build is vendored under tests/browser/vendor with its version in the file name (never
fetched, never served to visitors) and injected into each page by Playwright. A violation fails
the test with axe's own rule id, help text and the offending elements, so the message says what
to fix. Screenshots of each state go to test-output/screenshots/a11y-<state>-<width>.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.staffkit import EMAIL, PASSWORD

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
ANSWER = "inner elbow pain when I grip things"
EMERGENCY = "crushing chest pain spreading to my left arm and I'm sweating"
SELF_HARM = "I want to end my life, I have been thinking about how"
VAGUE = "I'm in so much pain"


def axe_violations(page) -> list[str]:
    """Run axe on the page (and its same-origin frames) and describe each violation in one line."""
    # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern;
    # a <script> tag would be refused, as it should be.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
                 .join(' | '));
        }""",
        TAGS,
    )
    return result


def check(page, state: str, width: str) -> None:
    """Screenshot the state and fail with axe's findings, if any."""
    screenshot(page, f"a11y-{state}-{width}")
    violations = axe_violations(page)
    assert violations == [], f"{state} at {width}:\n" + "\n".join(violations)


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """(page, width name) in a fresh context of that width."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    yield page, request.param
    context.close()


def ask(page, text: str, wait: str) -> None:
    """Send a message on the chat page and wait for its answer."""
    page.fill("#message", text)
    page.keyboard.press("Enter")
    page.locator(wait).last.wait_for(timeout=15000)


@pytest.mark.parametrize("state, message, wait", [
    ("chat-start", None, None),
    ("chat-answer", ANSWER, ".card"),
    ("chat-emergency", EMERGENCY, ".triage-emergency"),
    ("chat-self-harm", SELF_HARM, ".triage-emergency"),
    ("chat-clarify", VAGUE, ".followup .quick"),
])
def test_chat_page_has_no_axe_violations(sized, live_server, state, message, wait):
    page, width = sized
    page.goto(live_server.url + "/")
    if message:
        ask(page, message, wait)
    check(page, state, width)


def test_widget_frame_has_no_axe_violations(sized, live_server):
    page, width = sized
    page.goto(live_server.url + "/widget/frame")
    page.locator("#message").wait_for()
    check(page, "widget-frame", width)
    ask(page, ANSWER, ".card")
    check(page, "widget-frame-answer", width)
    ask(page, VAGUE, ".followup .quick")
    check(page, "widget-frame-clarify", width)


def test_kiosk_states_have_no_axe_violations(sized, live_server):
    page, width = sized
    page.goto(live_server.url + "/kiosk")
    page.locator("[data-region]").first.wait_for()
    check(page, "kiosk-start", width)
    page.locator("#k-type").click()
    page.locator("#k-text").fill("outer knee pain on long downhill runs")
    page.locator("#k-send").click()
    page.locator(".k-card-qr").first.wait_for(timeout=15000)
    check(page, "kiosk-answer", width)
    page.locator(".k-card-qr").first.click()
    page.locator("#k-qr-img").wait_for()
    check(page, "kiosk-qr", width)
    page.locator("#k-qr-close").click()
    page.locator("#k-restart").click()
    page.locator("#k-type").click()
    page.locator("#k-text").fill(VAGUE)
    page.locator("#k-send").click()
    page.locator(".k-followup .k-option").first.wait_for(timeout=15000)
    check(page, "kiosk-clarify", width)


def test_staff_pages_have_no_axe_violations(sized, staff_server):
    page, width = sized
    page.goto(staff_server.url + "/staff/login")
    check(page, "staff-login", width)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(staff_server.url + "/staff/")
    check(page, "staff-desk", width)
    page.fill("#inquiry", "Left knee pain going down stairs for three weeks, runner, wants to know if we can help.")
    page.click("text=Read it for me")
    page.locator("#draft-text").wait_for()
    check(page, "staff-desk-draft", width)
    for name in ("log", "callbacks", "reports"):
        page.goto(f"{staff_server.url}/staff/{name}")
        check(page, f"staff-{name}", width)
