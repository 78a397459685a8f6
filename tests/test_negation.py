"""Negation scope (bot/scope.py): what a denial covers, in English and Spanish, for both layers."""

import pytest

from bot import redflag_model, scope, triage


def reasons(message):
    """term -> how each of its mentions was read."""
    out = {}
    for mention in triage.read(message):
        out.setdefault(mention.term, set()).add(mention.reason)
    return out


def negated_words(message):
    """The words of a message that a denial covers."""
    reading = triage.read_once(message, triage.load_rules())
    return {m.group() for m in scope.WORD.finditer(reading.text) if scope.covered(m.start(), reading.negated)}


@pytest.mark.parametrize("message", [
    "low back ache. no saddle numbness, and my bladder and bowels are working normally",
    "denies saddle numbness, bladder or bowel problems",
    "no chest pain, no breathlessness, just a sore shoulder after bench press",
    "no fever, chills, night sweats or weight loss with this back pain",
    "my leg weakness is not getting worse",
    "no tengo fiebre ni dolor de pecho, solo me duele la espalda baja",
    "sin dolor de pecho y sin falta de aire, solo el hombro adolorido",
    "nunca he tenido cancer, me duele la espalda al cargar cajas",
])
def test_screen_negated_lists_and_clauses_stay_calm(message):
    assert triage.screen(message, learned=False).level == "none"


@pytest.mark.parametrize("message, expect", [
    # the denial stops at "but"/"pero"/"aunque" and at the sentence end
    ("no fever but crushing chest pain and sweating", "emergency"),
    ("No fever. Crushing chest pain and sweating since an hour.", "emergency"),
    ("no tengo fiebre pero tengo un dolor opresivo en el pecho y no puedo respirar", "emergency"),
])
def test_screen_negation_does_not_reach_across_but_or_sentences(message, expect):
    assert triage.screen(message, learned=False).level == expect


def test_scope_list_renews_reach_and_stops_at_contrast():
    words = negated_words("no numbness in my groin, tingling, weakness in both legs or trouble peeing, "
                          "but my chest hurts")
    assert {"numbness", "groin", "tingling", "weakness", "legs", "peeing"} <= words
    assert "chest" not in words and "hurts" not in words


def test_scope_normality_statement_covers_its_clause():
    words = negated_words("no saddle numbness, and my bladder and bowels are working normally")
    assert {"saddle", "numbness", "bladder", "bowels"} <= words


@pytest.mark.parametrize("message, word", [
    ("no tengo fiebre ni dolor de pecho", "pecho"),
    ("sin dolor en el pecho", "pecho"),
    ("nunca tuve cancer", "cancer"),
    ("niega fiebre", "fiebre"),
])
def test_scope_spanish_denials(message, word):
    assert word in negated_words(message)


@pytest.mark.parametrize("message, word", [
    ("no puedo respirar", "respirar"),            # a lost function is the finding
    ("sin razon he bajado de peso", "peso"),      # unexplained weight loss
    ("havent felt the baby move today", "move"),
    ("he is not breathing properly", "breathing"),
    ("i am not sure it is numbness", "numbness"),  # a hedge, not a denial
    ("no fever. my chest hurts", "chest"),          # next sentence
    ("no fiebre, pero me duele el pecho", "pecho"),  # across "pero"
])
def test_scope_pseudo_negations_and_boundaries_leave_findings(message, word):
    assert word not in negated_words(message)


def test_model_features_mark_denied_words_and_drop_their_pairs():
    reading = triage.read_once("no chest pain, no breathlessness", triage.load_rules())
    feats = redflag_model.features(reading.text, reading.negated)
    assert "~chest" in feats and "~breathlessness" in feats
    assert "chest" not in feats and "chest pain" not in feats
    positive = triage.read_once("chest pain and breathless", triage.load_rules())
    assert "chest pain" in redflag_model.features(positive.text, positive.negated)


@pytest.mark.parametrize("message, word", [
    ("i dont want to live like this anymore", "live"),
    ("honestly i dont really want to wake up tomorrow", "wake"),
    ("no quiero seguir viviendo", "viviendo"),
    ("ya no vale la pena vivir", "vivir"),
])
def test_scope_wish_not_to_live_is_a_finding_not_a_denial(message, word):
    assert word not in negated_words(message)


# Session 9: a denial or a clinician's exclusion never reaches into the next clause that has its own subject and
# verb, after a comma, "and"/"y" or "since"/"desde que"; a bare list of findings is still covered. Written for
# this test; not from the corpus or any evaluation set.
@pytest.mark.parametrize("message, expect", [
    ("The doctor said it was not a heart attack, the chest pain is back and going down my left arm and I'm sweating.",
     "emergency"),
    ("I don't have a history of anything and the right side of my face has gone droopy.", "emergency"),
    ("Nothing major happened, the whole of my saddle area is numb and I wet myself.", "emergency"),
    ("I have no control of my bowels since the back pain started", "emergency"),
    ("El doctor dijo que no era infarto, el dolor de pecho volvio y me baja al brazo izquierdo.", "emergency"),
    ("No me cai ni nada, la pierna se me puso fria y blanca y me duele horrible.", "emergency"),
    ("No tengo fiebre, la espalda me duele y no siento nada entre las piernas.", "emergency"),
])
def test_screen_exclusion_does_not_reach_the_next_clause(message, expect):
    assert triage.screen(message, learned=False).level == expect


@pytest.mark.parametrize("message", [
    "No numbness, tingling or weakness, and the pain has been the same for weeks.",
    "I have no bladder or bowel problems, the sciatica is the same as last month.",
    "The GP said it is not a clot, the calf has been sore since my run and it is easing.",
    "No saddle numbness, the bladder is fine and the back ache started after gardening.",
    "No fever, no chills, no night sweats, the back stiffness is worse in the morning.",
    "Sin fiebre, sin hormigueo, y el dolor es igual que siempre, que ejercicios hago?",
    "No me duele el pecho, la espalda me duele de cargar cajas.",
    "No tengo problemas para orinar ni entumecimiento, la ciatica esta igual que el mes pasado.",
    "El doctor dijo que no era nada grave, la rodilla me duele al subir escaleras.",
])
def test_screen_lists_and_exclusions_before_a_new_clause_stay_calm(message):
    assert triage.screen(message).level == "none"


@pytest.mark.parametrize("message, covered_word, open_word", [
    ("no fever, chills or night sweats, the calf is swollen", "sweats", "swollen"),
    ("they said it was not a clot and the leg is swollen again", "clot", "swollen"),
    ("sin fiebre ni escalofrios, la pierna se me hincho", "escalofrios", "hincho"),
    ("no bladder trouble since the fall", "bladder", "fall"),
])
def test_scope_new_clause_ends_the_denial(message, covered_word, open_word):
    words = negated_words(message)
    assert covered_word in words and open_word not in words
