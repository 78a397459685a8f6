"""Emergency and crisis answers on every surface: the action first, visible without scrolling (issue 14).

Chat page, widget frame and kiosk red screen at a small phone (320x568), a
phone (390) and a desktop (1280): the title names the action, the first
tel: button is inside the viewport before any scrolling, the answer is a
role=alert, no article cards, and one "not a diagnosis" line instead of
the blog notice. Screenshots go to test-output/screenshots.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

VIEWPORTS = {"320": (320, 568), "390": (390, 844), "1280": (1280, 800)}
MESSAGES = {
    "emergency": ("crushing chest pain spreading to my jaw and I'm sweaty", "Call 911 now", "tel:911"),
    "crisis": ("I have been saving up my pills and I plan to take them all tonight", "Call or text 988 now",
               "tel:988"),
    "spanish": ("me duele mucho el pecho y estoy sudando frio", "Llame al 911 ahora", "tel:911"),
}
SURFACES = {"chat": "/", "widget": "/widget/frame"}


def _open(browser, url, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    return context, page


def _in_viewport(page, locator) -> bool:
    """Inside the viewport and on top at its centre (not under a fixed footer or composer)."""
    box = locator.bounding_box()
    size = page.viewport_size
    inside = box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    return inside and locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return el === top || el.contains(top); }")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("case", MESSAGES)
def test_chat_surfaces_lead_with_the_call_button(browser, live_server, surface, case, viewport):
    message, title, first_href = MESSAGES[case]
    context, page = _open(browser, live_server.url + SURFACES[surface], viewport)
    page.fill("#message", message)
    page.keyboard.press("Enter")
    alert = page.locator(".msg-emergency .triage[role=alert]").last
    alert.wait_for(timeout=15000)
    assert alert.locator(".triage-title strong").inner_text() == title
    first = alert.locator("a.btn-emergency").first
    assert first.get_attribute("href") == first_href
    assert _in_viewport(page, first), f"call button not visible without scrolling at {viewport}"
    # The button comes before the words: title, actions, then why.
    order = alert.evaluate("el => Array.from(el.children).map(c => c.className)")
    assert order[:3] == ["triage-title", "triage-actions", "triage-text"]
    assert page.locator(".card").count() == 0
    notice = page.locator(".msg-emergency .answer-notice").last.inner_text()
    assert "not a diagnosis" in notice or "no es un diagnóstico" in notice
    assert "blog" not in notice
    if case == "crisis":
        hrefs = [a.get_attribute("href") for a in alert.locator("a.btn-emergency").all()]
        assert hrefs == ["tel:988", "sms:988", "tel:911"]
    screenshot(page, f"safety-{surface}-{case}-{viewport}")
    assert page.errors == []
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("case", ["emergency", "crisis"])
def test_kiosk_red_screen_leads_with_the_call_button(browser, live_server, case, viewport):
    message, title, first_href = MESSAGES[case]
    context, page = _open(browser, live_server.url + "/kiosk", viewport)
    page.locator("#k-type").click()
    page.locator("#k-text").fill(message)
    page.locator("#k-text").press("Enter")
    alert = page.locator(".k-emergency[role=alert]")
    alert.wait_for(timeout=15000)
    assert page.locator("#k-answer-title, .k-answer h1").first.inner_text() == title
    first = alert.locator("a.k-emergency-call").first
    assert first.get_attribute("href") == first_href
    assert _in_viewport(page, first), f"kiosk call button not visible without scrolling at {viewport}"
    assert "front desk" in alert.inner_text()
    assert page.locator(".k-card").count() == 0
    screenshot(page, f"safety-kiosk-{case}-{viewport}")
    assert page.errors == []
    context.close()


def test_chat_urgent_crisis_leads_with_the_line_and_offers_no_call_back(browser, live_server):
    context, page = _open(browser, live_server.url + "/", "320")
    page.fill("#message", "sometimes I wish I could go to sleep and not wake up")
    page.keyboard.press("Enter")
    alert = page.locator(".msg-emergency .triage-urgent[role=alert]").last
    alert.wait_for(timeout=15000)
    assert alert.locator(".triage-title strong").inner_text() == "Call or text 988 today"
    hrefs = [a.get_attribute("href") for a in alert.locator("a.btn-emergency").all()]
    assert hrefs == ["tel:988", "sms:988", "tel:911"]
    assert _in_viewport(page, alert.locator("a.btn-emergency").first)
    assert page.locator(".btn-callback").count() == 0 and page.locator(".btn-cta").count() == 0
    screenshot(page, "safety-chat-crisis-urgent-320")
    assert page.errors == []
    context.close()
