"""The red-flag wordings widened in session 7 (issue 14): mental health and safety, and pregnancy, in Spanish
and English, by the rules alone (the layer that must hold without the model), with their negated and
ordinary look-alikes. Written for this test from 988 Lifeline en espanol, NHS (self-harm, paracetamol,
ectopic pregnancy, pre-eclampsia, baby movements, waters breaking), ACOG preterm labour and the National
Domestic Violence Hotline; not from the corpus or any evaluation set."""

import pytest

from bot import triage

# (expected level, family, message): what the rules alone must give.
FLAGGED = [
    # suicidal thoughts with a plan or means
    ("emergency", "mental_health", "Mi hermano dice que se va a matar y tiene una escopeta en el cuarto."),
    ("emergency", "mental_health", "Ya tengo todo planeado para quitarme la vida el sabado, no aguanto la cadera."),
    ("emergency", "mental_health", "Mi hija me dijo que se va a tirar del puente despues de clases."),
    ("emergency", "mental_health", "I have been stockpiling my tablets and plan to take them all tonight."),
    # passive wishes to be gone
    ("urgent", "mental_health", "Desde la cirugia ya no le encuentro sentido a la vida."),
    ("urgent", "mental_health", "Mi abuela repite que ya quiere que Dios se la lleve, esta cansada del dolor."),
    ("urgent", "mental_health", "tengo pensamientos de muerte seguido, pero no tengo un plan"),
    ("urgent", "mental_health", "Some days I wish I would not wake up, this pain never lets up."),
    # self-harm that is still bleeding
    ("emergency", "mental_health", "Me hice cortadas en el brazo y ya empape dos toallas de sangre."),
    ("emergency", "mental_health", "Mi hijo se corto las munecas y la sangre no se detiene."),
    ("emergency", "mental_health", "I cut myself on purpose and it is still bleeding after an hour."),
    # intentional overdose, also when the person feels fine; staggered paracetamol
    ("emergency", "mental_health", "Anoche me empastille con las medicinas de mi mama, hoy me siento bien."),
    ("emergency", "mental_health", "Se tomo el frasco completo de ibuprofeno y dice que esta bien."),
    ("emergency", "mental_health", "Me tome unas pastillas de paracetamol a proposito para no despertar."),
    ("emergency", "mental_health", "Swallowed a whole packet of paracetamol on purpose this morning, feel fine."),
    ("emergency", "mental_health", "Llevo una semana tomando el doble de paracetamol por la rodilla."),
    ("emergency", "mental_health", "Me estoy tomando 12 pastillas de tylenol al dia desde el lunes."),
    # abuse: partner with danger, child disclosing
    ("emergency", "mental_health", "Mi pareja me apreto el cuello anoche y me amenazo con un cuchillo."),
    ("emergency", "mental_health", "My husband strangled me last night and says he will kill me."),
    ("urgent", "mental_health", "Tengo 12 y el novio de mi mama me pega cuando ella no esta."),
    ("urgent", "mental_health", "Soy menor de edad y mi padrastro me pega con el cinturon."),
    # pregnancy
    ("urgent", "pregnancy", "Tengo 31 semanas y el bebe se mueve mucho menos que ayer."),
    ("urgent", "pregnancy", "Estoy de 35 semanas y no he sentido al bebe en toda la manana."),
    ("urgent", "pregnancy", "Tengo 33 semanas y sigo mojando la ropa con agua clara."),
    ("urgent", "pregnancy", "Mi esposa tiene 30 semanas y se le rompio la fuente."),
    ("urgent", "pregnancy", "Estoy de 37 semanas y se me hincharon muchisimo la cara y las manos, me duele la cabeza."),
    ("urgent", "pregnancy", "Tengo 32 semanas y la panza se me pone dura con dolores que van y vienen."),
    ("emergency", "pregnancy", "Tengo 6 semanas de embarazo y un dolor fuerte en la ingle izquierda, me mareo."),
    ("urgent", "pregnancy", "I am 34 weeks pregnant with a pounding headache and flashing lights."),
    # English wordings widened the same round: third person, "wishes", a packet taken, "hes", "every few minutes"
    ("emergency", "mental_health", "My brother says he is going to jump off the car park roof tonight."),
    ("urgent", "mental_health", "My dad keeps telling me he wishes he was dead since his stroke."),
    ("urgent", "mental_health", "Sometimes I wish I wouldnt wake up, the pain is that bad."),
    ("emergency", "mental_health", "My girlfriend slit her wrists and it is bleeding a lot."),
    ("emergency", "mental_health", "She took a packet of paracetamol this morning and feels fine."),
    ("emergency", "mental_health", "He took a bottle of sleeping pills on purpose about an hour ago."),
    ("emergency", "mental_health", "My mum has taken more paracetamol than the packet says for five days."),
    ("emergency", "mental_health", "Hes strangled me twice and I am scared of going home tonight."),
    ("urgent", "pregnancy", "32 weeks and I havent felt him kick since this morning."),
    ("urgent", "pregnancy", "29 weeks pregnant, back pain coming every few minutes."),
    ("emergency", "limbs_trauma", "My leg in plaster is agony and my toes are cold and numb."),
    ("emergency", "mental_health", "Im going to drive into a tree on the way home, I cant do this pain anymore."),
    ("emergency", "mental_health", "Esta noche voy a estrellarme con el carro, ya no puedo mas."),
    ("urgent", "children", "Our toddler is limping since this morning and has a temperature."),
    # Spanish stroke, thunderclap headache, limbs and trauma
    ("emergency", "brain_nerves", "A mi tia de repente se le cae un lado de la cara y no le salen las palabras."),
    ("emergency", "brain_nerves", "Mi abuelo esta hablando arrastrando las palabras desde hace media hora."),
    ("emergency", "brain_nerves", "En la caminadora senti como un martillazo en la cabeza, nunca me habia dolido asi."),
    ("urgent", "limbs_trauma", "Tras un castigo de sentadillas mi hijo orino oscuro como coca, le duelen las piernas."),
    ("emergency", "limbs_trauma", "A mi hija la enyesaron ayer, el dolor es cada vez peor y no siente los dedos."),
    ("emergency", "limbs_trauma", "Mi suegra de 88 se cayo en la cocina y no se puede levantar, le duele la cadera."),
    ("emergency", "limbs_trauma", "Mi mama toma Sintrom y se dio un golpe en la cabeza con la alacena."),
    ("emergency", "brain_nerves", "Mi hijo tiene fiebre, el cuello bien rigido y le molesta mucho la luz."),
    ("emergency", "brain_nerves", "Me atropellaron en la bici, me duele el cuello y tengo hormigueo en las manos."),
    ("emergency", "brain_nerves", "Ayer el quiropractico me trono el cuello y hoy veo doble y me cuesta hablar."),
]

