"""The front desk as an inbox, in Debian's Chromium: assign, note, outcome and paging of call-backs; the log
as cards at tablet width; a Spanish inquiry's draft; axe-core on each of these page states.

Screenshots of every state at 390, 820 and 1280 px go to /tmp/shots-desk/ (and test-output/screenshots/).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations
from tests.staffkit import EMAIL, PASSWORD

SHOTS = Path("/tmp/shots-desk")
WIDTHS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1280, 900)}
#: The box of a cell's text itself (a table cell is as tall as its row).
TEXT_BOX = """cell => { const range = document.createRange(); range.selectNodeContents(cell);
    const box = range.getBoundingClientRect(); return {width: box.width, height: box.height}; }"""
SPANISH = "Hola, me duele la rodilla cuando bajo las escaleras desde hace un mes. ¿Aceptan seguro? Soy Lucía"


def shot(page, name: str, full_page: bool = True) -> None:
    """A screenshot (full page, or what is in view) in test-output/screenshots and a copy in /tmp/shots-desk."""
    path = screenshot(page, name)
    if full_page:
        page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def no_axe_violations(page, state: str) -> None:
    """axe-core (WCAG 2.1 A/AA) finds nothing on this state."""
    violations = axe_violations(page)
    assert violations == [], f"{state}:\n" + "\n".join(violations)


def queue(server, names, minutes_ago=30, **fields) -> list[int]:
    """Requests stored straight in the live server's database (oldest first); their ids."""
    from store import callbacks
    from store.models import utcnow
    from tests.appkit import make_app
    from web import db

    app = make_app({"INSTANCE_PATH": str(server.instance), "LOAD_INDEX_AT_START": False,
                    "SECRET_KEY": "browser-test-secret"})
    ids = []
    with db.session_scope(app) as session:
        for n, name in enumerate(names):
            callback = callbacks.create(session, channel="widget", conversation_id=None, name=name,
                                        phone="(424) 555-0188", email=None, preferred_time="mornings", consent=True,
                                        words="my shin hurts when I run", region="shin",
                                        now=utcnow() - timedelta(minutes=minutes_ago + len(names) - n), **fields)
            session.flush()
            ids.append(callback.id)
    return ids


