"""Spanish practical questions (appointments, prices, parking, session length) read as their English twins."""

from __future__ import annotations

import pytest

from bot.chat import english_reading, respond
from bot.settings import BotSettings
from index import analysis, search, spanish


@pytest.fixture(scope="module")
def index(built_index_dir):
    """The bundled feed's index, loaded once for this module."""
    return search.load(built_index_dir)


@pytest.mark.parametrize(("spanish_message", "english_message"), [
    ("cuanto dura una sesion?", "how long is a session?"),
    ("cuanto tiempo dura la cita de terapia", "how long is the therapy appointment"),
    ("cuantos minutos dura cada visita", "how many minutes long is each visit"),
    ("las sesiones son de una hora?", "are the sessions an hour long?"),
])
def test_how_long_a_visit_lasts_is_session_length_not_how_many_sessions(spanish_message, english_message):
    read = set(spanish.concepts(spanish_message))
    assert "session_length" in read and "session_length" in analysis.concepts(english_message)
    assert "treatment_duration" not in read


@pytest.mark.parametrize("message", ["cuantas sesiones voy a necesitar?", "cuanto tiempo dura el tratamiento"])
def test_how_many_sessions_is_still_treatment_duration(message):
    assert "treatment_duration" in spanish.concepts(message)


@pytest.mark.parametrize(("message", "word"), [
    ("tienen estacionamiento?", "parking"),
    ("hay parqueo gratis?", "parking"),
    ("ofrecen telemedicina", "telehealth"),
    ("atienden los sabados?", "saturdays"),
    ("hacen visitas a domicilio?", "home"),
    ("como cancelo mi cita?", "cancel"),
    ("puedo cambiar mi cita para otro dia?", "reschedule"),
    ("uso chanclas todo el verano", "wear"),
    ("que me pongo para mi primera cita", "wear"),
])
def test_front_desk_words_are_said_as_their_english(message, word):
    assert word in spanish.gloss(message).split()


@pytest.mark.parametrize(("message", "concept"), [
    ("tienen estacionamiento?", "scheduling"),
    ("ofrecen telemedicina", "scheduling"),
    ("tienen citas disponibles esta semana?", "scheduling"),
])
def test_front_desk_words_reach_the_concept_their_english_names(message, concept):
    assert concept in spanish.concepts(message)


@pytest.mark.parametrize(("message", "not_said"), [
    # A concept's phrase the message never said: parking is not "opening hours", a massage not a "brace".
    ("tienen estacionamiento?", "opening"),
    ("hacen masajes?", "brace"),
    ("hacen ultrasonido?", "brace"),
    # "cancelo" is not cancer, "caro" not a car, "inglés" not the groins.
    ("como cancelo mi cita?", "cancer"),
    ("es caro?", "car"),
    ("atienden en ingles y espanol?", "hip"),
])
def test_front_desk_words_are_not_read_as_other_words(message, not_said):
    assert not_said not in spanish.gloss(message).split()


@pytest.mark.parametrize(("message", "wrong"), [
    ("atienden a mujeres embarazadas?", "attendee"),
    ("pagos con tarjeta de credito?", "steps"),
    ("les mando un mensaje", "massage"),
    ("tengo tendinitis calcificada en el hombro", "qualified"),
])
def test_unknown_practical_words_are_not_typo_corrected_into_index_words(index, message, wrong):
    assert wrong not in english_reading(message, index).split()


@pytest.mark.parametrize("message", ["hacen home visits?", "tienen parking?", "aceptan cash?"])
def test_spanglish_question_opening_with_a_clinic_verb_is_spanish(message):
    assert spanish.detect(message) == "es"


@pytest.mark.parametrize("message", ["can I book online", "do you take cash", "Dan said my knee hurts",
                                     "hay fever makes my sinuses ache"])
def test_english_practical_questions_stay_english(message):
    assert spanish.detect(message) == "en"


@pytest.mark.parametrize(("spanish_message", "english_message"), [
    ("cuanto dura la primera cita?", "how long is the first appointment?"),
    ("necesito referencia de mi doctor?", "do I need a referral from my doctor?"),
    ("tienen estacionamiento?", "do you have parking?"),
])
def test_spanish_practical_question_reaches_the_post_its_english_twin_reaches(index, spanish_message,
                                                                             english_message):
    settings = BotSettings()
    spanish_answer = respond(spanish_message, index, settings)
    english_answer = respond(english_message, index, settings)
    assert spanish_answer["lang"] == "es" and english_answer["lang"] == "en"
    assert spanish_answer["results"] and english_answer["results"]
    assert spanish_answer["results"][0]["post_slug"] == english_answer["results"][0]["post_slug"]