# Must stay routine: negated, past or ordinary versions of the same words.
ROUTINE = [
    "No tengo pensamientos de muerte, solo quiero ejercicios para la espalda.",
    "Me corte el dedo picando cebolla, ya no sangra, puedo ir a la cita?",
    "Tomo dos paracetamoles cuando me duele la rodilla, como dice la caja.",
    "Mi entrenador me corrige la postura en el gimnasio, me duele el hombro.",
    "Tengo 30 semanas, el bebe se mueve mucho y me duele el pubis al caminar.",
    "Con 34 semanas se me hinchan un poco los tobillos en la tarde y en la manana ya no.",
    "This knee is killing me, which stretches should I do?",
    "I take warfarin for my heart.",
    "Took a packet of ibuprofen with me on holiday, is that ok for my knee?",
    "He hit her head on the cupboard by accident.",
    "The coach pushes me around in training, my hamstring is sore.",
    "I will be over the limit for steps today.",
    "No tiene fiebre, le duele la rodilla al correr.",
    "Tuve un accidente de carro hace 3 anos y aun me duele la espalda.",
    "Tengo el cuello tieso de dormir mal, sin fiebre.",
    "I crashed my car into a wall last year and my neck still aches.",
    "The pool has a temperature of 28 degrees, can I swim with my knee?",
    "Mi papa toma Sintrom y quiere saber si puede hacer pilates.",
    "Despues de las sentadillas me duelen las piernas, la orina normal.",
    "Estoy embarazada de 20 semanas y me duele el lado derecho de la espalda al cargar a mi hijo.",
]


@pytest.mark.parametrize("level, family, message", FLAGGED)
def test_widened_wordings_are_flagged_by_the_rules(level, family, message):
    result = triage.screen(message, learned=False)
    assert (result.level, result.family) == (level, family), result.rule_ids