def context_page(browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("console", lambda msg: page.problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return context, page


def log_in(page, server):
    page.goto(server.url + "/staff/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff/")


def test_inbox_assign_note_outcome_and_paging(browser, staff_server):
    [target] = queue(staff_server, ["Inbox Target Person"], minutes_ago=60 * 24 * 3)
    queue(staff_server, [f"Inbox Flood {n}" for n in range(55)], minutes_ago=5)
    context, page = context_page(browser, WIDTHS["desktop"])
    log_in(page, staff_server)
    page.goto(staff_server.url + "/staff/callbacks")
    badge = int(page.locator(".nav .badge").inner_text())
    assert f"Waiting ({badge})" in page.locator("h2.view-title").inner_text()  # the badge is the list's count
    card = page.locator(f"#cb-{target}")
    assert "Waiting 3 days" in card.locator(".wait").inner_text()
    assert "PST" in card.locator("time").first.inner_text() or "PDT" in card.locator("time").first.inner_text()

    card.get_by_role("button", name="Assign to me").click()
    page.wait_for_load_state()
    card = page.locator(f"#cb-{target}")
    assert card.locator(".owner").inner_text() == EMAIL
    card.locator("textarea[name=note]").last.fill("Caller (Bob, 67) asked for Maria Gomez; ring 424-555-0101")
    card.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()
    card = page.locator(f"#cb-{target}")
    history = card.locator(".history-list").inner_text()
    assert "Caller ([name], 67) asked for [name]; ring [phone]" in history and "Bob" not in history
    card.get_by_label("No answer").check()
    card.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state()
    card = page.locator(f"#cb-{target}")
    assert card.locator(".outcome").inner_text() == "No answer"
    card.scroll_into_view_if_needed()
    shot(page, "desk-inbox-history-1280", full_page=False)
    no_axe_violations(page, "call-backs with history")

    page.goto(staff_server.url + "/staff/callbacks?view=mine")
    assert page.locator(f"#cb-{target}").count() == 1
    card = page.locator(f"#cb-{target}")
    card.get_by_label("Booked").check()
    card.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state()
    assert page.locator(f"#cb-{target}").count() == 0
    assert int(page.locator(".nav .badge").inner_text()) == badge - 1
    page.goto(staff_server.url + "/staff/callbacks?view=done")
    done = page.locator(f"#cb-{target}")
    assert done.locator(".outcome").inner_text().startswith("Booked")
    done.locator(".history summary").click()
    assert "Booked" in done.inner_text() and "No answer" in done.inner_text() and EMAIL in done.inner_text()
    no_axe_violations(page, "call-backs done view")

    page.goto(staff_server.url + "/staff/callbacks?sort=newest")
    assert "Inbox Flood 54" in page.locator(".cards").inner_text()
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    assert "sort=newest" in page.url and "Showing 51–" in page.locator(".paging").inner_text()
    assert "Inbox Flood 54" not in page.locator(".cards").inner_text()
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_inbox_and_log_at_every_width(browser, staff_server, width):
    [mine] = queue(staff_server, [f"Width {width} Caller"], minutes_ago=0)  # the newest: first with sort=newest
    for message, channel in (("crushing chest pain spreading to my left arm and I'm sweating", "kiosk"),
                             ("me duele la rodilla cuando bajo las escaleras", "widget"),
                             ("Channel test: shin splints after running on pavement", "web")):
        context, page = context_page(browser, WIDTHS[width])
        assert page.request.post(staff_server.url + "/api/chat",
                                 data={"message": message, "channel": channel}).status == 200
        context.close()
    staff_server.wait_for_log()
    context, page = context_page(browser, WIDTHS[width])
    log_in(page, staff_server)
    page.goto(staff_server.url + "/staff/callbacks")
    shot(page, f"desk-inbox-top-{WIDTHS[width][0]}", full_page=False)
    page.goto(staff_server.url + "/staff/callbacks?sort=newest")
    page.locator(f"#cb-{mine}").scroll_into_view_if_needed()
    shot(page, f"desk-inbox-{WIDTHS[width][0]}", full_page=False)
    no_axe_violations(page, f"call-backs at {width}")

    page.goto(staff_server.url + "/staff/log")
    row = page.locator("tr.log-row", has_text="me duele la rodilla").first
    row.wait_for()
    assert "Spanish" in row.locator(".log-lang").inner_text() or "ES" in row.locator(".log-lang").inner_text()
    emergency = page.locator("tr.log-row.level-row-emergency").first
    assert "Cardiac" in emergency.locator(".log-flags").inner_text()
    display = row.evaluate("r => getComputedStyle(r).display")
    assert display == ("table-row" if width == "desktop" else "grid")  # cards below 900 px
    # No column squeezed to a letter a line: every short cell fits on one or two lines.
    for cell in (".log-channel", ".log-lang", ".log-region", ".log-time"):
        box = row.locator(cell).evaluate(TEXT_BOX)
        assert box["width"] >= 20 and box["height"] <= 48, (cell, box)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(page, f"desk-log-{WIDTHS[width][0]}")
    no_axe_violations(page, f"log at {width}")
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_desk_spanish_draft_is_editable_and_copies_what_staff_wrote(browser, staff_server, width):
    context, page = context_page(browser, WIDTHS[width])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=staff_server.url)
    log_in(page, staff_server)
    page.fill("#inquiry", SPANISH)
    page.click("text=Read it for me")
    page.locator("#draft-text").wait_for()
    draft = page.locator("#draft-text").input_value()
    assert draft.startswith("Hola, Lucía:") and "artículo en inglés" in draft and "#:~:text=" not in draft
    assert page.locator(".inquiry-lang").inner_text().startswith("Spanish")
    shot(page, f"desk-spanish-draft-{WIDTHS[width][0]}")
    no_axe_violations(page, f"desk Spanish draft at {width}")
    edited = draft.replace("Hola, Lucía:", "Hola, Lucía, gracias por llamar:")
    page.fill("#draft-text", edited)
    assert "gracias por llamar" in page.locator("#draft-html").inner_text()  # the email version follows
    assert page.locator("#draft-html a[href^='https://www.victoryperformancept.com/blog/']").count() >= 1
    page.click("button.copy[data-copy-html]")
    page.locator(".copy-status", has_text="Copied").first.wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == edited
    assert page.problems == []
    context.close()
