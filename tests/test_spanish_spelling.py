"""Which Spanish corrections are slips of the fingers and which make another word (index/spanish_spelling.py)."""

from __future__ import annotations

import pytest

from index import spanish
from index import spanish_spelling as spelling_es


def _other(word: str, corrected: str) -> bool:
    return spelling_es.other_word(word, corrected, spanish._stem)


@pytest.mark.parametrize(("word", "corrected"), [
    ("punza", "panza"), ("trastes", "triste"), ("chambear", "cambiar"),  # a vowel for a vowel
    ("moretones", "montones"), ("barbero", "barrer"),                    # a letter far on the keyboard
    ("atorada", "agotada"), ("techador", "teclado"),                     # two letters replaced
    ("intenso", "interno"), ("empieza", "empezar"),                      # one dropped, another added elsewhere
    ("soldado", "soldador"), ("venas", "ventas"), ("cabecear", "cabecera"),  # another word's ending
    ("enfermo", "enero"), ("refresco", "regreso"),                       # two slips in a short word
])
def test_other_word_refuses_a_correction_into_another_word(word, corrected):
    assert _other(word, corrected)


@pytest.mark.parametrize(("word", "corrected"), [
    ("espakda", "espalda"), ("hombto", "hombro"), ("talom", "talon"),    # the key beside
    ("hombor", "hombro"), ("rodila", "rodilla"), ("espalada", "espalda"),  # swapped, doubled, one too many
    ("pesadas", "pesada"), ("camina", "caminar"), ("mujeres", "mujer"),  # the same word's stem, the plural
    ("moverlo", "mover"), ("agacharme", "agachar"), ("ayudaron", "ayudan"),  # a pronoun on the verb, its tense
])
def test_other_word_accepts_a_slip_of_the_fingers(word, corrected):
    assert not _other(word, corrected)


def test_edits_prefer_fewest_replaced_letters():
    assert spelling_es.edits("rodila", "rodilla") == [("ins", "", "l")]
    assert spelling_es.edits("hombor", "hombro") == [("swap", "or", "ro")]
    assert [kind for kind, _, _ in spelling_es.edits("amanezco", "amaneci")].count("sub") == 1


@pytest.mark.parametrize(("small", "word"), [
    ("rodillita", "rodilla"), ("manita", "mano"), ("bracito", "brazo"), ("cabecita", "cabeza"),
    ("dolorcito", "dolor"), ("piecito", "pie"), ("bultitos", "bulto"),
])
def test_a_diminutive_is_read_as_its_word(small, word):
    assert word in spelling_es.diminutive_bases(small)
    assert spanish.correct(small) == word


@pytest.mark.parametrize(("message", "concept"), [
    ("me duele la rodillita", "knee"), ("tengo un dolorcito en el cuello", "neck"),
])
def test_a_diminutive_reaches_its_concept(message, concept):
    assert concept in spanish.concepts(message)


@pytest.mark.parametrize(("word", "not_meant"), [
    ("cayo", "callo"),          # fell, not a callus (a plantar wart)
    ("intenso", "interno"),     # intense, not inner (golfer's elbow)
    ("trastes", "triste"), ("venas", "ventas"), ("palpita", "paleta"), ("moretones", "montones"),
    ("enfermo", "enero"), ("canso", "caso"),  # sick, not January; tired (by the stem of "cansado"), not a case
])
def test_everyday_words_are_not_corrected_into_others(word, not_meant):
    assert spanish.correct(word) != not_meant


def test_understood_guards_names_as_gloss_does():
    """A name is no slip of the fingers for either: "Mexico" is not "medico" (doctor) in ``gloss`` nor in
    ``understood``, which the coverage bench counts by; both read it through ``spanish.corrected``."""
    message = "me duele la espalda cuando vuelo a Mexico"
    names = spanish.proper_names(message)
    assert spanish.correct("mexico") == "medico"         # unguarded, the corrector would read a doctor
    assert spanish.corrected("mexico", names) == "mexico"
    assert "doctor" not in spanish.gloss(message).split()
    assert not spanish.understood("mexico", names=names)


@pytest.mark.parametrize("message", ["hospital parking?", "personal trainer", "extra session", "gel or ice"])
def test_words_spelt_alike_in_english_do_not_make_a_message_spanish(message):
    """The glossary reads "hospital" or "personal" as themselves; they are no evidence of Spanish."""
    assert spanish.detect(message) == "en"
    assert spanish.detect(f"me duele la rodilla, {message}") == "es"
