"""A clinic's own wording (CTA_TEXT, DISCLAIMER, the kiosk message) in the visitor's language.

The product's defaults come translated from the catalogs; a clinic that writes its own
gives the translations in CLINIC_TRANSLATIONS_FILE (docs/spanish.md), else its wording
is shown as configured.
"""

from __future__ import annotations

import pytest

from tests.appkit import make_app
from web.config import ConfigError

OWN = {"CTA_TEXT": "Book a free 20-minute screen",
       "DISCLAIMER": "Articles from our team, for general information only; not a diagnosis.",
       "KIOSK_MESSAGE": "Ask at the desk about our Saturday hours."}
WORDING = """
[es]
"Book a free 20-minute screen" = "Reserve una evaluación gratis de 20 minutos"
# Spacing in a key does not matter: the configured text is compared word for word.
"Articles from our team,  for general information only; not a diagnosis." = \
"Artículos de nuestro equipo, solo como información general; no es un diagnóstico."
"Ask at the desk about our Saturday hours." = "Pregunte en recepción por el horario de los sábados."
"""


@pytest.fixture
def wording_file(tmp_path):
    path = tmp_path / "wording.toml"
    path.write_text(WORDING.replace(" = \\\n", " = "), encoding="utf-8")
    return path


def _app(tmp_path, index_dir, **config):
    return make_app({"INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir), **OWN, **config})


def _chat(client, message):
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    return response.get_json()


def test_own_wording_translated_in_answers_pages_and_kiosk(tmp_path, index_dir, wording_file):
    client = _app(tmp_path, index_dir, CLINIC_TRANSLATIONS_FILE=str(wording_file)).test_client()
    spanish = _chat(client, "me duele la rodilla cuando bajo las escaleras")
    assert spanish["lang"] == "es"
    assert spanish["cta"]["text"] == "Reserve una evaluación gratis de 20 minutos"
    assert spanish["disclaimer"].startswith("Artículos de nuestro equipo")
    english = _chat(client, "my knee hurts going down stairs")
    assert english["cta"]["text"] == OWN["CTA_TEXT"] and english["disclaimer"] == OWN["DISCLAIMER"]
    page = client.get("/?lang=es").get_data(as_text=True)
    assert "Artículos de nuestro equipo" in page and OWN["DISCLAIMER"] not in page
    kiosk = client.get("/kiosk?lang=es").get_data(as_text=True)  # the script's settings, as JSON
    assert "Pregunte en recepci\\u00f3n por el horario de los s\\u00e1bados." in kiosk
    assert "Reserve una evaluaci\\u00f3n gratis de 20 minutos" in kiosk
    assert client.get("/kiosk/config.json?lang=es").get_json()["message"].startswith("Pregunte en recepción")
    assert client.get("/kiosk/config.json?lang=en").get_json()["message"] == OWN["KIOSK_MESSAGE"]


def test_own_wording_without_translation_is_shown_as_configured(tmp_path, index_dir):
    """No file: the clinic's English wording stays (never a wrong guess); the defaults are still translated."""
    client = _app(tmp_path, index_dir).test_client()
    spanish = _chat(client, "me duele la rodilla cuando bajo las escaleras")
    assert spanish["cta"]["text"] == OWN["CTA_TEXT"] and spanish["disclaimer"] == OWN["DISCLAIMER"]
    plain = make_app({"INSTANCE_PATH": str(tmp_path / "p"), "INDEX_DIR": str(index_dir)}).test_client()
    assert _chat(plain, "me duele la rodilla cuando bajo las escaleras")["cta"]["text"] == "Hacer una cita"


@pytest.mark.parametrize(("text", "problem"), [
    ("[es]\n'x' = ", "not valid TOML"),
    ("[fr]\n'Book' = 'Réservez'", r"\[fr\] is not a translated interface language"),
    ("[en]\n'Book' = 'Book'", r"\[en\] is not a translated interface language"),
    ("[es]\n'Book' = ''", "non-empty text"),
    ("[es]\n'Book' = 3", "non-empty text"),
])
def test_bad_wording_file_is_a_clear_config_error(tmp_path, text, problem):
    path = tmp_path / "wording.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"CLINICBOT_CLINIC_TRANSLATIONS_FILE: .*{problem}"):
        make_app({"INSTANCE_PATH": str(tmp_path), "LOAD_INDEX_AT_START": False, "CLINIC_TRANSLATIONS_FILE": str(path)})
    with pytest.raises(ConfigError, match="CLINICBOT_CLINIC_TRANSLATIONS_FILE: cannot read"):
        make_app({"INSTANCE_PATH": str(tmp_path), "LOAD_INDEX_AT_START": False,
                  "CLINIC_TRANSLATIONS_FILE": str(tmp_path / "missing.toml")})
