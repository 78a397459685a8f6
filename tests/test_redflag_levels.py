"""The right level (issue 14): emergencies answered as emergencies, urgent presentations kept urgent.

Written for this test from the public guidance the rules cite (GIRFT cauda equina warning card, NHS vaginal
bleeding in pregnancy, Canadian C-Spine Rule, NHS Falls and Hip fracture, NHS Giant cell arteritis, National
Domestic Violence Hotline, NHS and UK Sepsis Trust sepsis signs, BOAST 10 compartment syndrome; NHS DVT, Help
for suicidal thoughts, Premature labour, Your baby's movements, Septic arthritis), English and Spanish; not
from the corpus or any evaluation set.
"""

import pytest

from bot import redflag_model as rm
from bot import triage

EMERGENCIES = [
    # cauda equina: a change in sexual function with back pain is on the CES card (go to A&E now)
    "ever since my lower back flared up on sunday i can't keep an erection, is that the disc?",
    "Desde que me dio la lumbalgia no logro eyacular, me da pena preguntarle al doctor.",
    # pregnancy with heavy bleeding, strong pain or faintness (NHS: 999 or A&E)
    "I'm 9 weeks pregnant and the bleeding is really heavy now, I've gone through two pads in an hour.",
    "Estoy embarazada de 10 semanas, estoy sangrando mucho y me siento mareada.",
    # a dangerous mechanism with neck pain (Canadian C-Spine: high risk)
    "Came off my motorbike at speed on the bypass and the pain in the back of my neck is unbearable.",
    "Me cai del techo arreglando una gotera y tengo un dolor muy fuerte en el cuello.",
    # an older person who cannot get up or bear weight after a fall (NHS Falls)
    "Grandad is 91 and slipped in the bathroom, he can't get back up and says his leg hurts.",
    "Mi suegra de 83 se resbalo en la cocina y no puede apoyar la pierna.",
    # GCA with a change in sight (NHS: A&E or 999)
    "I'm 74, tender scalp at my temples for a few days and today my left eye's vision has gone misty.",
    "Mi tio de 78 tiene dolor en la sien y desde hoy no ve bien de un ojo.",
    # domestic abuse with fear (NDVH: in danger, call 911)
    "My husband threw me against the wall last night and I'm terrified of what he'll do when he's back.",
    "Mi pareja me golpeo en la cara y tengo mucho miedo de que vuelva.",
    # sepsis after surgery (NHS: breathing very fast, confusion; UK Sepsis Trust)
    "Five days after my shoulder operation I'm shivering, my breathing is really fast and I feel muddled.",
    "Me operaron de la rodilla hace una semana, tengo fiebre, respiro muy rapido y estoy confundido.",
    # combinations the brief names: a head injury on blood thinners (NICE CG176), fever with a rash that does
    # not fade under a glass (NHS Meningitis, Sepsis)
    "My 70 year old dad is on warfarin and banged his head on a cupboard, he seems fine.",
    "Mi mama toma sintrom y se pego en la cabeza con la puerta.",
    "I've got a fever and a rash that doesn't fade when I press a glass on it.",
    "Mi hija tiene fiebre y unas manchitas que no se quitan al apretar con un vaso.",
    # compartment syndrome after a fracture: pain the painkillers do not touch (BOAST 10)
    "My son fractured his shin at football on saturday and tonight the pain meds aren't doing anything.",
    "Mi esposo se rompio la pierna y ni con las pastillas se le quita el dolor.",
]

URGENT = [
    # DVT without chest or breathing signs (NHS: urgent GP or 111)
    "My left calf is swollen and warm and red since my long flight home two days ago.",
    "Tengo la pantorrilla derecha hinchada, roja y caliente desde el vuelo largo.",
    # passive suicidal thoughts (crisis line first, urgent)
    "With this back pain some nights I wish I just wouldn't wake up.",
    "Con este dolor a veces pienso que seria mejor no despertar.",
    # preterm labour signs, reduced movements
    "I'm 32 weeks and getting tightenings every 10 minutes with pressure low down.",
    "Tengo 30 semanas y hoy casi no siento al bebe moverse.",
    # septic arthritis
    "My knee has gone hot, red and swollen since yesterday and I've got a fever.",
    "Tengo la rodilla roja, caliente e hinchada y tengo fiebre desde anoche.",
    # pregnancy with light spotting only (NHS: midwife or maternity unit today)
    "I'm 14 weeks pregnant and noticed a little spotting this morning, no pain.",
    # a low-speed rear-end crash with a stiff neck (Canadian C-Spine: low risk), a fall with a sore neck
    "Got rear-ended at low speed at a red light yesterday and my neck is stiff today.",
    "Fell off a ladder at work this morning and my neck hurts when I turn it.",
]

ROUTINE = [
    "Since my knee op I get really breathless when I run, how do I build my fitness back?",
    "I'm 70 and my eyes get blurry when I read small print, could my neck be the cause?",
    "I broke my leg 2 years ago and it still aches when the weather turns cold.",
]


def _model():
    """The built artifact, or None: the rules alone must hold every level here either way."""
    return rm.load_default()


@pytest.mark.parametrize("message", EMERGENCIES)
def test_screen_answers_guidance_emergencies_as_emergency(message):
    assert triage.screen(message, learned=False).level == "emergency"
    assert triage.screen(message, learned=_model()).level == "emergency"


@pytest.mark.parametrize("message", URGENT)
def test_screen_keeps_urgent_presentations_urgent(message):
    assert triage.screen(message, learned=False).level == "urgent"
    assert triage.screen(message, learned=_model()).level == "urgent"


@pytest.mark.parametrize("message", ROUTINE)
def test_screen_keeps_look_alikes_of_the_new_combinations_routine(message):
    assert triage.screen(message, learned=False).level == "none"
