"""The waiting-room kiosk in a real browser, at 10-inch tablet sizes in both orientations.

Each server here has its own instance folder with a staff PIN set beforehand, so
settings changed by one test never leak into another.
"""

from __future__ import annotations

import io
import json
import shutil
from urllib.parse import urlsplit

import pytest

from bot.kiosk_regions import compose_query, load_regions
from store import migrate
from store.engine import make_engine, scope_for
from store.kiosk import KioskStore
from tests.browser.conftest import LiveServer, screenshot

ORIENTATIONS = {"landscape": (1180, 820), "portrait": (820, 1180)}
PIN = "246800"
GOLFERS = "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
BOOKING = "https://www.victoryperformancept.com/contact"
IDLE_SECONDS = 3


def _server(tmp_path_factory, built_index_dir, name: str, env: dict | None = None) -> LiveServer:
    """A gunicorn server over its own instance folder, with the staff PIN set."""
    instance = tmp_path_factory.mktemp(name)
    shutil.copytree(built_index_dir, instance / "index")
    engine = make_engine(f"sqlite:///{instance / 'clinicbot.db'}")  # the server's default database
    migrate.upgrade(engine)
    KioskStore(scope_for(engine)).set_pin(PIN)
    engine.dispose()
    return LiveServer(instance, env={"CLINICBOT_SECRET_KEY": "browser-test-secret", **(env or {})}).start()


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory, built_index_dir):
    """Default settings (60 s idle): for the flows."""
    server = _server(tmp_path_factory, built_index_dir, "kiosk")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory, built_index_dir):
    """A configured idle time of a few seconds, so the warning comes quickly."""
    server = _server(tmp_path_factory, built_index_dir, "kiosk-idle",
                     env={"CLINICBOT_KIOSK_IDLE_SECONDS": str(IDLE_SECONDS)})
    yield server
    server.stop()


@pytest.fixture
def staff_server(tmp_path_factory, built_index_dir):
    """A server of its own: the staff test changes its settings."""
    server = _server(tmp_path_factory, built_index_dir, "kiosk-staff")
    yield server
    server.stop()


def tablet(browser, orientation: str = "landscape"):
    """A touch-enabled tablet context and page, with page errors and every request recorded."""
    width, height = ORIENTATIONS[orientation]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                                  device_scale_factor=1)
    page = context.new_page()
    page.errors, page.requests, page.responses = [], [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: page.requests.append(request))
    page.on("response", lambda response: page.responses.append(response))
    return context, page


def decode_qr(page) -> str:
    """Decode the QR code exactly as the tablet shows it: a screenshot of the image, read by zxing-cpp."""
    import zxingcpp
    from PIL import Image

    png = page.locator("#k-qr-img").screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, "exactly one readable QR code on screen"
    return results[0].text


def tap_path(page, region_id: str, answers: list[int | None]) -> None:
    """Tap a region, then each follow-up answer (None = "Not sure / skip")."""
    page.locator(f"[data-region='{region_id}']").click()
    for choice in answers:
        page.locator(f"#k-options [data-option='{'skip' if choice is None else choice}']").click()


