"""Answer cards on the chat page, the widget frame and the kiosk: why each was chosen, one per post, few marks,
a clarifying question before any card for a message that names nothing, the notice once, the wait announced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot

VIEWPORTS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1280, 800)}
COMPLAINT = "pain on the inside of my elbow when I grip things"
VAGUE = "I'm in so much pain"
GOLFERS = "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
#: Where the screenshots of this file are also copied for review.
SHOTS = Path("/tmp/shots-cards")
#: Records every text the status region shows, so a test can tell the wait was announced.
WATCH_STATUS = """(selector) => {
  window.__statusTexts = [];
  const node = document.querySelector(selector);
  new MutationObserver(() => window.__statusTexts.push(node.textContent))
    .observe(node, {childList: true, characterData: true, subtree: true});
}"""


def shot(page, name: str) -> None:
    """Screenshot into test-output/screenshots and a copy under /tmp/shots-cards."""
    path = screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def sized_page(browser, name):
    """A page of a viewport name, with page errors collected."""
    width, height = VIEWPORTS[name]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


def check_cards(page, card: str, reason: str, post_attr: str | None = None) -> list[str]:
    """The cards of the last answer: each says why, has at most 4 marks; returns their reasons."""
    cards = page.locator(card).all()
    assert cards
    reasons = []
    for one in cards:
        why = one.locator(reason)
        assert why.count() == 1
        reasons.append(why.inner_text())
        assert one.locator("mark").count() <= 4
    if post_attr:
        slugs = [one.get_attribute(post_attr) for one in cards]
        assert len(slugs) == len(set(slugs))  # one card per post
    return reasons


@pytest.mark.parametrize("name", VIEWPORTS)
@pytest.mark.parametrize("path", ["/", "/widget/frame"])
def test_chat_cards_say_why_group_posts_and_leave_the_notice_to_the_footer(browser, live_server, name, path):
    context, page = sized_page(browser, name)
    page.goto(live_server.url + path)
    page.evaluate(WATCH_STATUS, "#typing")
    assert page.locator("#typing").get_attribute("role") == "status"
    page.fill("#message", COMPLAINT)
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for(timeout=15000)
    reasons = check_cards(page, ".msg-answer .card", ".card-reason")
    assert reasons[0].startswith("Matched: ") and "inside of the elbow" in reasons[0]
    first = page.locator(".card").first
    assert "golfer" in first.locator(".card-post").inner_text().lower()
    # The post's other matching sections are links on its one card, not cards of their own.
    assert first.locator(".card-more-link").count() >= 1
    posts = page.locator(".card-post").all_inner_texts()
    assert len(posts) == len(set(posts))
    # The notice is in the footer, in view, and not repeated under the answer.
    assert page.locator("#notice").is_visible()
    assert page.locator(".msg-answer .answer-notice").count() == 0
    assert "Looking through our articles…" in page.evaluate("window.__statusTexts")
    assert page.locator("#typing").inner_text() == ""
    shot(page, f"cards-{'widget' if 'widget' in path else 'chat'}-{name}")
    assert page.errors == []
    context.close()


@pytest.mark.parametrize("path", ["/", "/widget/frame"])
def test_chat_vague_message_gets_options_before_any_card_and_an_option_is_answered(page, live_server, path):
    page.goto(live_server.url + path)
    page.fill("#message", VAGUE)
    page.keyboard.press("Enter")
    option = page.locator(".followup .quick", has_text="Elbow")
    option.wait_for(timeout=15000)
    assert page.locator(".card").count() == 0
    shot(page, f"cards-clarify-{'widget' if 'widget' in path else 'chat'}")
    option.click()
    page.locator(".card").first.wait_for(timeout=15000)
    assert "elbow" in page.locator(".msg-answer").last.inner_text().lower()


def test_chat_emergency_keeps_one_line_that_it_is_not_a_diagnosis(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#message", "crushing chest pain and short of breath")
    page.keyboard.press("Enter")
    page.locator(".triage-emergency").wait_for(timeout=15000)
    notices = page.locator(".msg-emergency .answer-notice")
    assert notices.count() == 1 and "not a diagnosis" in notices.inner_text()


def type_on_kiosk(page, kiosk_url: str, text: str) -> None:
    """Type a message on the kiosk and send it."""
    page.goto(kiosk_url)
    page.locator("#k-type").click()
    page.locator("#k-text").fill(text)
    page.locator("#k-send").click()


@pytest.mark.parametrize("name", VIEWPORTS)
def test_kiosk_cards_say_why_and_hand_other_sections_to_the_phone(browser, live_server, name):
    context, page = sized_page(browser, name)
    page.goto(live_server.url + "/kiosk")
    page.evaluate(WATCH_STATUS, "#k-status")
    assert page.locator("#k-status").get_attribute("role") == "status"
    page.locator("#k-type").click()
    page.locator("#k-text").fill(COMPLAINT)
    page.locator("#k-send").click()
    page.locator(".k-card").first.wait_for(timeout=15000)
    reasons = check_cards(page, ".k-card", ".k-card-reason", "data-post-slug")
    assert reasons[0].startswith("Matched: ")
    first = page.locator(".k-card").first
    assert first.get_attribute("data-post-slug") == GOLFERS
    assert "Finding the right articles…" in page.evaluate("window.__statusTexts")
    shot(page, f"cards-kiosk-{name}")
    more = first.locator(".k-card-more-qr")
    assert more.count() >= 1
    more.first.click()
    page.locator("#k-qr-img[src]").wait_for(timeout=10000)
    assert page.errors == []
    context.close()


def test_kiosk_vague_message_gets_tappable_options_answered_in_context(page, live_server):
    type_on_kiosk(page, live_server.url + "/kiosk", VAGUE)
    option = page.locator(".k-followup .k-option", has_text="Elbow")
    option.wait_for(timeout=15000)
    assert page.locator(".k-card").count() == 0
    shot(page, "cards-kiosk-clarify")
    option.click()
    page.locator(".k-card").first.wait_for(timeout=15000)
    assert "elbow" in page.locator(".k-card-post").first.inner_text().lower()
