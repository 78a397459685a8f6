"""Live alerts in a real browser: a kiosk and two staff console pages open side by side.

An emergency typed on the waiting-room kiosk must appear on every open console
page within a few polls, with channel, local time, rule and text; acknowledging
it on one page records who and when and clears it from the others. Screenshots
of a console page with an alert at 1280, 820 and 390 px go to
test-output/screenshots/staff-alert-<width>.png.
"""

from __future__ import annotations

import pytest

from store.models import StaffAlert
from tests.browser.conftest import own_staff_server, screenshot
from tests.browser.test_accessibility import axe_violations
from tests.staffkit import EMAIL, PASSWORD
from web import db

EMERGENCY = "crushing chest pain and short of breath"
#: Polls every 4 s: two polls and a slow machine.
APPEARS_MS = 15000


@pytest.fixture(scope="module")
def alert_server(tmp_path_factory, built_index_dir):
    """A server of its own (alerts are shared by every console of a server), with a staff account."""
    yield from own_staff_server(tmp_path_factory.mktemp("alerts"), built_index_dir)


def watch(page):
    """Record script errors, CSP violations and failed requests on a page."""
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("console", lambda msg: page.problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return page


def staff_pages(browser, server):
    """One logged-in staff context with two console pages open (the desk and the log)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    desk = watch(context.new_page())
    desk.goto(server.url + "/staff/")
    desk.fill("#email", EMAIL)
    desk.fill("#password", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url(server.url + "/staff/")
    log = watch(context.new_page())
    log.goto(server.url + "/staff/callbacks")
    return context, desk, log


def emergency_on_kiosk(browser, server):
    """Type an emergency on the kiosk, as a patient would; the kiosk shows its guidance."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    kiosk = watch(context.new_page())
    kiosk.goto(server.url + "/kiosk")
    kiosk.locator("#k-type").click()
    kiosk.locator("#k-text").fill(EMERGENCY)
    kiosk.locator("#k-text").press("Enter")
    kiosk.locator(".k-emergency").wait_for(timeout=10000)
    return context, kiosk


def test_kiosk_emergency_appears_on_every_console_page_and_is_acknowledged(browser, alert_server):
    staff, desk, log = staff_pages(browser, alert_server)
    assert desk.locator("#live-alerts").is_hidden()
    kiosk_context, kiosk = emergency_on_kiosk(browser, alert_server)

    for page in (desk, log):
        alert = page.locator(".live-alert").first
        alert.wait_for(timeout=APPEARS_MS)
        text = alert.inner_text()
        assert "Waiting-room kiosk" in text
        assert "Cardiac" in text and "-" not in page.locator(".live-alert-rule").first.inner_text()
        assert EMERGENCY in text
        assert page.locator(".live-alert time").first.get_attribute("datetime").endswith("Z")
    assert "kiosk" in desk.locator("#live-alerts-news").inner_text().lower()
    assert axe_violations(desk) == []

    for width, height in ((1280, 800), (820, 1180), (390, 844)):
        desk.set_viewport_size({"width": width, "height": height})
        desk.locator(".live-alert").first.scroll_into_view_if_needed()
        screenshot(desk, f"staff-alert-{width}")
        overflow = desk.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
    desk.set_viewport_size({"width": 1280, "height": 800})

    desk.locator(".live-alert-ack").first.click()
    desk.locator("#live-alerts").wait_for(state="hidden", timeout=5000)
    log.locator("#live-alerts").wait_for(state="hidden", timeout=APPEARS_MS)  # the other page, on its next poll
    with db.session_scope(alert_server.app) as session:
        [stored] = session.query(StaffAlert).all()
        assert stored.channel == "kiosk"
        assert stored.acknowledged_by == EMAIL and stored.acknowledged_at is not None

    desk.reload()
    desk.wait_for_timeout(1000)
    assert desk.locator(".live-alert").count() == 0  # acknowledged stays acknowledged
    assert desk.problems == [] and log.problems == [] and kiosk.problems == []
    kiosk_context.close()
    staff.close()


def test_crisis_on_the_chat_page_alerts_the_desk(browser, alert_server):
    staff, desk, _ = staff_pages(browser, alert_server)
    visitor = browser.new_context(viewport={"width": 390, "height": 844})
    chat = watch(visitor.new_page())
    chat.goto(alert_server.url + "/")
    chat.fill("#message", "I want to end my life, I have been thinking about how")
    chat.keyboard.press("Enter")
    chat.locator(".triage-emergency").wait_for(timeout=10000)
    alert = desk.locator(".live-alert", has_text="Chat page").first
    alert.wait_for(timeout=APPEARS_MS)
    assert "Self harm" in alert.inner_text()
    alert.locator(".live-alert-ack").click()
    alert.wait_for(state="detached", timeout=5000)
    assert desk.problems == [] and chat.problems == []
    visitor.close()
    staff.close()