def small_targets(page) -> list[str]:
    """Visible buttons and inputs smaller than 48 x 48 CSS pixels (a checkbox counts with its label)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('button, input, textarea'))
        .filter(el => el.offsetParent !== null)
        .map(el => [el.id || el.value || el.textContent.trim(),
                    (el.type === 'checkbox' && el.closest('label') ? el.closest('label') : el).getBoundingClientRect()])
        .filter(([, r]) => r.width < 48 || r.height < 48)
        .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)""")


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_kiosk_whole_session_region_flow_qr_and_same_origin_only(browser, kiosk_server, orientation):
    context, page = tablet(browser, orientation)
    page.goto(kiosk_server.url + "/kiosk")
    history_at_load = page.evaluate("history.length")
    assert page.locator("#k-start-title").inner_text() == "Where does it hurt?"
    assert page.locator(".k-region").count() == 14
    assert small_targets(page) == []
    screenshot(page, f"kiosk-{orientation}-start")

    with page.expect_response("**/api/chat") as answered:
        tap_path(page, "elbow", [0, 0])
    request_body = json.loads(answered.value.request.post_data)
    elbow = next(r for r in load_regions() if r.id == "elbow")
    assert request_body == {"message": compose_query(elbow, [0, 0]), "channel": "kiosk"}  # no conversation id
    answer = answered.value.json()
    page.locator(".k-card").first.wait_for(timeout=10000)
    assert page.locator(".k-card").first.get_attribute("data-post-slug") == GOLFERS
    assert "golfer" in page.locator(".k-card-post").first.inner_text().lower()
    assert page.locator("#k-notice").is_visible()
    assert small_targets(page) == []
    screenshot(page, f"kiosk-{orientation}-answer")

    page.locator(".k-card-qr").first.click()
    page.locator("#k-qr").wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('k-qr-img').complete "
                           "&& document.getElementById('k-qr-img').naturalWidth > 0")
    assert decode_qr(page) == answer["results"][0]["section_url"]
    box = page.locator("#k-qr-img").bounding_box()
    assert box["width"] >= 340 and box["height"] >= 340  # about 9 cm on a 10-inch screen
    screenshot(page, f"kiosk-{orientation}-qr")
    assert page.evaluate("document.getElementById('k-app').inert")  # the page behind cannot be tapped
    page.locator("#k-qr-close").click()
    assert not page.evaluate("document.getElementById('k-app').inert")

    page.locator("#k-book").click()
    page.wait_for_function("() => document.getElementById('k-qr-img').naturalWidth > 0")
    assert decode_qr(page) == BOOKING
    page.locator("#k-qr-close").click()

    page.locator("#k-back").click()  # in-app back: the second question again
    assert page.locator("#k-question-text").inner_text() == "What makes it worse?"
    page.locator("#k-restart").click()
    page.locator("#k-type").click()
    page.locator("#k-text").fill("outer knee pain on long downhill runs")
    page.locator("#k-send").click()
    page.locator(".k-card").first.wait_for(timeout=10000)

    assert page.url == kiosk_server.url + "/kiosk"  # never navigated, nothing in the URL
    assert page.evaluate("history.length") == history_at_load  # no history entries to go back through
    assert page.locator("a[href]").count() == 0
    origin = kiosk_server.url
    foreign = [r.url for r in page.requests if not (r.url.startswith(origin + "/") or r.url.startswith("data:"))]
    assert foreign == []
    assert all("set-cookie" not in r.headers for r in page.responses)
    assert page.errors == []
    context.close()


def type_on_kiosk(browser, server, text: str):
    """A portrait tablet on the kiosk that has typed ``text`` and sent it with Enter: (context, page)."""
    context, page = tablet(browser, "portrait")
    page.goto(server.url + "/kiosk")
    page.locator("#k-type").click()
    page.locator("#k-text").fill(text)
    page.locator("#k-text").press("Enter")
    return context, page


def test_kiosk_free_text_red_flag_gets_emergency_guidance_only(browser, kiosk_server):
    context, page = type_on_kiosk(browser, kiosk_server, "crushing chest pain and short of breath")
    alert = page.locator(".k-emergency")
    alert.wait_for(timeout=10000)
    assert "911" in alert.inner_text() and "front desk" in alert.inner_text()
    assert page.locator(".k-card").count() == 0 and page.locator("#k-book").count() == 0
    screenshot(page, "kiosk-portrait-emergency")
    assert page.errors == []
    context.close()


def test_kiosk_free_text_pain_with_nowhere_named_leads_to_the_body_areas(browser, kiosk_server):
    context, page = type_on_kiosk(browser, kiosk_server, "it hurts")
    areas = page.locator("#k-areas")
    areas.wait_for(timeout=10000)
    assert "Where do you feel it?" in page.locator("#k-answer-body, .k-reply-question").first.inner_text()
    assert page.locator(".k-card").count() == 0 and page.locator("#k-again").count() == 0  # offered once
    screenshot(page, "kiosk-portrait-where")
    areas.click()
    page.locator(".k-region").first.wait_for(timeout=10000)
    assert page.locator(".k-region").count() >= 3
    assert small_targets(page) == []
    assert page.errors == []
    context.close()


def test_kiosk_idle_warning_and_still_here_keeps_the_session(browser, idle_server):
    context, page = tablet(browser, "landscape")
    page.goto(idle_server.url + "/kiosk")
    tap_path(page, "elbow", [0, 0])
    page.locator(".k-card").first.wait_for(timeout=10000)
    page.locator("#k-idle").wait_for(state="visible", timeout=(IDLE_SECONDS + 5) * 1000)
    assert int(page.locator("#k-countdown").inner_text()) >= 19  # a countdown of 20 s
    assert page.locator("#k-still-here").bounding_box()["height"] >= 96
    screenshot(page, "kiosk-landscape-idle-warning")
    page.wait_for_timeout(1500)
    assert page.locator("#k-idle").is_visible(), "taps elsewhere or time do not dismiss it early"
    page.locator("#k-still-here").click()
    assert page.locator("#k-idle").is_hidden()
    assert page.locator(".k-card").first.get_attribute("data-post-slug") == GOLFERS
    assert page.errors == []
    context.close()