@pytest.mark.parametrize("message", ROUTINE)
def test_widened_wordings_leave_look_alikes_routine(message):
    assert triage.screen(message, learned=False).level == "none"


@pytest.mark.parametrize("message", [
    "No me he tomado pastillas de mas, sin sobredosis, solo tengo dolor de espalda.",
    "Nunca me he cortado a proposito, la herida es de la cocina y ya cerro.",
    "Tengo 32 semanas, sin contracciones, no se me rompio la fuente y el bebe se mueve normal.",
    "No suicidal thoughts, no plan, I just want help with my neck.",
])
def test_denied_findings_do_not_fire(message):
    assert triage.screen(message, learned=False).level == "none"


# Session 8: indirect warning signs of suicide, in words that never say "suicide" (988 Lifeline "know the
# signs", NIMH and NHS warning signs, Samaritans). Written for this test; not from the corpus or any set.
WARNING_SIGNS = [
    "I wrote letters to my two girls just in case, so they know I loved them.",
    "My uncle keeps giving away his guitar and his books and said he will not be around after the weekend.",
    "Cancel my Tuesday slot please, I wont be here after Monday.",
    "My partner has already worked out who gets the cat and the car.",
    "He spent the night researching ways to die that would not hurt.",
    "My flatmate asked me how many tablets it takes to not wake up.",
    "Mum kept talking about wanting to die, and now she is suddenly serene and smiling.",
    "He was looking for a noose online and asked if the beam would hold his weight.",
    "She messaged goodbye to all of us out of the blue at 3am.",
    "Mi tio anda regalando todas sus cosas y no quiere decir por que.",
    "Dejo cartas para sus nietos por si ya no esta, y no deja de llorar.",
    "Mi hermana ya arreglo quien se queda con la gata.",
    "Mi hijo estuvo investigando en internet formas de morir.",
    "Mi papa hablaba de irse y de repente esta muy tranquilo y en paz.",
    "Me he estado despidiendo de todos mis amigos esta semana.",
]

# The everyday version of the same acts, which must stay routine.
WARNING_SIGN_LOOK_ALIKES = [
    "Writing my will because we bought a house, can I sit at a desk all day with my back?",
    "Giving away my old running shoes, any advice on new ones for flat feet?",
    "Won't be around Friday, I'm on holiday, can I move the appointment?",
    "Giving away all my stuff because we are moving abroad, do you know a physio in Lisbon?",
    "Looking for a skipping rope for my Achilles rehab, how long should it be?",
    "I sorted out who looks after the dog while I am in hospital for the hip.",
    "What is the lethal dose of caffeine? I drink a lot before my runs.",
    "My knee will not hold my weight on the stairs, which exercises help?",
    "Se me va a ir la vida en este trabajo, me duele la espalda de tanto cargar.",
    "Hice mi testamento porque compramos una casa, me duele el cuello de tanto papeleo.",
    "Estoy regalando mis tenis viejos, que tenis me recomiendan para correr?",
    "No voy a estar el viernes, me voy de vacaciones, podemos mover la cita?",
    "No voy a estar para la cita del lunes, la podemos cambiar?",
    "Busco una cuerda para saltar para la rehabilitacion del tobillo.",
    "Me despedi de mis companeros porque me jubilo, puedo empezar a nadar?",
]


@pytest.mark.parametrize("message", WARNING_SIGNS)
def test_indirect_warning_signs_get_the_crisis_answer(message):
    result = triage.screen(message, learned=False)
    assert (result.level, result.family) == ("emergency", "mental_health"), result.rule_ids
    assert "suicide-warning-signs" in result.rule_ids


@pytest.mark.parametrize("message", WARNING_SIGN_LOOK_ALIKES)
def test_everyday_wills_gifts_and_time_away_stay_routine(message):
    assert triage.screen(message, learned=False).level == "none"


@pytest.mark.parametrize("message", [
    "I havent said goodbye to anyone and Im not giving away my things, my hip is just sore.",
    "No me estoy despidiendo de nadie ni regalando mis cosas, solo me duele la rodilla.",
])
def test_denied_warning_signs_do_not_fire(message):
    assert triage.screen(message, learned=False).level == "none"
