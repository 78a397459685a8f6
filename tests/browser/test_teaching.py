"""Teach the bot in a real browser: a visitor's answer is marked wrong from the log, staff pick the right
section, and the next message meaning the same gets it first.

The server is this module's own (lessons change every later answer of a server). The teaching
page is checked with axe at 390, 820 and 1280 px; screenshots go to /tmp/shots-teaching/ and to
test-output/screenshots/teaching-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.models import Teaching
from tests.browser.conftest import own_staff_server, screenshot
from tests.browser.test_accessibility import axe_violations
from tests.staffkit import EMAIL, PASSWORD
from web import db

MESSAGE = "the front of my lower leg aches after every jog"
PARAPHRASE = "my lower leg hurts at the front when I jog"
TARGET_HEADING = "Shin Splints (Medial Tibial Stress Syndrome)"
GAP = "do you sell gift cards?"
SHOTS = Path("/tmp/shots-teaching")
WIDTHS = ((1280, 800), (820, 1180), (390, 844))


@pytest.fixture(scope="module")
def teach_server(tmp_path_factory, built_index_dir):
    """A server of its own with a staff account."""
    yield from own_staff_server(tmp_path_factory.mktemp("teaching"), built_index_dir)


def shot(page, name: str) -> None:
    """A screenshot into /tmp/shots-teaching and test-output/screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"teaching-{name}")


def ask(browser, server, message: str, name: str | None = None):
    """A visitor asks on the chat page; the cards' headings, best first."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "/")
    page.fill("#message", message)
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for(timeout=15000)
    headings = page.locator(".card .card-heading").all_inner_texts()
    if name:
        shot(page, name)
    context.close()
    return headings


def test_mark_wrong_pick_section_and_the_next_similar_message_gets_it(browser, teach_server):
    before = ask(browser, teach_server, MESSAGE)
    assert before and TARGET_HEADING not in before[0]
    assert TARGET_HEADING not in ask(browser, teach_server, PARAPHRASE)[0]
    teach_server.wait_for_log()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(teach_server.url + "/staff/log")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/log")
    shot(page, "log-1280")

    # Mark the answer wrong from the log: the teaching page opens with the visitor's message.
    row = page.locator("tr", has_text=MESSAGE).first
    row.get_by_role("link", name="Wrong answer? Teach").click()
    page.wait_for_url("**/staff/teaching**")
    assert page.locator("#message").input_value() == MESSAGE
    assert "The bot answers now" in page.inner_text("#correct")

    # Search the blog and pick the right section.
    page.fill("#q", "shin splints shockwave")
    page.get_by_role("button", name="Search sections").click()
    page.wait_for_url("**q=shin**")
    page.locator(".section-choice", has_text=TARGET_HEADING).first.locator("input[type=radio]").check()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"pick-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the teaching page scrolls sideways at {width} px"
        assert axe_violations(page) == [], f"axe at {width} px"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Answer messages like this with the chosen section").click()
    page.wait_for_url("**/staff/teaching#lessons")
    assert "Saved" in page.inner_text(".flash")
    lessons = page.locator("#lessons")
    assert MESSAGE in lessons.inner_text() and EMAIL in lessons.inner_text()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"list-{width}")
        assert axe_violations(page) == [], f"axe on the list at {width} px"

    # The next visitor who means the same gets the chosen section first.
    assert TARGET_HEADING in ask(browser, teach_server, PARAPHRASE, "chat-after-390")[0]
    with db.session_scope(teach_server.app) as session:
        [stored] = session.query(Teaching).all()
        assert stored.created_by == EMAIL and stored.source == "log" and stored.turn_id

    # Undo: recorded, and the bot answers as before.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Undo").first.click()
    page.wait_for_url("**/staff/teaching#lessons")
    assert "Undone" in page.inner_text("#lessons")
    assert TARGET_HEADING not in ask(browser, teach_server, PARAPHRASE)[0]

    # From the content gaps: a question the blog cannot answer opens the same page.
    response = page.request.post(teach_server.url + "/api/chat", data={"message": GAP})
    assert response.ok and not response.json()["matched"]
    teach_server.wait_for_log()
    page.goto(teach_server.url + "/staff/reports#gaps")
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#gaps").scroll_into_view_if_needed()
        shot(page, f"reports-gaps-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#gaps li", has_text=GAP).get_by_role("link", name="Teach").click()
    page.wait_for_url("**source=gaps**")
    assert page.locator("#message").input_value() == GAP
    assert errors == []
    context.close()
