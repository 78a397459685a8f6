"""The right level (issue 14): emergencies answered as emergencies, urgent presentations kept urgent.

Written for this test from the public guidance the rules cite (GIRFT cauda equina warning card, NHS vaginal
bleeding in pregnancy, Canadian C-Spine Rule, NHS Falls and Hip fracture, NHS Giant cell arteritis, National
Domestic Violence Hotline, NHS and UK Sepsis Trust sepsis signs, BOAST 10 compartment syndrome; NHS DVT, Help
for suicidal thoughts, Premature labour, Your baby's movements, Septic arthritis; NHS Cellulitis, Necrotising
fasciitis, Broken leg, Broken arm or wrist, What to do if someone has a seizure, Insect bites; NICE CG176 head
injury; NICE CG151 neutropenic sepsis; NHS Chest pain, Angina, Meningitis; Ottawa Ankle Rules), English and
Spanish; not from the corpus or any evaluation set.
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
    # a skin infection with signs it has spread (NHS Cellulitis, Necrotising fasciitis: call 999 or go to A&E)
    "The graze on my elbow has gone red and swollen, I keep throwing up and feel really ill.",
    "The red area round the cat scratch on my hand has spread up my wrist and my heart is pounding.",
    "Tengo una cortada en el pie que esta roja e hinchada, traigo el corazon acelerado y me siento muy mal.",
    "Las rayas rojas de la picadura ya me llegan al codo y tengo calentura.",
    "Got a small cut gardening on Sunday and it hurts way more than it should, the skin is turning dusky.",
    "Me rasgue la pierna con un alambre y me duele muchisimo mas de lo normal, tiene ampollas moradas.",
    # a major mechanism with a leg that will not take weight or a broken long bone (NHS Broken leg: A&E, 999)
    "My brother was knocked off his scooter by a van and can't stand on his left leg at all.",
    "Se cayo del andamio en la obra y creo que se quebro la pierna.",
    # a leg out of shape after an injury (NHS Broken leg: A&E now, 999 if you cannot walk)
    "My daughter landed badly off the climbing frame and her shin is at a strange angle.",
    "Me resbale en la regadera y la pierna me quedo chueca.",
    # NICE CG176: lost consciousness or blood from the ear after a head injury
    "Mi hijo se pego en la cabeza con el columpio y perdio el conocimiento unos segundos.",
    "He took a knock to the head in rugby and now there's blood coming out of his ear.",
    # NHS: call 999 for a first seizure or one lasting over five minutes
    "My husband just had a fit for the first time ever, he is very confused now.",
    "Mi sobrino esta convulsionando desde hace casi 10 minutos y no para.",
    # NHS Meningitis: its signs come in any order; a stiff neck with a fever is enough to call
    "Running a fever since this afternoon and my neck has gone so stiff I can't look down.",
    "Mi hija tiene fiebre y no puede doblar el cuello.",
    # NICE CG151: a fever during chemotherapy is neutropenic sepsis until shown otherwise
    "My wife had her second round of chemo last Thursday and tonight her temperature is 38.4.",
    "Mi papa esta en quimioterapia y le dio fiebre esta tarde.",
    # NHS Chest pain: pain lasting more than 15 minutes, or angina the spray does not ease; numb left arm with it
    "There's been a heavy feeling behind my breastbone for about 40 minutes now, I'm sitting down.",
    "Tengo angina y la pastilla debajo de la lengua no me hizo nada, el dolor de pecho sigue.",
    "Chest pain and my left hand has gone tingly.",
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
    # a wound or bite infection without signs it has spread, or with mild words: a doctor today
    "The redness around the cut on my shin has been spreading since this morning, I feel fine otherwise.",
    "Me salieron rayas rojas que suben por el brazo desde la cortada, no tengo fiebre.",
    "My son's insect bite is a bit red and swollen and he has a slight temperature.",
    # a red, swollen wound with a fever alone (CDC Surgical site infection: call the doctor; a doctor today)
    "The graze on my elbow has gone red and swollen and tonight I'm burning up with a fever.",
    "Tengo una cortada en el pie que esta roja e hinchada y ahora tengo calentura y escalofrios.",
    # an arm or wrist out of shape: urgent care can X-ray and splint it (NHS Broken arm or wrist; AAOS)
    "My daughter landed badly off the climbing frame and her forearm is at a strange angle.",
    "Me resbale en la regadera y el brazo me quedo chueco.",
    # chest discomfort on effort that goes with rest (NHS Angina: see a GP; the rule's urgent)
    "I get a tight chest walking up the hill to work, it goes after a minute or two when I stop.",
    # a twisted ankle that will not take weight, no major mechanism (Ottawa: an X-ray today)
    "Went over on my ankle stepping off the kerb and can't put weight on it.",
    "Me torci el tobillo bajando la escalera y no puedo apoyar el pie.",
]

ROUTINE = [
    "I finished chemo three years ago and my shoulder is still stiff, which exercises help?",
    "Woke up with a stiff neck after sleeping on a new pillow, no other symptoms.",
    # a person with epilepsy after one of their usual seizures (NHS: not always hospital)
    "My daughter has epilepsy and had one of her usual short seizures, she's sleepy but back to herself.",
    "I broke my leg in a motorbike crash last spring, the cast is off, which exercises now?",
    "The scar on my knee from the op is slightly red and I felt dizzy after the gym.",
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
