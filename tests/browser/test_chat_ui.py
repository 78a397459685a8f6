"""The shared chat UI (static/chat.js) on the full page: what it sends and what it keeps."""

from __future__ import annotations

import json


def test_chat_ui_full_page_keeps_conversation_for_the_visit_and_start_over_clears_it(page, live_server):
    sent = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    page.goto(live_server.url + "/")
    page.fill("#message", "inner elbow pain when gripping")
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for(timeout=10000)
    assert sent[-1]["channel"] == "web"
    assert "context" not in sent[-1]  # nothing to send back until an answer carries one
    page.reload()
    page.locator(".card").first.wait_for(timeout=10000)
    assert page.locator(".msg-user").inner_text() == "inner elbow pain when gripping"
    assert page.locator("#starters").is_hidden()
    page.get_by_role("button", name="Start over").click()
    assert page.locator(".card").count() == 0
    page.reload()
    page.locator("#starters").wait_for()
    assert page.locator(".msg-user").count() == 0
    assert page.errors == []


def test_chat_ui_new_tab_starts_a_new_conversation(browser, live_server):
    """sessionStorage is per tab: another tab (or a closed and reopened one) starts empty."""
    context = browser.new_context()
    first = context.new_page()
    first.goto(live_server.url + "/")
    first.fill("#message", "my shins ache since I started running more")
    first.keyboard.press("Enter")
    first.locator(".card").first.wait_for(timeout=10000)
    second = context.new_page()
    second.goto(live_server.url + "/")
    second.locator("#starters").wait_for()
    assert second.locator(".msg-user").count() == 0
    context.close()


def test_chat_ui_spanish_answer_says_each_article_is_in_english(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#message", "me duele el codo por dentro cuando cargo las bolsas")
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for(timeout=10000)
    notes = page.locator(".card .card-lang")
    assert notes.count() == page.locator(".card").count()
    assert notes.first.inner_text() == "artículo en inglés"
    assert notes.first.get_attribute("lang") == "es"
    page.get_by_role("button", name="Start over").click()
    page.fill("#message", "inner elbow pain when gripping")
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for(timeout=10000)
    assert page.locator(".card-lang").count() == 0
    assert page.errors == []
