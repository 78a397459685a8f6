"""Look-alikes the learned layer alone once flagged stay routine on the whole screen (issue 14).

A benign positional dizziness already named by a doctor, an older person asking for balance exercises, the usual
migraine, a pinched nerve in the neck with normal strength, a clicking jaw: ordinary physiotherapy questions that
share words with stroke or meningitis. Written for this test from MedlinePlus en espanol (vertigo posicional
benigno, equilibrio, migrana, dolor de cuello); not from the corpus or any evaluation set. Also a patient who
would rather not take painkillers ("don't want" and "take" once read as an overdose or a wish to die) and a child
whose neck aches from screens (once read as a child's stiff neck), in both languages, from the NHS neck and back
pain pages.
"""

import pytest

from bot import triage

ROUTINE = [
    "El otorrino me dijo que tengo vertigo posicional, me da al voltearme en la almohada y dura segundos.",
    "me da un mareito cuando me levanto rapido del sillon pero se me pasa luego luego",
    "Mi suegra de 81 quiere clases de equilibrio porque le da miedo resbalarse en la regadera.",
    "Tengo mi migrana de siempre, la que me da con el estres, ya me tome lo que me receto el doctor.",
    "Me jala el cuello hacia el brazo cuando trabajo en la laptop, pero aprieto bien con la mano.",
    "se me entume el brazo si me duermo encima de el y en cuanto lo muevo se quita",
    "Me truena la quijada al bostezar y me duele un poco la sien de tanto apretar los dientes.",
]

LEARNED_ONLY = [
    "I'd prefer to avoid tablets for my wrist pain, are there splints or exercises?",
    "Really don't want to take anything stronger than paracetamol for my bad back.",
    "no quiero tomar mas medicina para la cadera, prefiero hacer ejercicio",
    "My 14 year old has a sore neck every night from scrolling on his phone in bed.",
    "Mi hija de 9 se queja del cuello despues de estar en la computadora de la escuela.",
    # Session 11: an ordinary dose with a question about another (read as an overdose), a tension headache with
    # a tight neck (read as meningitis), everyday tiredness with aches (read as sepsis); NHS Paracetamol for adults,
    # MedlinePlus en espanol (cefalea tensional, fatiga). Worded apart from the corpus rows added for them.
    "Had two paracetamol an hour ago for my sore hip, can I add ibuprofen later?",
    "me tomé un paracetamol para la rodilla en la mañana, en la noche puedo tomar otro?",
    "traigo el cuello tenso por el estrés y me da dolor de cabeza en las tardes",
    "ando cansada y con el cuerpo adolorido por comer mal y dormir poco",
    # Session 12: a question about mixing two painkillers at normal doses, early labour at term (NHS: Signs that
    # labour has begun; not preterm), worded apart from the corpus rows added for them.
    "tome un ibuprofeno en la manana y un paracetamol al mediodia por el tobillo, hice bien?",
    "ya tengo 40 semanas y siento contracciones cada 25 minutos que se aguantan bien, cuando voy al hospital?",
]


@pytest.mark.parametrize("message", ROUTINE + LEARNED_ONLY)
def test_spanish_brain_and_nerve_look_alikes_stay_routine(message):
    result = triage.screen(message)
    assert result.level == "none", (result.level, result.rule_ids, result.learned_score)


# Session 12 (English): wishes about a pain, not about the person ("make this neck pain disappear" was once read as
# a wish to be gone), gym and idiom words, a bruise with its reason, a cast off and a stiff wrist. Written for this
# test from the NHS neck pain, exercise and vaccination pages; not from the corpus or any evaluation set.
EN_LEARNED = [
    "Can you make this neck pain disappear? It's been stiff since Monday.",
    "I just want the ache in my lower back to vanish so I can sleep.",
    "honestly I'd do anything to make my knee pain go away forever",
    "My 5 month old had her jabs yesterday and there's a small bruise on her leg, can she still do tummy time?",
    "The cast came off my son's wrist last week and he won't bend it much, it's stiff.",
    "Felt a pull between my shoulder blades on a heavy row, sore to turn but otherwise fine, what stretches?",
    "I'm 30 weeks, the baby is kicking loads and my pubic bone aches when I stand up.",
]


@pytest.mark.parametrize("message", EN_LEARNED)
def test_english_look_alikes_stay_routine(message):
    result = triage.screen(message)
    assert result.level == "none", (result.level, result.rule_ids, result.learned_score)
