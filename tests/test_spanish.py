"""Spanish messages read into the English lexicon's concepts and answered with the English posts."""

from __future__ import annotations

import tomllib

import pytest

from bot.chat import respond
from bot.settings import BotSettings
from index import analysis, search, spanish


@pytest.fixture(scope="module")
def index(built_index_dir):
    """The bundled feed's index, loaded once for this module."""
    return search.load(built_index_dir)


@pytest.mark.parametrize(("message", "lang"), [
    ("me duele mucho la espalda cuando me agacho", "es"),
    ("¿Cuánto cuesta una sesión?", "es"),
    ("tengo dolor en el tobillo desde que me cai", "es"),     # no accents
    ("me lastimé el shoulder en el gym", "es"),                # Spanglish
    ("my lower back hurts when I bend over", "en"),
    ("shoulder pain", "en"),
    ("pain in my pie area after dinner", "en"),
    ("lateral ankle sprain rehab", "en"),                      # "lateral" is both languages
    ("la fitness squat class hurt my knee", "en"),
    ("", "en"),
])
def test_detect_reads_the_message_language(message, lang):
    assert spanish.detect(message) == lang


def test_lexicon_es_names_only_concepts_of_the_english_lexicon():
    with open(spanish.LEXICON_ES_PATH, "rb") as fh:
        ids = [entry["id"] for entry in tomllib.load(fh)["concept"]]
    english = analysis.lexicon().concepts
    assert ids and [i for i in ids if i not in english] == []
    assert len(ids) == len(set(ids))
    assert set(spanish.lexicon().concepts) == set(ids)


def test_every_concept_has_an_english_phrase_the_english_lexicon_reads_back():
    for concept_id, phrase in spanish.english_phrases().items():
        assert concept_id in analysis.concepts(phrase), (concept_id, phrase)


@pytest.mark.parametrize(("spanish_message", "english_message", "expected"), [
    ("me duele la rodilla al bajar las escaleras", "my knee hurts going down stairs", {"knee", "patellofemoral"}),
    ("me duele la rodilla al bajar las escaleras".replace("rodilla", "rodiya"), "knee pain on stairs", {"knee"}),
    ("me lastimé el shoulder jugando", "I hurt my shoulder playing", {"shoulder"}),
    ("me torci el tobillo jugando futbol", "I rolled my ankle playing soccer", {"ankle_sprain"}),
    ("siento dolor en la parte de adentro del codo al cargar cosas",
     "pain on the inner side of my elbow when I carry things", {"golfers_elbow", "gripping"}),
    ("me duele la planta del pie con los primeros pasos de la manana",
     "the sole of my foot hurts with the first steps in the morning", {"plantar_fasciitis"}),
    ("necesito una referencia de mi doctor para la terapia?", "do I need a referral from my doctor?",
     {"direct_access"}),
    ("aceptan mi aseguranza?", "do you take my insurance?", {"insurance"}),
    ("que pasa en la primera cita", "what happens at the first visit", {"first_visit"}),
    ("tengo 63 años y me duele la cadera", "I'm 63 and my hip hurts", {"masters_athlete", "hip"}),
])
def test_spanish_message_names_the_concepts_its_english_equivalent_names(spanish_message, english_message, expected):
    assert expected <= set(analysis.concepts(english_message))
    assert expected <= set(spanish.concepts(spanish_message))


def test_gloss_leaves_out_seguro_meaning_sure():
    assert "insurance" not in spanish.concepts("no estoy seguro si es tendinitis")
    assert "insurance" in spanish.concepts("mi seguro cubre la terapia?")


def test_gloss_drops_unknown_spanish_words_instead_of_letting_them_be_corrected_into_english():
    assert spanish.gloss("qwertyuiop zarzamora") == ""


def test_answer_lang_and_article_lang_follow_the_message(index):
    settings = BotSettings()
    answer = respond("me duele el codo por dentro cuando agarro la bolsa del mandado", index, settings)
    assert answer["lang"] == "es"
    assert answer["matched"] and answer["results"]
    assert {card["article_lang"] for card in answer["results"]} == {"en"}
    assert answer["results"][0]["post_slug"].startswith("why-golfers-elbow")
    english = respond("the inside of my elbow hurts when I grip things", index, settings)
    assert english["lang"] == "en"
    assert english["results"][0]["post_slug"] == answer["results"][0]["post_slug"]


def test_api_answer_carries_lang(client):
    response = client.post("/api/chat", json={"message": "me duele la rodilla cuando subo escaleras"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["lang"] == "es"
    assert body["results"] and body["results"][0]["article_lang"] == "en"
