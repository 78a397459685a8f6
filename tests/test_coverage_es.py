"""Spanish vocabulary coverage (issue 19): everyday words are read, not dropped, and reach the English concept."""

from __future__ import annotations

import pytest

from bench import coverage_es
from index import analysis, spanish


@pytest.mark.parametrize(("corpus", "bound"), [
    # Measured 0.4%, 0.9% and 4.4% (from 0.6%, 1.2% and 9.2% before the vocabulary by topic of issue 19, and
    # 11.3%, 12.2% and 12.3% before that): two points of slack. The fourth, written apart and read by nobody,
    # measured 7.5% (12.9% before session 10's vocabulary and speller); the third and fourth are never added from.
    (coverage_es.CORPUS, 0.024),
    (coverage_es.CORPUS.with_name("coverage_es_b.txt"), 0.029),
    (coverage_es.CORPUS.with_name("coverage_es_c.txt"), 0.064),
    (coverage_es.CORPUS.with_name("coverage_es_d.txt"), 0.095),
])
def test_gloss_drops_few_content_words_of_everyday_messages(corpus, bound):
    content, lost, _ = coverage_es.dropped(coverage_es.messages(corpus))
    assert content > 200
    assert sum(lost.values()) / content <= bound, lost.most_common(20)


def test_understood_is_what_gloss_keeps():
    """One place decides: a word ``understood`` rejects leaves no trace in the gloss, a glossary word does."""
    assert not spanish.understood("zorplicado")
    assert spanish.gloss("me duele zorplicado") == spanish.gloss("me duele")
    assert spanish.understood("troca") and spanish.translate("troca") in spanish.gloss("manejo troca").split()
    assert spanish.understood("de") and spanish.understood("42")


@pytest.mark.parametrize(("spanish_message", "english_message", "concept"), [
    ("mi abuelita se marea al pararse", "my grandmother gets dizzy when she stands up", "vestibular"),
    ("ando rengo desde que me cai", "I have a limp since I fell", "limping"),
    ("me duele la cicatriz de la cesarea", "my caesarean scar hurts", "pelvic_floor"),
    ("tengo artritis reumatoide en las manos", "I have rheumatoid arthritis in my hands", "arthritis"),
    ("me inyectaron el hombro", "they gave me an injection in my shoulder", "passive_treatment"),
    ("se me trona el cuello", "my neck clicks", "clicking"),
    ("se me acalambra la pantorrilla", "I get a cramp in my calf", "lower_leg"),
])
def test_everyday_spanish_word_reaches_the_english_concept(spanish_message, english_message, concept):
    assert concept in analysis.concepts(english_message)
    assert concept in spanish.concepts(spanish_message)


@pytest.mark.parametrize(("message", "english", "not_english", "not_concept"), [
    # Words the corrector used to read as other ones.
    ("me duele un chorro la rodilla", "knee", "run", "running"),          # "chorro" (a lot) is not "corro"
    ("me duele la cadera cuando me acuesto", "lying", "access", None),    # "acuesto" is not "acceso"
    ("tuve un accidente laboral", "work", "lateral", None),               # "laboral" is not "lateral"
    ("me duele el costado al respirar", "side", "cost", "insurance"),     # "costado" is no "costo"
    ("trabajo de maestra y estoy parada", "teacher", "waitress", None),   # "maestra" is not "mesera"
])
def test_everyday_words_are_not_read_as_other_words(message, english, not_english, not_concept):
    glossed = spanish.gloss(message)
    assert english in glossed and not_english not in glossed.split(), glossed
    assert not_concept is None or not_concept not in spanish.concepts(message)


@pytest.mark.parametrize(("typed", "meant"), [
    ("espakda", "espalda"), ("hombto", "hombro"), ("talom", "talon"),   # the key beside
    ("hombor", "hombro"), ("rodila", "rodilla"), ("tobiyo", "tobillo"),  # swapped, dropped, sounded alike
])
def test_slips_of_the_finger_are_still_corrected(typed, meant):
    assert spanish.correct(typed) == meant


@pytest.mark.parametrize(("word", "not_meant"), [
    ("coser", "comer"), ("quemada", "quijada"), ("agachar", "agarrar"), ("amarro", "agarro"),
])
def test_a_letter_far_on_the_keyboard_makes_another_word_not_a_typo(word, not_meant):
    """Unknown, such a word is dropped (it weighs nothing) rather than read as a word it is not."""
    assert spanish.correct(word) != not_meant


def test_slip_is_keys_that_touch():
    from index.spelling import slip

    assert slip("k", "l") and slip("t", "g") and slip("n", "m") and slip("l", "ñ")
    assert not slip("s", "m") and not slip("c", "r") and not slip("a", "p")


@pytest.mark.parametrize(("message", "english"), [
    # Issue 19, by topic: body, sensations, work, chores, sport, time, the front desk, treatments, Spanglish.
    ("me duelen las muelas y el trapecio", "trapezius"),
    ("siento un dolor intenso que se me irradia", "intense"),
    ("trabajo de camarista en un hotel", "housekeeper"),
    ("lavo los trastes y tiendo la ropa", "dishes"),
    ("juego rugby en una liga los domingos", "league"),
    ("me lastimé en enero y empeoró anoche", "january"),
    ("¿cuánto es el coaseguro y necesito autorización previa?", "coinsurance"),
    ("me hicieron electroterapia y tracción", "traction"),
    ("mi bossa no me deja hacer overtime", "boss"),
    ("me di un madrazo con la puerta", "hit"),
    ("¿aceptan Molina o Kaiser?", "insurance"),
])
def test_everyday_words_by_topic_are_read(message, english):
    assert english in spanish.gloss(message).split()


def test_lexicon_es_loader_refuses_a_duplicate_word(tmp_path):
    """A word written twice in [words] is an error at load, not a silent second meaning."""
    from index.datafile import read_toml
    from index.lexicon import LexiconError

    path = tmp_path / "lexicon_es.toml"
    path.write_text('[words]\ncodo = "elbow"\ncodo = "bend"\n', encoding="utf-8")
    with pytest.raises(LexiconError):
        read_toml(path, LexiconError, "lexicon")


def test_coverage_reads_a_tuning_file_of_labelled_messages():
    """``--corpus`` takes a tuning file (``.jsonl``): its rows' messages, which the gloss now keeps."""
    path = coverage_es.CORPUS.with_name("tuning_es_kibworth_2.jsonl")
    texts = coverage_es.messages(path)
    assert len(texts) >= 120 and all(isinstance(text, str) and text for text in texts)
    content, lost, _ = coverage_es.dropped(texts)
    # Measured 1.9% (6.3% before session 11's vocabulary): a point of slack.
    assert sum(lost.values()) / content <= 0.03, lost.most_common(20)
