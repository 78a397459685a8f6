"""The interface and the answers' fixed wording in Spanish (issue 19, part 1): catalogs, language choice,
pages, answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from tests.appkit import make_app

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
#: Visitor-facing templates (the staff console stays English).
TEMPLATES = ["_base.html", "_chat_panel.html", "_lang_switch.html", "chat.html", "error.html", "kiosk.html",
             "widget_frame.html"]
SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="es")


def test_catalog_every_msgid_is_translated():
    """A msgid with no Spanish (or still fuzzy) would show English in the middle of a Spanish page."""
    untranslated = [m.id for m in catalog() if m.id and (not m.string or "fuzzy" in m.flags)]
    assert untranslated == []


def test_catalog_placeholders_match():
    """%(name)s and {name} placeholders survive translation, or the answer would crash or lose the number."""
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<strong>|</strong>")
    wrong = [m.id for m in catalog() if m.id and sorted(pattern.findall(m.id)) != sorted(pattern.findall(m.string))]
    assert wrong == []


def test_catalog_covers_what_the_code_marks(tmp_path):
    """Everything pybabel extracts today is in the Spanish catalog: a new string must be translated."""
    from babel.messages.frontend import CommandLineInterface

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
                                "-o", str(pot), str(ROOT)])
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    have = {m.id for m in catalog() if m.id}
    assert sorted(wanted - have) == []


#: Text between tags, and attribute values a person reads or hears.
TEXT = re.compile(r">([^<>{}]*[A-Za-z]{2}[^<>{}]*)<")
ATTRS = re.compile(r'\b(?:aria-label|placeholder|title|alt)="([^"{}]*[A-Za-z][^"{}]*)"')


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_has_no_untranslated_literal(name):
    """Words in a visitor template are inside _() (Jinja comments, tags and expressions are skipped)."""
    source = (ROOT / "templates" / name).read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", source, flags=re.S)
    source = re.sub(r"<script\b.*?</script>|<style\b.*?</style>|<svg\b.*?</svg>|&\w+;", "", source, flags=re.S)
    literals = [t.strip() for t in TEXT.findall(source) if t.strip()] + ATTRS.findall(source)
    assert literals == []


@pytest.mark.parametrize("name", ["chat.js", "kiosk.js", "widget.js"])
def test_script_has_no_untranslated_visible_literal(name):
    """Text put on the page by a script (el(..., "Words"), textContent, aria-label) goes through _()."""
    source = (ROOT / "static" / name).read_text(encoding="utf-8")
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    shown = re.findall(r'(?:el\("[\w-]+", "[\w -]*", |textContent = |setAttribute\("aria-label", |'
                       r'button\("[\w -]+", |\.title = )"([A-Z][^"]{2,})"', source)
    # Spanish-only wording of a Spanish answer, decided by the answer's own language, stays as it is.
    assert [s for s in shown if not re.search(r"[áéíóúñ]|Importante|Enviar", s)] == []


def test_i18n_missing_mo_falls_back_to_english(monkeypatch, tmp_path, caplog):
    """A catalog that was never compiled: English, logged, never an error."""
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert i18n.gettext("es", "Start over") == "Start over"
        assert "no compiled catalog" in caplog.text
    finally:
        i18n.catalog.cache_clear()


def test_i18n_app_starts_without_mo(monkeypatch, tmp_path, index_dir):
    """The app still starts and serves English when translations/ has no .mo."""
    (tmp_path / "tr" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "tr" / "es" / "LC_MESSAGES" / "messages.po").write_text("")
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path / "tr")
    i18n.catalog.cache_clear()
    try:
        app = make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir)})
        response = app.test_client().get("/", headers=SPANISH)
        assert response.status_code == 200
        assert "Start over" in response.get_data(as_text=True)
    finally:
        i18n.catalog.cache_clear()


@pytest.mark.parametrize(("headers", "query", "cookie", "expected"), [
    ({}, "", None, "en"),
    (SPANISH, "", None, "es"),
    ({"Accept-Language": "fr-FR,fr"}, "", None, "en"),
    (SPANISH, "?lang=en", None, "en"),
    ({}, "?lang=es", None, "es"),
    (SPANISH, "", "en", "en"),
    ({}, "", "es", "es"),
    ({}, "?lang=xx", None, "en"),
])
def test_page_language_order(client, headers, query, cookie, expected):
    """Explicit choice (?lang, then the remembered cookie) > Accept-Language > English."""
    if cookie:
        client.set_cookie("clinicbot_lang", cookie)
    response = client.get("/" + query, headers=headers)
    assert response.status_code == 200
    assert f'<html lang="{expected}">' in response.get_data(as_text=True)


def test_page_switch_is_remembered(client):
    """?lang=es sets the cookie, so the next page (and the conversation) stays Spanish."""
    response = client.get("/?lang=es")
    assert "clinicbot_lang=es" in response.headers.get("Set-Cookie", "")
    again = client.get("/")
    assert '<html lang="es">' in again.get_data(as_text=True)


def test_chat_page_in_spanish(client):
    """Spanish page: switch back to English, Spanish chrome, Spanish chips and the scripts' catalog."""
    html = client.get("/", headers=SPANISH).get_data(as_text=True)
    assert 'hreflang="en"' in html and ">English</a>" in html
    assert "Empezar de nuevo" in html and "No es un consejo médico." in html
    assert "Me duele" in html  # a starter chip
    assert '"Pedir que le llamemos"' in html  # the JS catalog


