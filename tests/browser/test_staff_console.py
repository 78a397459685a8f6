"""The front-desk console in a real browser: log in, paste an inquiry, copy the draft, see the log and a gap.

Also screenshots every console page at desktop, tablet and phone sizes into
test-output/screenshots/ (staff-<page>-<viewport>.png) and checks that no page
breaks the CSP (no inline scripts or styles) or raises a script error.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.staffkit import EMAIL, PASSWORD

VIEWPORTS = {"desktop": (1280, 800), "tablet": (820, 1180), "phone": (390, 844)}
NOTE = ("Maria called, left knee pain going down stairs for three weeks, runner, wants to know if we can help, "
        "no referral. Call back on 424-555-0199.")
GAP_QUESTION = "Do you sell gift cards for birthdays?"


def open_context(browser, server, size=(1280, 800)):
    """A context with clipboard access and a list of CSP violations / page errors."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("console", lambda msg: page.problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    return context, page


def log_in(page, server):
    """Go to the console and log in through the form."""
    page.goto(server.url + "/staff/")
    assert "/staff/login" in page.url
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff/")


def test_console_flow_paste_copy_log_and_gap(browser, staff_server):
    context, page = open_context(browser, staff_server)
    log_in(page, staff_server)
    page.fill("#inquiry", NOTE)
    page.click("text=Read it for me")
    page.locator("#draft-text").wait_for()
    assert "Knee" in page.locator(".region-line").inner_text()
    assert "Direct access" in page.locator(".topics").inner_text()
    draft = page.locator("#draft-text").input_value()
    assert draft.startswith("Hi Maria,") and "0199" not in draft
    page.click("button.copy[data-copy-html]")
    page.locator(".copy-status", has_text="Copied").first.wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == draft

    page.select_option("#region", "heel_achilles")
    page.click(".inline-field button")
    page.locator(".region-line", has_text="Heel and Achilles").wait_for()
    assert "your heel and Achilles" in page.locator("#draft-text").input_value()

    staff_server.wait_for_log()  # turns are written in batches (LOG_FLUSH_SECONDS)
    page.click("nav >> text=Log")
    row = page.locator("tbody tr", has_text="[name] called, left knee pain").first
    row.wait_for()
    assert "desk" in row.inner_text() and "[phone]" in row.inner_text()
    assert "Maria" not in page.locator("tbody").inner_text()

    visitor = context.new_page()
    visitor.goto(staff_server.url + "/")
    visitor.fill("#message", GAP_QUESTION)
    visitor.keyboard.press("Enter")
    visitor.locator(".btn-cta").last.wait_for()
    staff_server.wait_for_log()
    page.click("nav >> text=Reports")
    gaps = page.locator("#gaps")
    gaps.wait_for()
    assert GAP_QUESTION in gaps.inner_text()
    assert page.locator("svg.chart").count() == 2
    assert page.problems == []
    context.close()


CALLBACK = {"name": "Ana Example", "phone": "(424) 555-0188", "preferred_time": "weekday mornings", "consent": True,
            "message": "shins ache since I started running more", "channel": "widget", "conversation_id": "shot-1"}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_console_pages_screenshots(browser, staff_server, viewport):
    context, page = open_context(browser, staff_server, VIEWPORTS[viewport])
    page.goto(staff_server.url + "/staff/login")
    screenshot(page, f"staff-login-{viewport}")
    log_in(page, staff_server)
    screenshot(page, f"staff-desk-empty-{viewport}")
    page.fill("#inquiry", NOTE)
    page.click("text=Read it for me")
    page.locator("#draft-text").wait_for()
    screenshot(page, f"staff-desk-{viewport}")
    page.screenshot(path=str(screenshot(page, f"staff-desk-{viewport}")), full_page=True)
    chat = page.request.post(staff_server.url + "/api/chat", data={"message": CALLBACK["message"],
                                                                   "channel": "widget", "conversation_id": "shot-1"})
    issued = chat.json()["conversation_id"]  # the server replaces ids it did not issue
    response = page.request.post(staff_server.url + "/api/callback", data={**CALLBACK, "conversation_id": issued})
    assert response.status == 201
    page.goto(staff_server.url + "/staff/callbacks")
    page.locator(".callback").first.wait_for()
    screenshot(page, f"staff-callbacks-{viewport}")
    page.goto(staff_server.url + "/staff/log")
    screenshot(page, f"staff-log-{viewport}")
    page.goto(staff_server.url + "/staff/reports")
    page.locator("svg.chart").first.wait_for()
    page.screenshot(path=str(screenshot(page, f"staff-reports-{viewport}")), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert page.problems == []
    context.close()
