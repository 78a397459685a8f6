"""Conversation memory in a real browser: the chat page's follow-up is answered for the earlier complaint,
and "Start over" makes the server forget it."""

from __future__ import annotations

from tests.browser.conftest import screenshot

ELBOW = "pain on the inside of my elbow when I grip things"
FOLLOW_UP = "what exercises can I do for it?"


def send(page, message: str, nth: int):
    """Type a message; the post titles (lowercase) of the nth answer's cards."""
    page.fill("#message", message)
    page.keyboard.press("Enter")
    answer = page.locator(".bubble-wide").nth(nth)
    answer.locator(".card").first.wait_for(timeout=15000)
    return [card.locator(".card-post").text_content().lower() for card in answer.locator(".card").all()]


def test_follow_up_stays_on_the_elbow_and_start_over_forgets(page, live_server):
    page.goto(live_server.url + "/")
    send(page, ELBOW, 0)
    cards = send(page, FOLLOW_UP, 1)
    assert cards and all("elbow" in c for c in cards), cards
    screenshot(page, "chat-memory-follow-up")
    with page.expect_request(lambda r: r.method == "DELETE" and "/api/conversations/" in r.url) as forgotten:
        page.locator("#restart").click()
    assert forgotten.value.response().status == 204
    cards = send(page, FOLLOW_UP, 0)
    assert not all("elbow" in c for c in cards), cards
    assert page.errors == []
