"""Red-flag answers on the chat page: crisis numbers and urgent care-first answers."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

VIEWPORTS = {"desktop": (1280, 800), "tablet": (820, 1180), "phone": (390, 844)}


def _ask(browser, live_server, viewport, message):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    page.fill("#message", message)
    page.keyboard.press("Enter")
    return context, page, errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_triage_page_self_harm_offers_crisis_and_emergency_numbers(browser, live_server, viewport):
    context, page, errors = _ask(browser, live_server, viewport, "I've been thinking about ending my life")
    alert = page.locator(".triage-emergency")
    alert.wait_for(timeout=10000)
    assert "988" in alert.inner_text()
    hrefs = [a.get_attribute("href") for a in alert.locator("a.btn-emergency").all()]
    assert hrefs == ["tel:988", "sms:988", "tel:911"]  # the crisis line takes calls and texts
    assert page.locator(".card").count() == 0
    assert page.locator(".answer-notice").last.is_visible()
    screenshot(page, f"triage-crisis-{viewport}")
    assert errors == []
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_triage_page_urgent_shows_care_once_and_no_articles(browser, live_server, viewport):
    context, page, errors = _ask(browser, live_server, viewport,
                                 "my calf is swollen and red since my long flight, I also get shin splints")
    alert = page.locator(".triage-urgent")
    alert.wait_for(timeout=10000)
    page.locator(".btn-cta").first.wait_for(timeout=10000)
    bubble_text = page.locator(".bubble-wide").last.inner_text()
    assert bubble_text.count("Please get checked by a doctor today") == 1
    assert page.locator(".card").count() == 0
    assert "shin" not in bubble_text.lower()
    screenshot(page, f"triage-urgent-{viewport}")
    assert errors == []
    context.close()
