"""Spanish messages read into the English lexicon's concepts and answered with the English posts."""

from __future__ import annotations

import tomllib

import pytest

from bot import triage
from bot.chat import english_reading, respond
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
    ("rodilla", "es"),                                         # one word the English lexicon also lists
    ("hombro", "es"),
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


@pytest.mark.parametrize("message", ["me duele mucho el hombro izquierdo al levantar el brazo", "ok"])
def test_detect_reads_a_chat_message_once(client, monkeypatch, message):
    """Every layer of one chat request asks the message's language; it is worked out once (spanish.language)."""
    spanish.language.cache_clear()
    calls, vocabulary = [], spanish.vocabulary
    monkeypatch.setattr(spanish, "vocabulary", lambda: calls.append(1) or vocabulary())
    response = client.post("/api/chat", json={"message": message, "lang": "es"})
    assert response.status_code == 200
    assert response.get_json()["lang"] == "es" and len(calls) == 1


def test_api_answer_carries_lang(client):
    response = client.post("/api/chat", json={"message": "me duele la rodilla cuando subo escaleras"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["lang"] == "es"
    assert body["results"] and body["results"][0]["article_lang"] == "en"


@pytest.mark.parametrize(("with_accents", "without"), [
    ("¿Cuánto dura la primera sesión?", "cuanto dura la primera sesion"),
    ("me duele el tobillo desde que me caí", "me duele el tobillo desde que me cai"),
    ("tengo dolor en la muñeca y el pulgar", "tengo dolor en la muneca y el pulgar"),
])
def test_gloss_reads_a_message_the_same_with_or_without_accents(with_accents, without):
    assert spanish.gloss(with_accents) == spanish.gloss(without)
    assert spanish.concepts(with_accents)


def test_correct_keeps_a_spanglish_word_the_english_lexicon_reads():
    assert spanish.correct("ice") == "ice"                       # not "hice", did
    assert "ice_heat" in spanish.concepts("me duele la espalda, ice or heat?")


@pytest.mark.parametrize(("misspelt", "word"), [("rodiya", "rodilla"), ("rodila", "rodilla"), ("cadra", "cadera"),
                                                ("espalada", "espalda")])
def test_correct_reads_dropped_letters_and_sounds(misspelt, word):
    assert spanish.correct(misspelt) == word


@pytest.mark.parametrize("word", ["punza", "calles", "pasar", "chamarra"])
def test_correct_never_swaps_only_vowels(word):
    # "punza" (throbs) is not "panza" (belly), "calles" (streets) not "callos" (calluses).
    assert spanish.correct(word) in (word, word.rstrip("s"))


def test_everyday_verbs_are_not_corrected_into_body_words():
    assert "limping" not in spanish.concepts("que va a pasar en la primera cita")
    assert "throwing_overhead" not in spanish.concepts("me duele la espalda y nada me lo quita")
    assert "sitting" not in spanish.concepts("no dice cosas con sentido")


def test_per_week_is_how_often_not_how_long():
    assert "for" not in spanish.gloss("cuantas veces por semana tengo que venir").split()
    assert spanish.gloss("me duele desde hace 3 semanas").split()[-3:] == ["for", "3", "weeks"]
    assert "for 2 months" in spanish.gloss("corro por 2 meses")


def test_a_number_reaches_the_phrases_it_is_part_of():
    assert "masters_athlete" in spanish.concepts("corro mas lento despues de los 40")


@pytest.mark.parametrize(("message", "concept"), [
    ("me lastimé el shoulder haciendo pesas", "shoulder"),           # Spanglish
    ("tengo tennis elbow de tanto usar el mouse", "tennis_elbow"),
    ("me dijeron que tengo osteoporosis", "osteoporosis"),
    ("tengo artritis en las rodillas", "arthritis"),
    ("ya estoy en la menopausia", "menopause"),
    ("mi bebé recién nacido", "infants"),
    ("siento hormigueo en la mano", "numbness"),
    ("se me sale la pipí cuando toso", "pelvic_floor"),
    ("me duele la pierna por la ciática", "sciatica"),               # its own condition, as in English
    ("tienen aceites para masaje a la venta?", "shop"),               # venta is a sale
    ("abren los fines de semana?", "scheduling"),
    ("siento cosquilleo en la mano", "numbness"),
    ("me dan los ejercicios para hacer en casa?", "home_exercise"),
    ("donde puedo comprar zapatillas para correr?", "footwear"),
    ("mi hijo tuvo una conmocion jugando futbol", "concussion"),
    ("puedo trabajar despues de la sesion?", "downtime"),
    ("me hicieron ventosas en la espalda", "acupuncture"),           # ventosas is cupping
])
def test_spanish_names_the_concepts_the_english_lexicon_has(message, concept):
    assert concept in spanish.concepts(message)


@pytest.mark.parametrize(("message", "not_named"), [
    ("me duele la espalda", "low_back_pain"),         # "back pain" is the back, as in English
    ("me duele la rodilla", "patellofemoral"),
    ("tengo los isquiotibiales apretados", "gripping"),
    ("me pongo hielo o calor?", "passive_treatment"),
    ("mis hijos", "pediatrics"),
    ("tengo la espalda baja tensa", "hills"),
    ("me resbale en el hielo y me duele la muñeca", "ice_heat"),   # the ice on the ground
    ("hace mucho calor para salir a caminar", "ice_heat"),         # the weather
    ("me duele la pierna por la ciática", "low_back_pain"),
    ("compré zapatillas nuevas y me duelen los pies", "shop"),           # bought, not where to buy
    ("que debo tener en cuenta para correr con calor?", "insurance"),      # keep in mind, not a bill
    ("como me bajo de la cama si me duele la espalda", "low_back_pain"),  # 'bajo' is not 'espalda baja'
    ("despues de trabajar en el jardin me duele la espalda", "downtime"),  # after work, not work after
    ("me hice un esguince en la muñeca", "ankle_sprain"),                # a sprain is not the ankle's
    ("no puedo levantar el brazo por encima de la cabeza", "frozen_shoulder"),
    ("mi hijo tuvo una conmocion jugando futbol", "stroke_rehab"),        # a concussion, as in English
])
def test_spanish_does_not_name_what_the_english_equivalent_does_not(message, not_named):
    assert not_named not in spanish.concepts(message)


@pytest.mark.parametrize(("message", "said", "not_said"), [
    ("tengo 70 años, es muy tarde para empezar?", "late", "afternoon"),
    ("nunca es tarde para hacer ejercicio", "late", "afternoon"),
    ("me duele mas en la tarde", "afternoon", "late"),
    ("como cuido mi espalda en un viaje largo", "look", "self"),      # looking after, not self-care
    ("tengo que cuidarme mas", "self", "look"),
    ("como me bajo de la cama si me duele la espalda", "getting", "down"),   # out of bed, not down
    ("como le doy el biberon a mi bebe", "bottle", "breath"),
    ("me duele la espalda de tanto trabajar el fin de semana", "weekend", "week"),
    ("quiero dejar la comida chatarra y sentirme mejor", "junk", "sitting"),   # feel, not sit
    ("manejo dos horas al trabajo y me duele la espalda", "driving", "manage"),
    ("como manejar el dolor de espalda", "manage", "driving"),          # managing pain is not driving
    ("no duermo bien, tengo mal sueño", "sleep", "clicking"),          # sueño is not suena
    ("para que sirve el piso pelvico si no estoy embarazada", "pelvic", "limping"),   # piso is not pisar
    ("me duele la espalda al cargar las maletas", "suitcases", "plant"),              # not macetas
    ("sirve estirarse antes de hacer ejercicio?", "before", "after"),                # time words kept, as in English
    ("cuantos minutos dura cada visita?", "minutes", "afternoon"),                  # known words say something
    ("tienen una receta de pay de salchicha?", "recipe", "prescription"),
    ("necesito receta de mi doctor para ir a terapia?", "prescription", "recipe"),
    ("el osteopata trata a la familia real?", "royal", "real"),
])
def test_gloss_reads_words_by_the_phrase_they_are_in(message, said, not_said):
    words = spanish.gloss(message).split()
    assert said in words and not_said not in words


def test_a_clock_time_in_the_morning_is_read_as_english_writes_it(kibworth_index):
    words = english_reading("leí que levantarse a las 5 de la mañana te cambia la vida", kibworth_index).split()
    assert "5am" in words and "morning" in words


def test_gloss_says_a_concept_its_words_already_name_once():
    glossed = spanish.gloss("estoy embarazada, puedo seguir yendo al gimnasio")
    assert "pelvic" not in glossed.split()
    assert "pelvic_floor" in analysis.concepts(glossed)


@pytest.mark.parametrize(("message", "post"), [
    ("me lastimé el shoulder jugando tenis y me duele cuando levanto el brazo", "shockwave-therapy-shoulder-pain"),
    ("me duele la parte de afuera del codo cuando agarro el mouse", "why-tennis-elbow"),
    ("me duelen las espinillas cada vez que salgo a corer", "why-shin-splints"),
])
def test_ordinary_spanish_complaint_reaches_the_bundled_post(index, message, post):
    answer = respond(message, index, BotSettings())
    assert answer["lang"] == "es" and answer["matched"]
    assert answer["triage"]["level"] == "routine"
    assert answer["results"][0]["post_slug"].startswith(post)


@pytest.mark.parametrize(("message", "post"), [
    ("me truena la quijada y me duele cuando mastico", "jaw-wars"),
    ("trabajo en la computadora todo el dia y me duele el cuello", "ergonomic-advice"),
    ("sirven los bastones para caminar en la montaña?", "walking-poles"),
    ("estoy embarazada, puedo seguir haciendo ejercicio?", "myths-about-exercising-whilst-pregnant"),
    ("me torci el tobillo, le pongo hielo o calor?", "ice-and-heat"),
    ("frio o calor para un tiron en la pantorrilla?", "ice-and-heat"),
    ("me torci el tobillo ayer, le pongo hielo o algo caliente?", "ice-and-heat"),
    ("las sales de epsom sirven para los musculos adoloridos?", "jones-the-bones"),
    ("venden sales de baño para el dolor muscular?", "jones-the-bones"),
])
def test_ordinary_spanish_complaint_reaches_the_kibworth_post(kibworth_index, message, post):
    answer = respond(message, kibworth_index, BotSettings())
    assert answer["lang"] == "es" and answer["matched"]
    assert answer["results"][0]["post_slug"].startswith(post)


@pytest.mark.parametrize("message", [
    "me duele la rodilla cuando bajo las escaleras",
    "me lastimé el shoulder en el gym",
    "tengo el cuello tieso de tanto ver el celular",
    "cuanto cuesta la primera cita?",
    "me torci el tobillo jugando futbol el sabado",
    "me duele la espalda baja cuando me agacho",
    "mi hija se queja de dolor en las rodillas despues del futbol",
])
def test_routine_spanish_is_not_a_red_flag(index, message):
    answer = respond(message, index, BotSettings())
    assert answer["lang"] == "es"
    assert answer["triage"]["level"] in ("routine", "none")


@pytest.mark.parametrize(("message", "fires"), [
    ("me duele un puntito en la espinilla que no se quita aunque descanse", False),  # a spot, where it hurts
    ("me salio un granito en la rodilla que no se va", False),                          # a pimple
    ("mi hijo tiene fiebre y puntitos morados que no se quitan al apretar", True),
    ("a mi nena le salio un sarpullido que no se quita con el vaso", True),
])
def test_a_spot_that_hurts_is_not_a_rash_that_does_not_fade(message, fires):
    screened = triage.screen(message, learned=False)
    assert ("child-nonblanching-rash" in screened.rule_ids) is fires


@pytest.mark.parametrize("channel", ["web", "widget", "kiosk"])
@pytest.mark.parametrize(("message", "page_lang", "lang"), [
    ("me duele el codo cuando agarro cosas", "en", "es"),
    ("my elbow hurts when I grip things", "es", "en"),
])
def test_reply_language_follows_the_message_not_the_page(client, channel, message, page_lang, lang):
    response = client.post("/api/chat", json={"message": message, "channel": channel},
                           headers={"Accept-Language": page_lang})
    assert response.status_code == 200
    assert response.get_json()["lang"] == lang


def test_spanish_follow_up_to_an_english_complaint_is_answered_in_spanish(index):
    first = respond("my elbow hurts on the inside", index, BotSettings())
    later = respond("me duele cuando agarro cosas", index, BotSettings(),
                    context=first["context"]) if first["context"] else None
    if later is not None:
        assert later["lang"] == "es"
    assert respond("my back hurts me duele", index, BotSettings(), lang="es")["lang"] == "es"


@pytest.mark.parametrize(("message", "age"), [
    ("tengo 45", "45 years old"), ("tengo 72 con artritis", "72 years old"), ("soy de 50 y tantos", "50 years old"),
    ("tengo sesenta y tantos", "60 years old"), ("estoy en mis cincuentas", "50 years old"),
])
def test_an_age_said_without_years_is_read_as_an_age(message, age):
    assert age in spanish.gloss(message)
    assert "masters_athlete" in spanish.concepts(message)


def test_a_count_is_not_an_age():
    assert "years old" not in spanish.gloss("tengo 2 hijos y 10 dias con dolor")


def test_how_many_and_how_long_stay_apart():
    assert "treatment_duration" in spanish.concepts("cuantas sesiones voy a necesitar")
    assert "treatment_duration" not in spanish.concepts("cuanto dura la primera cita")
    assert "session_length" in spanish.concepts("cuanto dura la primera cita")


def test_gloss_reads_he_oido_as_heard_not_the_ear():
    assert "ear" not in spanish.gloss("he oído que tratan a bebés").split()
    assert "ear" in spanish.gloss("me duele el oído").split()
