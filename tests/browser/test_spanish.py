"""Every visitor surface in Spanish, in Debian's Chromium: by Accept-Language and by the visible switch.

Chat page, call-back form, widget (data-lang on the script tag, and the switch inside the frame),
kiosk (its language button, undone at the next reset) and an error page; axe-core checks the
Spanish pages (``html lang="es"`` included). Screenshots go to test-output/screenshots/es-*.png
(and to $CLINICBOT_SHOTS when set).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import HOST_PAGE, host_site, screenshot
from tests.browser.test_accessibility import axe_violations

WAIT = 20000
SPANISH = {"locale": "es-MX", "extra_http_headers": {"Accept-Language": "es-MX,es;q=0.9"}}
WIDTHS = {"phone": 390, "desktop": 1280}
COMPLAINT = "me duele la rodilla cuando bajo las escaleras"
EMERGENCY = "me duele el pecho y el brazo izquierdo, estoy sudando y me falta el aire"


def shot(page, name: str) -> None:
    """Screenshot into test-output/screenshots, copied to $CLINICBOT_SHOTS when set."""
    path = screenshot(page, f"es-{name}")
    folder = os.environ.get("CLINICBOT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def no_axe(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}:\n" + "\n".join(violations)


@pytest.fixture
def make_page(context_factory):
    """Pages in fresh contexts (Spanish browser unless told otherwise), errors collected, closed after."""
    def make(width=1280, height=800, spanish=True):
        return context_factory(width, height, **(SPANISH if spanish else {}))

    return make


def ask(page_or_frame, text: str, wait: str) -> None:
    page_or_frame.locator("#message").fill(text)
    page_or_frame.locator("#message").press("Enter")
    page_or_frame.locator(wait).last.wait_for(timeout=WAIT)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_chat_page_in_spanish_by_accept_language(make_page, live_server, width):
    """Spanish chrome, a Spanish answer with English articles marked as such, axe clean."""
    page = make_page(WIDTHS[width])
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#restart").inner_text() == "Empezar de nuevo"
    assert page.locator("#message").get_attribute("placeholder") == "Describa qué le duele…"
    shot(page, f"chat-start-{WIDTHS[width]}")
    no_axe(page, "chat-start")
    ask(page, COMPLAINT, ".card")
    answer = page.locator(".msg-answer").last
    assert answer.locator(".reply").inner_text().startswith("Esto es lo que dice nuestro blog")
    assert answer.locator(".card-lang").first.inner_text() == "artículo en inglés"
    assert answer.locator(".card-link").first.inner_text().startswith("Leer esta sección")
    assert answer.locator(".btn-callback").inner_text() == "Pedir que le llamemos"
    shot(page, f"chat-answer-{WIDTHS[width]}")
    no_axe(page, "chat-answer")
    assert page.errors == []


def test_chat_page_switch_is_remembered_and_sent(make_page, live_server):
    """An English browser switches to Spanish with the header link; it sticks, and chat requests carry it."""
    page = make_page(spanish=False)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".lang-link[data-lang=es]").click()
    page.wait_for_function("document.documentElement.lang === 'es'")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as sent:
        ask(page, "ok", ".msg-answer")
    assert sent.value.post_data_json["lang"] == "es"
    assert page.locator(".msg-answer .reply").last.inner_text().startswith("Con mucho gusto")
    page.locator(".lang-link[data-lang=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("#restart").inner_text() == "Start over"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_callback_form_in_spanish(make_page, live_server, width):
    """Labels, the field errors and the confirmation of the call-back form, in Spanish."""
    page = make_page(WIDTHS[width], 900)
    page.goto(live_server.url + "/")
    ask(page, COMPLAINT, ".btn-callback")
    page.locator(".btn-callback").last.click()
    assert page.locator("label[for=cb-name]").inner_text() == "Su nombre"
    assert "Acepto que la clínica" in page.locator("label[for=cb-consent]").inner_text()
    page.locator(".callback-submit").click()
    page.locator("#callback-error .callback-error-line").first.wait_for(timeout=WAIT)
    assert "Marque la casilla" in page.locator("#callback-error").inner_text()
    shot(page, f"callback-errors-{WIDTHS[width]}")
    no_axe(page, "callback-form")
    page.fill("#cb-name", "Ana")
    page.fill("#cb-phone", "310 555 0100")
    page.check("#cb-consent")
    page.locator(".callback-submit").click()
    done = page.locator(".callback-done").last
    done.wait_for(timeout=WAIT)
    assert done.inner_text().startswith("Gracias.") and "Su número de referencia" in done.inner_text()
    shot(page, f"callback-done-{WIDTHS[width]}")


def test_chat_emergency_in_spanish_at_320(make_page, live_server):
    """The Spanish emergency answer: Spanish action first, no articles, no call-back offer."""
    page = make_page(320, 700)
    page.goto(live_server.url + "/")
    ask(page, EMERGENCY, ".triage-emergency")
    box = page.locator(".triage-emergency").last
    assert box.get_attribute("lang") == "es"
    assert "Llam" in box.locator(".btn-emergency").first.inner_text()
    assert page.locator(".msg-emergency .card").count() == 0
    shot(page, "chat-emergency-320")
    no_axe(page, "chat-emergency")


@pytest.fixture(scope="module")
def spanish_site(tmp_path_factory, built_index_dir):
    """A host site embedding the widget with data-lang="es", and a bot that allows it."""
    def pages(bot_url: str) -> dict[str, str]:
        tag = f'<script src="{bot_url}/widget.js" async data-lang="es"></script>'
        return {"index.html": HOST_PAGE.format(title="Clínica de ejemplo", head="", scripts=tag)}

    with host_site(tmp_path_factory, built_index_dir, pages) as (bot_url, (host,)):
        yield {"bot": bot_url, "host": host}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_widget_data_lang_and_switch_in_frame(make_page, spanish_site, width):
    """data-lang="es" in an English browser: Spanish launcher and frame; the frame's switch to English
    is remembered when the visitor comes back to the site."""
    page = make_page(WIDTHS[width], 844 if width == "phone" else 800, spanish=False)
    page.goto(spanish_site["host"] + "/index.html")
    launcher = page.locator("clinicbot-widget .launcher")
    launcher.wait_for()
    assert launcher.inner_text().strip() == "Pregúntenos"
    launcher.click()
    frame = page.frame_locator("clinicbot-widget iframe")
    frame.locator("#message:enabled").wait_for(timeout=WAIT)
    assert frame.locator("html").get_attribute("lang") == "es"
    assert frame.locator("#restart").inner_text() == "Empezar de nuevo"
    ask(frame, COMPLAINT, ".card")
    assert frame.locator(".card-lang").first.inner_text() == "artículo en inglés"
    shot(page, f"widget-{WIDTHS[width]}")
    frame.locator(".lang-link[data-lang=en]").click()
    frame.locator("html[lang=en] #message:enabled").wait_for(timeout=WAIT)
    assert frame.locator("#restart").inner_text() == "Start over"
    # The conversation survived the switch (sessionStorage; when the browser denies the frame its storage,
    # the loader sends it back after the frame's "ready", so wait for it), and the choice survives a new page.
    frame.locator(".card").first.wait_for(timeout=WAIT)
    page.reload()  # the panel was open: it opens again by itself
    page.frame_locator("clinicbot-widget iframe").locator("html[lang=en] #message:enabled").wait_for(timeout=WAIT)
    page.wait_for_function("() => document.querySelector('clinicbot-widget').shadowRoot"
                           ".querySelector('.launcher').getAttribute('aria-label') === 'Close chat'")


def test_widget_frame_in_spanish_has_no_axe_violations(make_page, live_server):
    page = make_page(390, 844)
    page.goto(live_server.url + "/widget/frame?site_lang=es")
    page.locator("#message:enabled").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    no_axe(page, "widget-frame")


@pytest.mark.parametrize("width", [390, 820, 1280])
def test_kiosk_in_spanish_by_accept_language(make_page, live_server, width):
    """Spanish start screen, Spanish regions and follow-ups, a Spanish answer; axe clean."""
    page = make_page(width, 1180 if width == 820 else 844 if width == 390 else 800)
    page.goto(live_server.url + "/kiosk")
    page.locator("[data-region]").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#k-start-title").inner_text() == "¿Dónde le duele?"
    assert page.locator("[data-region=knee]").inner_text() == "Rodilla"
    assert page.locator(".k-lang").inner_text().strip() == "English"
    shot(page, f"kiosk-start-{width}")
    no_axe(page, "kiosk-start")
    page.locator("[data-region=knee]").click()
    assert page.locator("#k-question-text").inner_text() == "¿En qué parte de la rodilla?"
    shot(page, f"kiosk-question-{width}")
    page.locator("#k-options [data-option=skip]").click()
    page.locator("#k-options [data-option=skip]").click()
    page.locator(".k-card-qr").first.wait_for(timeout=WAIT)
    assert page.locator(".k-card-qr").first.inner_text() == "Leer en mi celular"
    assert page.locator(".k-card-lang").first.inner_text() == "artículo en inglés"
    assert page.locator(".k-reply").first.inner_text().startswith("Esto es lo que dice")
    shot(page, f"kiosk-answer-{width}")
    no_axe(page, "kiosk-answer")
    assert page.errors == []


def test_kiosk_language_button_lasts_until_reset(make_page, live_server):
    """An English tablet: the Español button turns it Spanish; Start over brings the next visitor English."""
    page = make_page(820, 1180, spanish=False)
    page.goto(live_server.url + "/kiosk")
    page.locator(".k-lang[data-lang=es]").click()
    page.locator("html[lang=es] [data-region]").first.wait_for(timeout=WAIT)
    assert page.evaluate("window.location.search") == ""  # nothing kept in the URL
    page.locator("#k-type").click()
    page.locator("#k-text").fill("me duele el talón en la mañana")
    page.locator("#k-send").click()
    page.locator(".k-card-qr").first.wait_for(timeout=WAIT)
    page.locator("#k-restart").click()
    page.locator("html[lang=en] [data-region]").first.wait_for(timeout=WAIT)
    assert page.locator("#k-start-title").inner_text() == "Where does it hurt?"


def test_kiosk_emergency_red_screen_in_spanish(make_page, live_server):
    page = make_page(820, 1180)
    page.goto(live_server.url + "/kiosk")
    page.locator("#k-type").click()
    page.locator("#k-text").fill(EMERGENCY)
    page.locator("#k-send").click()
    page.locator(".k-emergency").wait_for(timeout=WAIT)
    assert page.locator(".k-emergency").get_attribute("lang") == "es"
    assert "recepción" in page.locator(".k-emergency-desk").inner_text()
    shot(page, "kiosk-emergency-820")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_error_page_in_spanish(make_page, live_server, width):
    page = make_page(WIDTHS[width])
    response = page.goto(live_server.url + "/no-such-page")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("main p").first.inner_text() == "No hay nada en esta dirección."
    assert page.locator("main a").inner_text() == "Volver al chat"
    shot(page, f"error-404-{WIDTHS[width]}")
    no_axe(page, "error-404")
