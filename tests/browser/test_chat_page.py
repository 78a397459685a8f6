"""The full-page chat in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

VIEWPORTS = {"desktop": (1280, 800), "tablet": (820, 1180), "phone": (390, 844)}


@pytest.mark.parametrize("name", VIEWPORTS)
def test_chat_page_answers_complaint_with_cards_cta_and_notice(browser, live_server, name):
    width, height = VIEWPORTS[name]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    assert page.locator("#notice").is_visible()
    page.fill("#message", "inner elbow pain when gripping")
    page.keyboard.press("Enter")
    card = page.locator(".card").first
    card.wait_for(timeout=10000)
    assert "golfer" in card.locator(".card-post").text_content().lower()
    assert page.locator(".btn-cta").first.get_attribute("href") == "https://www.victoryperformancept.com/contact"
    # The notice is the footer's, in view, not printed again under the answer.
    assert page.locator("#notice").is_visible() and page.locator(".answer-notice").count() == 0
    screenshot(page, f"chat-{name}")
    assert errors == []
    context.close()


def test_chat_page_emergency_shows_alert_and_no_cards(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#message", "crushing chest pain and short of breath")
    page.keyboard.press("Enter")
    alert = page.locator(".triage-emergency")
    alert.wait_for(timeout=10000)
    assert "911" in alert.inner_text()
    assert page.locator(".card").count() == 0
    screenshot(page, "chat-emergency")


def test_chat_page_follow_up_option_is_answered_in_context(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#message", "elbow pain")
    page.keyboard.press("Enter")
    option = page.locator(".followup .quick", has_text="outside")
    option.wait_for(timeout=10000)
    screenshot(page, "chat-follow-up")
    option.click()
    page.locator(".bubble-wide").nth(1).wait_for(timeout=10000)
    second = page.locator(".bubble-wide").nth(1)
    assert "tennis" in second.locator(".card-post").first.text_content().lower()
    assert page.locator(".followup").count() == 1