def test_kiosk_idle_reset_leaves_nothing_behind(browser, idle_server):
    context, page = tablet(browser, "portrait")
    page.goto(idle_server.url + "/kiosk")
    history_at_load = page.evaluate("history.length")
    chat_bodies = []
    page.on("request", lambda r: chat_bodies.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    tap_path(page, "elbow", [0, 0])
    page.locator(".k-card").first.wait_for(timeout=10000)
    page.locator(".k-card-qr").first.click()
    page.locator("#k-qr").wait_for(state="visible")
    # whatever a script or extension might have left on the origin must go too
    page.evaluate("""() => { localStorage.setItem('left', 'x'); sessionStorage.setItem('left', 'x');
                             document.cookie = 'left=x; path=/'; }""")
    page.locator("#k-idle").wait_for(state="visible", timeout=(IDLE_SECONDS + 5) * 1000)
    page.locator("#k-start").wait_for(state="visible", timeout=30000)

    text = page.locator("body").inner_text().lower()
    assert "golfer" not in text and "elbow ·" not in text
    assert page.locator(".k-card").count() == 0
    assert page.evaluate("document.getElementById('k-answer-body').childNodes.length") == 0
    assert page.evaluate("document.getElementById('k-options').childNodes.length") == 0
    assert page.locator("#k-text").input_value() == ""
    assert page.locator("#k-qr-img").get_attribute("src") is None
    assert page.locator("#k-qr, #k-idle, #k-pin, #k-settings").evaluate_all(
        "els => els.every(el => el.hidden)")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert page.evaluate("history.length") == history_at_load and page.evaluate("history.state") is None
    assert page.url == idle_server.url + "/kiosk"
    # the server kept no conversation: the kiosk never sent an id and was never given a cookie
    assert chat_bodies and all("conversation_id" not in b and "context" not in b for b in chat_bodies)
    page.go_back()  # leaves the kiosk for the blank page it was opened from
    assert page.url == "about:blank"
    page.go_forward()  # and coming back, from the back/forward cache or not, shows the start screen
    page.locator("#k-start").wait_for(state="visible")
    assert "golfer" not in page.locator("body").inner_text().lower()
    assert page.locator(".k-card").count() == 0
    screenshot(page, "kiosk-portrait-after-reset")
    assert page.errors == []
    context.close()


def test_kiosk_staff_settings_behind_pin_change_the_start_screen(browser, staff_server):
    context, page = tablet(browser, "landscape")
    page.goto(staff_server.url + "/kiosk")
    history_at_load = page.evaluate("history.length")
    page.locator("#k-staff").click()
    for digit in "1111":
        page.locator(f"#k-keypad [data-digit='{digit}']").click()
    page.locator("#k-pin-ok").click()
    page.locator("#k-pin-error").wait_for(state="visible")
    assert "Wrong PIN" in page.locator("#k-pin-error").inner_text()
    for digit in PIN:
        page.locator(f"#k-keypad [data-digit='{digit}']").click()
    page.locator("#k-pin-ok").click()
    page.locator("#k-settings").wait_for(state="visible")
    assert small_targets(page) == []
    screenshot(page, "kiosk-landscape-staff-settings")
    page.locator("#k-set-idle").fill("120")
    for region_id in ("neck", "upper_back"):
        page.locator(f"#k-set-regions input[value='{region_id}']").uncheck()
    page.locator("#k-set-message").fill("Ask us about <b>shockwave</b> therapy")
    page.locator("#k-settings-save").click()
    page.locator("#k-settings").wait_for(state="hidden")
    assert page.locator("#k-clinic-message").inner_text() == "Ask us about <b>shockwave</b> therapy"
    assert page.locator(".k-region").count() == 12
    assert page.locator("[data-region='neck']").count() == 0
    assert page.evaluate("history.length") == history_at_load
    context.close()
    # a fresh page (another tablet) gets the saved settings from the server
    context, page = tablet(browser, "portrait")
    page.goto(staff_server.url + "/kiosk")
    assert page.locator(".k-region").count() == 12
    config = json.loads(page.locator("#kiosk-config").text_content())
    assert config["idleSeconds"] == 120
    context.close()


def test_kiosk_reset_is_not_undone_by_the_back_forward_cache(browser, kiosk_server):
    context, page = tablet(browser, "landscape")
    page.goto(kiosk_server.url + "/kiosk")
    with page.expect_request("**/api/chat") as asked:
        tap_path(page, "knee", [1, None])
    knee = next(r for r in load_regions() if r.id == "knee")
    assert json.loads(asked.value.post_data)["message"] == compose_query(knee, [1, None])  # "Not sure" adds nothing
    page.locator(".k-card").first.wait_for(timeout=10000)
    page.goto("about:blank")
    page.go_back()
    page.locator("#k-start").wait_for(state="visible")
    assert page.locator(".k-card").count() == 0
    assert urlsplit(page.url).path == "/kiosk"
    context.close()