def test_widget_frame_site_lang_and_explicit_choice(client):
    """data-lang reaches the frame as site_lang; the visitor's ?lang wins over it."""
    frame = client.get("/widget/frame?site_lang=es")
    assert '<html lang="es">' in frame.get_data(as_text=True)
    chosen = client.get("/widget/frame?site_lang=es&lang=en")
    assert '<html lang="en">' in chosen.get_data(as_text=True)


def test_widget_loader_carries_spanish_strings(client):
    """The loader runs on the clinic's site: its own strings ride along for data-lang."""
    body = client.get("/widget.js").get_data(as_text=True)
    assert "Pregúntenos" in body and "site_lang" in body


def test_kiosk_language_from_setting_then_button(tmp_path, index_dir):
    """KIOSK_LANGUAGE starts the kiosk in Spanish; the button's ?lang=en switches; no cookie is set."""
    app = make_app({"INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir), "KIOSK_LANGUAGE": "es"})
    client = app.test_client()
    page = client.get("/kiosk")
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html and "¿Dónde le duele?" in html and '"homeLang": "es"' in html
    assert "Rodilla" in html  # a region, from data/kiosk_regions.toml through the catalog
    switched = client.get("/kiosk?lang=en")
    assert '<html lang="en">' in switched.get_data(as_text=True)
    assert "Set-Cookie" not in switched.headers


@pytest.mark.parametrize("path", ["/no-such-page", "/api"])
def test_error_page_in_spanish(client, path):
    """HTML error pages follow the visitor's language."""
    response = client.get(path, headers={**SPANISH, "Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html and "No hay nada en esta dirección." in html and "Volver al chat" in html


def test_api_error_in_page_language(client):
    """A JSON error's default wording follows "lang" of the body."""
    response = client.post("/api/chat", json={"message": "x", "lang": "es", "channel": "nope"})
    assert response.status_code == 400
    response = client.get("/api/nothing-here", headers=SPANISH)
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "No hay nada en esta dirección."


def test_api_rejects_unknown_lang(client):
    response = client.post("/api/chat", json={"message": "knee pain", "lang": "fr"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_lang"


def chat(client, message, **extra):
    response = client.post("/api/chat", json={"message": message, **extra})
    assert response.status_code == 200
    return response.get_json()


def test_answer_spanish_message_fixed_wording(client):
    """A Spanish complaint: Spanish reply, CTA and notice; the cards stay English posts."""
    answer = chat(client, "me duele la rodilla cuando bajo las escaleras")
    assert answer["lang"] == "es"
    assert answer["reply"].startswith("Esto es lo que dice nuestro blog")
    assert answer["cta"]["text"] == "Hacer una cita"
    assert answer["disclaimer"].startswith("Este chat comparte artículos")


def test_answer_follows_message_not_page(client):
    """An English message on a Spanish page is answered in English (the reply follows the message)."""
    answer = chat(client, "my knee hurts going down stairs", lang="es")
    assert answer["lang"] == "en" and answer["reply"].startswith("Here is what")


def test_answer_neutral_message_follows_page(client):
    """"ok" reads as neither language: the page's language answers it."""
    assert chat(client, "ok", lang="es")["lang"] == "es"
    assert chat(client, "ok")["lang"] == "en"


def test_answer_spanish_follow_up_options_round_trip(client):
    """A Spanish region-only complaint is asked in Spanish; tapping a Spanish option reads as the English one."""
    first = chat(client, "me duele el codo", lang="es")
    assert first["follow_up"] and first["follow_up"]["question"] == "¿Qué parte del codo le duele más?"
    option = next(o for o in first["follow_up"]["options"] if "meñique" in o)
    second = chat(client, option, lang="es", context=first["context"])
    assert second["lang"] == "es" and second["matched"]
    english = chat(client, "On the inside (pinky side)", context=chat(client, "elbow pain")["context"])
    assert [c["post_slug"] for c in second["results"]][:1] == [c["post_slug"] for c in english["results"]][:1]


def test_answer_spanish_where_intent_and_regions(client):
    """"me duele" with nowhere named: Spanish question, Spanish region options."""
    answer = chat(client, "me duele", lang="es")
    assert answer["lang"] == "es" and answer["intent"] == "where_it_hurts"
    assert answer["follow_up"]["question"] == "¿Dónde lo siente?"
    assert "Rodilla" in answer["follow_up"]["options"]
    tapped = chat(client, "Rodilla", lang="es", context=answer["context"])
    assert tapped["lang"] == "es" and tapped["results"]


def test_answer_spanish_starters_match_like_english(client):
    """Each Spanish chip, tapped, reaches the same first post as its English original."""
    from bot import starters

    for starter in starters.load():
        spanish = i18n.gettext("es", starter.text)
        assert spanish != starter.text
        es, en = chat(client, spanish, lang="es"), chat(client, starter.text)
        assert es["lang"] == "es"
        assert [c["post_slug"] for c in es["results"]][:1] == [c["post_slug"] for c in en["results"]][:1], spanish


def test_answer_kiosk_tap_path_follows_page(client):
    """A kiosk tap path is English keywords: its answer is in the kiosk's language."""
    from bot.kiosk_regions import tap_paths

    path = sorted(tap_paths())[0]
    assert chat(client, path, channel="kiosk", lang="es")["lang"] == "es"


def test_answer_spanish_intents(client):
    """The small-talk replies exist in Spanish, with the clinic's name filled in."""
    answer = chat(client, "hola", lang="es")
    assert answer["lang"] == "es" and answer["reply"].startswith("¡Hola!")
    for message, intent, start in [("muchas gracias", "thanks", "Con mucho gusto"),
                                   ("quiero hacer una cita", "booking", "Puede hacer una cita"),
                                   ("¿eres un robot?", "identity", "Soy un asistente automático")]:
        answer = chat(client, message)
        assert (answer["intent"], answer["lang"]) == (intent, "es") and answer["reply"].startswith(start), message


def test_answer_emergency_in_spanish_has_spanish_cta(client):
    """A Spanish emergency: Spanish instruction and Spanish call button, no articles."""
    answer = chat(client, "me duele el pecho y el brazo izquierdo, estoy sudando y me falta el aire")
    assert answer["triage"]["level"] == "emergency" and answer["results"] == []
    assert answer["lang"] == "es" and answer["triage"]["lang"] == "es"
    assert "Llam" in answer["cta"]["text"]


def test_callback_confirmation_in_spanish(client):
    """The call-back form's confirmation follows the form's language."""
    response = client.post("/api/callback", json={"name": "Ana", "phone": "310 555 0100", "consent": True,
                                                  "channel": "web", "lang": "es"})
    assert response.status_code == 201
    assert response.get_json()["message"].startswith("Gracias.")


def test_config_languages_must_have_catalogs(tmp_path):
    from web.config import ConfigError

    with pytest.raises(ConfigError, match="LANGUAGES"):
        make_app({"INSTANCE_PATH": str(tmp_path), "LANGUAGES": "en fr", "LOAD_INDEX_AT_START": False})
    with pytest.raises(ConfigError, match="DEFAULT_LANGUAGE"):
        make_app({"INSTANCE_PATH": str(tmp_path), "LANGUAGES": "en", "DEFAULT_LANGUAGE": "es",
                  "LOAD_INDEX_AT_START": False})
