"""The visitor's call-back form in the shared chat UI, in a real browser.

Ask a question, open the form from the answer, see the server's consent error next
to the form, send a complete request and find it in the staff queue; never offer
the form after an emergency answer; screenshot the open form on desktop and phone.
"""

from __future__ import annotations

import re

import pytest

from store import callbacks
from tests import appkit
from tests.appkit import make_app
from tests.browser.conftest import screenshot
from web import db

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module")
def queue_app(live_server):
    """An app over the live server's instance folder, to read the staff queue it writes."""
    app = make_app({"INSTANCE_PATH": str(live_server.instance), "LOAD_INDEX_AT_START": False,
                    "SECRET_KEY": "browser-test-secret"})
    yield app
    appkit.close(app)


def ask(page, server, text):
    """Open the full-page chat and send one message; wait for the answer."""
    page.goto(server.url + "/")
    page.fill("#message", text)
    page.keyboard.press("Enter")
    page.locator(".bubble-wide").first.wait_for(timeout=10000)


def queued(app, conversation_id):
    """The open call-back requests of one conversation."""
    with db.session_scope(app) as session:
        return [c for c in callbacks.queue(session) if c.conversation_id == conversation_id]


def test_callback_form_consent_error_then_request_lands_in_queue(page, live_server, queue_app):
    ask(page, live_server, "inner elbow pain when gripping")
    page.locator(".btn-callback").first.click()
    assert page.evaluate("document.activeElement.id") == "cb-name"
    page.fill("#cb-name", "Dana Tester")
    page.fill("#cb-phone", "424-555-0100")
    page.fill("#cb-time", "weekday mornings")
    page.click(".callback-submit")
    error = page.locator("#callback-error")
    error.wait_for(timeout=10000)
    assert "agree that the clinic may contact you" in error.inner_text()
    assert error.get_attribute("role") == "alert"
    assert page.get_attribute("#cb-consent", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "cb-consent"
    # The same mistake again: wait for the server's answer, since the first message is still on
    # the page and the click itself moved focus to the send button.
    with page.expect_response(lambda r: r.url.endswith("/api/callback")) as again:
        page.click(".callback-submit")
    assert again.value.status == 400
    # Locator waits, not wait_for_function: its polling evaluates a string, which the page's CSP forbids.
    page.locator("#cb-consent:focus").wait_for(timeout=10000)
    page.locator("#callback-error", has_text="agree").wait_for(timeout=10000)

    page.keyboard.press("Space")  # the focused checkbox, by keyboard
    assert page.is_checked("#cb-consent")
    with page.expect_response(lambda r: r.url.endswith("/api/callback") and r.request.method == "POST") as info:
        page.click(".callback-submit")
    assert info.value.status == 201
    sent = info.value.request.post_data_json
    assert sent["channel"] == "web" and sent["consent"] is True
    done = page.locator(".callback-done")
    done.wait_for(timeout=10000)
    assert "will contact you (weekday mornings)" in done.inner_text()
    assert page.locator("#callback").count() == 0
    screenshot(page, "callback-sent-desktop")

    rows = queued(queue_app, sent["conversation_id"])
    assert [(r.name, r.phone, r.channel, r.preferred_time) for r in rows] == [
        ("Dana Tester", "424-555-0100", "web", "weekday mornings")]
    assert page.errors == []


def test_callback_form_is_not_offered_after_an_emergency_answer(page, live_server):
    ask(page, live_server, "crushing chest pain and short of breath")
    page.locator(".triage-emergency").wait_for(timeout=10000)
    assert page.locator(".btn-callback").count() == 0
    assert page.locator("#callback").count() == 0


def test_callback_form_emergency_words_get_the_emergency_instruction(page, live_server):
    ask(page, live_server, "inner elbow pain when gripping")
    page.locator(".btn-callback").first.click()
    page.fill("#cb-name", "Sam")
    page.fill("#cb-email", "sam@example.org")
    page.fill("#cb-message", "now I have crushing chest pain and I am short of breath")
    page.check("#cb-consent")
    page.click(".callback-submit")
    alert = page.locator(".triage-emergency")
    alert.wait_for(timeout=10000)
    assert "911" in alert.inner_text()
    assert page.locator("#callback").count() == 0
    assert page.locator(".btn-callback").count() == 0


def test_callback_form_keyboard_opens_and_escape_returns_focus(page, live_server):
    ask(page, live_server, "inner elbow pain when gripping")
    page.locator(".btn-callback").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cb-name"
    assert page.get_attribute(".btn-callback", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.locator("#callback").count() == 0
    assert page.evaluate("document.activeElement.className") == "btn-callback"
    assert page.get_attribute(".btn-callback", "aria-expanded") == "false"


def test_callback_form_in_widget_frame_sends_widget_channel(browser, live_server):
    context = browser.new_context(viewport={"width": 380, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/widget/frame")
    page.fill("#message", "inner elbow pain when gripping")
    page.keyboard.press("Enter")
    page.locator(".btn-callback").first.click()
    page.fill("#cb-name", "Lee")
    page.fill("#cb-email", "lee@example.org")
    page.check("#cb-consent")
    screenshot(page, "callback-form-widget")
    with page.expect_response(lambda r: r.url.endswith("/api/callback")) as info:
        page.keyboard.press("Enter")  # submit from the checkbox's form by keyboard
    assert info.value.status == 201
    assert info.value.request.post_data_json["channel"] == "widget"
    page.locator(".callback-done").wait_for(timeout=10000)
    context.close()


@pytest.mark.parametrize("name", VIEWPORTS)
def test_callback_form_screenshot_open_form(browser, live_server, name):
    width, height = VIEWPORTS[name]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    ask(page, live_server, "inner elbow pain when gripping")
    page.locator(".btn-callback").first.click()
    page.fill("#cb-name", "Dana")
    page.click(".callback-submit")
    page.locator("#callback-error").wait_for(timeout=10000)
    screenshot(page, f"callback-form-{name}")
    for selector in ("#cb-name", "#cb-phone", "#cb-email", "#cb-time", "#cb-message"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    for selector in (".callback-submit", ".callback-cancel", ".callback-consent label"):
        assert page.locator(selector).bounding_box()["height"] >= 44
    assert errors == []
    context.close()


def test_callback_form_shows_every_field_error_at_once_and_a_readable_reference(page, live_server):
    ask(page, live_server, "inner elbow pain when gripping")
    page.locator(".btn-callback").first.click()
    page.fill("#cb-phone", "12")
    page.fill("#cb-email", "not-an-address")
    with page.expect_response(lambda r: r.url.endswith("/api/callback")) as info:
        page.click(".callback-submit")
    assert info.value.status == 400
    error = page.locator("#callback-error")
    error.locator(".callback-error-line").nth(3).wait_for(timeout=10000)
    text = error.inner_text()
    for words in ("agree that the clinic", "your name", "phone number doesn't look right", "email address doesn't"):
        assert words in text
    for field in ("cb-consent", "cb-name", "cb-phone", "cb-email"):
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        described = page.get_attribute(f"#{field}", "aria-describedby")
        assert page.locator(f"#{described}").inner_text() in text
    assert page.evaluate("document.activeElement.id") == "cb-consent"  # the first problem
    screenshot(page, "callback-all-errors-desktop")

    page.fill("#cb-name", "Dana Tester")
    page.fill("#cb-phone", "424-555-0100")
    page.fill("#cb-email", "")
    page.check("#cb-consent")
    with page.expect_response(lambda r: r.url.endswith("/api/callback") and r.request.method == "POST") as sent:
        page.click(".callback-submit")
    assert sent.value.status == 201
    done = page.locator(".callback-done")
    done.wait_for(timeout=10000)
    assert re.search(r"Your reference: CB-\d{4,}\.", done.inner_text())
    assert page.errors == []
