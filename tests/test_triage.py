"""Red-flag screening: the rules file, each category, and language as people write it."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest

from bot import redflag_model, triage
from tests import oracles
from tests.conftest import SHARED, shared_path

SHARED_DEV = SHARED / "eval" / "queries_dev.jsonl"

DATA = Path(__file__).resolve().parent / "data"
ISSUE_CATEGORIES = {
    "cardiac", "stroke", "cauda-equina", "spinal-infection-malignancy", "dvt-pe", "fracture-trauma",
    "septic-joint", "cervical-arterial", "allergic-reaction", "self-harm",
}


@pytest.fixture(autouse=True)
def rules_only(monkeypatch):
    """This file tests the rules: the learned layer (tests/test_redflag_model.py) stays out of it."""
    monkeypatch.setattr(redflag_model, "load_default", lambda: None)



def _phrasings(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _raw_rules() -> dict:
    return tomllib.loads(triage.RULES_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the rules file

def test_load_rules_every_rule_is_complete_and_sourced():
    rules = triage.load_rules()
    assert len(rules) >= 40
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule.level in ("emergency", "urgent"), rule.id
        assert len(rule.source) > 15, rule.id
        assert rule.message.endswith((".", "!")), rule.id
        assert rule.terms, rule.id


def test_load_rules_cover_every_category_the_issue_names():
    categories = {r.category for r in triage.load_rules()}
    assert ISSUE_CATEGORIES <= categories


def test_load_rules_every_pattern_compiles_and_every_term_is_used():
    rules = triage.load_rules()
    used = {name for r in rules for name in (*r.terms, *r.unless)}
    raw_terms = _raw_rules()["terms"]
    referenced = {p[1:] for spec in raw_terms.values()
                  for p in (spec if isinstance(spec, list) else spec["patterns"]) if p.startswith("@")}
    for name, term in rules.terms.items():
        assert term.patterns, name
        assert all(hasattr(p, "finditer") for p in term.patterns)
        assert name in used or name in referenced, f"term {name} is never used"


def test_load_rules_messages_render_with_any_numbers():
    rules = triage.load_rules()
    numbers = {"emergency_number": "112", "crisis_line": "116 123", "crisis_line_name": "Samaritans"}
    for rule in rules:
        text = triage.render(" ".join(filter(None, [rule.instruction, rule.message])), numbers)
        assert "911" not in text and "988" not in text, rule.id
    for instruction in rules.instructions.values():
        assert "911" not in triage.render(instruction, numbers)


def _broken(mutate) -> dict:
    data = copy.deepcopy(_raw_rules())
    mutate(data)
    return data


@pytest.mark.parametrize("mutate, complaint", [
    (lambda d: d["rule"][0].pop("source"), "missing 'source'"),
    (lambda d: d["rule"][0].update(source=""), "missing 'source'"),
    (lambda d: d["rule"][0].update(level="routine"), "level must be"),
    (lambda d: d["rule"][0].update(terms=["no_such_term"]), "unknown term"),
    (lambda d: d["rule"][0].update(message="Call {ambulance}"), "unknown placeholder"),
    (lambda d: d["rule"][0].update(colour="red"), "unknown field"),
    (lambda d: d["rule"].append(dict(d["rule"][0])), "duplicate id"),
    (lambda d: d["terms"].update(bad=["(unclosed"]), "bad pattern"),
    (lambda d: d["terms"].update(bad=["can't"]), "apostrophe"),
    (lambda d: d["terms"].update(a=["@b"], b=["@a"]), "circular"),
    (lambda d: d["terms"].update(a=["@missing"]), "unknown term"),
    (lambda d: d["cues"].pop("negation"), "cues: missing"),
    (lambda d: d["levels"].pop("urgent"), "levels.urgent"),
    (lambda d: d.update(rule=[]), "no rules"),
    (lambda d: d["rule"][0].pop("family"), "family must be"),
    (lambda d: d["rule"][0].update(family="cardiac"), "family must be"),
    (lambda d: d["rule"][0].update(answer="sing"), "answer must be"),
    (lambda d: d["rule"][0].update(message_es="Llame al {ambulancia}"), "unknown placeholder"),
])
def test_parse_rules_rejects_malformed_file_with_clear_error(mutate, complaint):
    with pytest.raises(triage.RulesError, match=complaint):
        triage.parse_rules(_broken(mutate))


def test_load_rules_unreadable_file_is_rules_error(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]\nid=", encoding="utf-8")
    with pytest.raises(triage.RulesError, match="cannot read"):
        triage.load_rules(str(bad))


# ---------------------------------------------------------------- each category

CATEGORY_CASES = [
    ("cardiac", "emergency", "crushing chest pain and I'm short of breath"),
    ("cardiac", "emergency", "pressure in my chest spreading to my left arm, I feel clammy"),
    ("cardiac", "emergency", "my jaw and left arm ache when I climb stairs and I feel sick and sweaty"),
    ("cardiac", "urgent", "my chest has been aching on and off since yesterday"),
    ("stroke", "emergency", "my dad's face is drooping and his speech is slurred"),
    ("stroke", "emergency", "suddenly my left arm went numb and weak"),
    ("stroke", "emergency", "I suddenly lost the vision in one eye"),
    ("stroke", "emergency", "sudden worst headache of my life"),
    ("cauda-equina", "emergency", "back pain and numbness around my genitals"),
    ("cauda-equina", "emergency", "sciatica and I can't empty my bladder"),
    ("cauda-equina", "emergency", "lower back pain and both legs are numb and weak"),
    ("cauda-equina", "emergency", "sciatica down both legs"),
    ("spinal-infection-malignancy", "urgent", "back pain with a fever and chills"),
    ("spinal-infection-malignancy", "urgent", "I had prostate cancer and now my back hurts"),
    ("spinal-infection-malignancy", "urgent", "lost 20 pounds without trying and my back aches"),
    ("spinal-infection-malignancy", "urgent", "constant back pain at night, lying down doesn't ease it"),
    ("dvt-pe", "urgent", "my calf is swollen, hot and red since my flight"),
    ("dvt-pe", "urgent", "calf pain a week after my knee surgery"),
    ("dvt-pe", "emergency", "swollen leg and now I'm suddenly short of breath"),
    ("dvt-pe", "emergency", "sharp pain when I breathe in, my calf has been sore since my surgery last week"),
    ("fracture-trauma", "urgent", "rolled my ankle and can't take four steps"),
    ("fracture-trauma", "urgent", "fell on my wrist and it looks deformed"),
    ("fracture-trauma", "urgent", "I think I broke my ankle"),
    ("fracture-trauma", "urgent", "me caí de la motocicleta y me duele el cuello"),
    # A fall off a bike or onto the head with neck pain (Canadian C-Spine Rule), with limb signs an emergency.
    ("fracture-trauma", "urgent", "fell off my bike and my neck hurts"),
    ("fracture-trauma", "urgent", "mi hija se cayó del trampolín y le duele el cuello"),
    ("fracture-trauma", "emergency",
     "me caí de la bici de cabeza y ahora me duele el cuello y se me duermen los brazos"),
    ("fracture-trauma", "emergency",
     "came off my bike yesterday, landed on my head, now my neck is really sore and my hands tingle"),
    ("fracture-trauma", "emergency", "me caí de la bici y no puedo mover el brazo, tengo el hueso salido"),
    ("fracture-trauma", "emergency", "le dijeron que es fractura expuesta, se le ve la herida en la pierna"),
    # Self-harm that goes on, said plainly (NHS self-harm, 988); a rope bought with a place chosen (988 warning signs).
    ("self-harm", "emergency", "I keep cutting myself when I feel low"),
    ("self-harm", "emergency", "me he estado cortando los brazos otra vez, ya no sangra pero no puedo parar"),
    ("self-harm", "emergency", "me corto cuando me siento mal"),
    ("self-harm", "emergency", "compré una cuerda y ya sé dónde lo voy a hacer"),
    ("fracture-trauma", "emergency", "car crash and now my hands are tingling"),
    ("fracture-trauma", "emergency", "bone sticking out through the skin"),
    ("septic-joint", "urgent", "hot red swollen knee and a fever"),
    ("cervical-arterial", "emergency", "neck pain and double vision"),
    ("cervical-arterial", "urgent", "neck pain and I feel dizzy"),
    ("allergic-reaction", "emergency", "bee sting and my tongue is swelling"),
    ("allergic-reaction", "emergency", "allergic reaction, I'm wheezing"),
    ("allergic-reaction", "emergency", "ate some shrimp and now I am wheezing"),
    ("self-harm", "emergency", "I've been thinking about ending my life"),
    ("self-harm", "emergency", "I want to kill myself"),
    ("compartment-syndrome", "emergency", "kicked in the shin, lower leg rock hard and the pain is out of proportion"),
    ("infection", "urgent", "squishy swelling on the point of my elbow, red and hot, and I have chills"),
    ("infection", "urgent", "red streaks spreading up my arm from a cut"),
    ("neurological-deficit", "urgent", "I have foot drop and it's getting worse"),
    ("infection", "emergency", "bad headache, stiff neck and a fever"),
    ("cardiac", "urgent", "I passed out during my run yesterday"),
    ("self-harm", "emergency", "thinking of taking all my pills"),
    ("fracture-trauma", "urgent", "my kid fell off the monkey bars and his arm looks bent"),
    ("fracture-trauma", "urgent", "grandma fell and now her leg looks shorter and turned out"),
    ("spinal-infection-malignancy", "urgent", "my back pain is worse at night and I have been losing weight"),
    ("dvt-pe", "urgent", "there's a hard lump in my calf that is tender and warm"),
    ("neurological-deficit", "urgent", "my whole leg went numb and I can't lift my foot"),
    ("self-harm", "urgent", "I don't see the point in living anymore"),
    ("self-harm", "emergency", "suicide runs through my head every night"),
    ("cardiac", "emergency", "my grandad fell over in the garden and now he isn't responding"),
    ("cardiac", "emergency", "mi esposo se desmayó en el baño y no reacciona"),
    ("self-harm", "urgent", "honestly I'm tired of living, the pain never stops"),
    ("cervical-arterial", "emergency", "my neck hurts and half my lip went numb an hour ago"),
    ("cardiac", "emergency", "I laughed at a joke and now I can't breathe and my lips look blue"),
    ("infection", "emergency", "I have hay fever, and now a high fever with a stiff neck"),
    ("abuse", "urgent", "the baby cries and then he kicks me until I fall"),
    ("abuse", "emergency", "he was choking the life out of me last night and I blacked out"),
    ("allergic-reaction", "emergency", "se me estan hinchando los labios y la lengua, me pico una avispa"),
    ("allergic-reaction", "emergency", "tengo hinchazon en la lengua desde que tome el medicamento"),
    ("cardiac", "emergency", "me dio dolor en el pecho subiendo y no se quito al sentarme, sudoroso y con nauseas"),
    ("cardiac", "emergency", "an elephant seems to be on my chest since breakfast and my left arm is heavy"),
    ("children", "emergency", "i think my 3 year old swallowed the little round battery from the remote"),
    ("children", "emergency", "mi nina se comio dos imanes de un juguete, se ve bien"),
    ("children", "emergency", "our toddler got into the medicine cabinet and chewed some tablets, he's acting normal"),
    ("children", "emergency", "mi hijo de 2 anos se tomo unas pastillas de la presion de su abuela"),
    ("cauda-equina", "emergency", "my back went lifting the shopping and now my bum feels numb and my wee won't come"),
    ("cauda-equina", "emergency", "me duele la espalda baja y tengo las nalgas dormidas desde ayer"),
    ("fracture-trauma", "urgent", "my kneecap slipped out at netball again and it won't go back"),
    ("spinal-infection-malignancy", "urgent", "el dolor de espalda no me deja dormir y baje ocho kilos sin querer"),
    ("spinal-infection-malignancy", "urgent", "my back pain doesn't let me sleep and I've lost 6 kg without trying"),
    ("fracture-trauma", "emergency", "sliced my thigh on a saw blade and it's spurting"),
    ("fracture-trauma", "urgent", "se me salio el hombro en el partido y no me lo pueden acomodar"),
    ("cardiac", "emergency", "creo que me esta dando un infarto, me duele el pecho"),
    ("cauda-equina", "emergency", "I hurt my back lifting and now I can't feel my inner thighs"),
    ("cauda-equina", "emergency", "i cant feel my feet and my back is killing me"),
    ("fracture-trauma", "urgent", "my knee is swollen and I can't straighten it after a fall"),
    ("cardiac", "emergency", "my shoulder hurts and I feel short of breath and sweaty"),
    ("limb-ischaemia", "emergency", "my foot is suddenly cold and blue and really painful"),
    ("septic-joint", "urgent", "my son has a limp and a fever"),
    # the real findings beside each look-alike fixed in test_screen_ordinary_complaints_do_not_over_alarm
    ("self-harm", "emergency", "after my surgery I started thinking about suicide"),
    ("self-harm", "emergency", "she ran away from home and talks about suicide"),
    ("self-harm", "emergency", "the thought of suicide runs through my mind when the pain is bad"),
    ("self-harm", "emergency", "I called the suicide line last night, I still feel the same"),
    ("stroke", "emergency", "one side of my face went numb while I was watching tv and it hasn't come back"),
    ("stroke", "emergency", "tengo la cara entumida de un lado desde hace media hora"),
    ("stroke", "emergency", "my arm is weak on the left side since this morning"),
    ("stroke", "emergency", "suddenly weak down one side after my squat"),
    ("overdose", "emergency", "I overdosed on my pain pills an hour ago"),
    ("overdose", "emergency", "mi hermana se tomo una sobredosis de pastillas"),
    ("abuse", "urgent", "mi esposo me pega cuando estoy dormida"),
    ("cardiac", "emergency", "I'm choking on a piece of meat and can't get air"),
    ("cardiac", "emergency", "my boss is yelling and I am choking, I cannot breathe"),
    ("cardiac", "emergency", "chest pain on the chest press machine and now I'm sweating and breathless"),
    # issue 14, round 12: lay and Spanish wordings of clots, stroke, cauda equina, open fractures, infection, allergy
    ("dvt-pe", "emergency", "tengo el muslo hinchado y me cuesta mucho respirar"),
    ("dvt-pe", "urgent", "mi pantorrilla derecha esta roja e hinchada desde el domingo"),
    ("dvt-pe", "urgent", "one of his legs is swollen compared to the other one"),
    ("stroke", "emergency", "my dad is talking like he's drunk and he hasn't had a drop"),
    ("stroke", "emergency", "mi abuelo esta hablando como si estuviera borracho y no toma"),
    ("stroke", "emergency", "out of nowhere, the worst headache I've ever had, like a hammer"),
    ("stroke", "emergency", "my headache came on within seconds and it is massive"),
    ("cauda-equina", "emergency", "my low back is wrecked and I've been leaking stool without realising"),
    ("cauda-equina", "emergency", "con la ciatica ya no puedo retener la orina"),
    ("cauda-equina", "emergency", "me duele la columna y se me salio la popo sin sentir"),
    ("fracture-trauma", "emergency", "se le ve el hueso a traves de la piel a mi hijo"),
    ("fracture-trauma", "emergency", "tiene una cortada muy profunda en la pierna y le veo el hueso"),
    ("fracture-trauma", "urgent", "jugando basquet senti un chasquido detras del tobillo"),
    ("infection", "urgent", "desde la picadura tengo una linea roja que va subiendo por la pierna"),
    ("infection", "emergency", "la cortada de la mano se le puso negra y tiene fiebre"),
    ("infection", "emergency", "me raspe la rodilla y el dolor es fuera de proporcion"),
    ("allergic-reaction", "emergency", "comio almendras y tiene los labios gruesos y la lengua grande"),
    ("allergic-reaction", "emergency", "tomo un antibiotico y le falta el aire, con ronchas"),
    ("allergic-reaction", "emergency", "welts came up after the prawn curry and now my chest is getting tight"),
    ("allergic-reaction", "emergency", "me pico una avispa y me aprieta mucho el pecho"),
    # issue 14, round 13: emergencies that were answered as urgent or not at all
    ("cardiac", "emergency", "pain across my chest at work and I passed out for a few seconds, I feel alright now"),
    ("cardiac", "emergency", "me dolía el pecho en la mañana y me desmayé un momento"),
    ("cardiac", "emergency", "my husband has pressure in his chest that goes down his left arm"),
    ("dvt-pe", "emergency", "achy calf since the weekend, and blood came up when I coughed"),
    ("dvt-pe", "emergency", "me duele la pantorrilla desde el viernes y escupo sangre con flema"),
    ("stroke", "emergency", "my right hand went useless for about five minutes at lunch, seems okay now"),
    ("stroke", "emergency", "a mi tía se le debilitó la pierna unos minutos y ya se le pasó"),
    ("stroke", "emergency", "de golpe le dio dolor de cabeza a mi esposo, dice que el peor que ha tenido"),
    ("pregnancy", "emergency", "I'm 25 weeks pregnant and there is blood everywhere in the bathroom"),
    ("pregnancy", "emergency", "tengo 18 semanas de embarazo y estoy sangrando bastante desde anoche"),
    ("pregnancy", "emergency", "32 weeks pregnant and blood is gushing out"),
    ("children", "emergency", "the baby went grey around her lips while feeding"),
    ("children", "emergency", "my 3 year old is barely responding and very hot"),
    ("children", "emergency", "mi bebé de dos meses hace pausas al respirar cuando duerme"),
    ("limb-ischaemia", "emergency", "mi mano está pálida y sin pulso desde la caída"),
    ("limb-ischaemia", "emergency", "my foot has gone freezing and white since this morning"),
    ("compartment-syndrome", "emergency", "got a plaster cast on Monday and now my fingers look dusky"),
    # issue 14, round 14: own probes in under-used styles (third person, hedged, Spanish without accents or
    # with regional words, veiled suicidal plans, a calf "way bigger than the other", "never felt this ill")
    ("dvt-pe", "emergency", "one of my calves is way bigger than the other and now im short of breath on the stairs"),
    ("dvt-pe", "urgent",
     "one of my calves is way bigger than the other since sunday and its warm, I sat in the car for like 9 hours"),
    ("dvt-pe", "urgent", "se me hinchó una pierna más que la otra después del viaje en camión"),
    ("dvt-pe", "urgent", "my lower leg is puffy and achy, started after my knee scope last week"),
    ("dvt-pe", "emergency", "back from a long haul flight, cant get my breath and I coughed up some pink stuff"),
    ("neurological", "emergency", "my brother had a seizure and its been going on for more than 5 min"),
    ("cauda-equina", "emergency", "back's been bad since I moved house, when I wipe I cant really feel it down there"),
    ("cauda-equina", "emergency", "sciatica down both legs, I have to strain to pee and my bum feels kind of numb"),
    ("cauda-equina", "emergency",
     "had sciatica for years but this week it went down both legs and i dont really feel when i need to pee"),
    ("infection", "emergency", "never felt this ill in my life, fever and my knees look blotchy and purple"),
    ("infection", "emergency", "my mum has a water infection, she is drowsy and her skin looks patchy"),
    ("allergic-reaction", "emergency", "after the new antibiotic my tongue feels huge and its hard to swallow"),
    ("children", "urgent", "el bebé no ha mojado el pañal en todo el día y tiene diarrea"),
    ("children", "urgent", "mi bebé de 2 meses tiene 38 de temperatura"),
    ("children", "emergency", "my 2 yo swallowed one of those little button batteries from the remote"),
    ("children", "emergency", "mi bebé de 8 meses se cayó de la cama, vomitó y está muy dormilón"),
    ("pregnancy", "urgent", "16 weeks pregnant and some light bleeding today"),
    ("pregnancy", "emergency",
     "im about 9 weeks, nearly passed out in the shower and my belly hurts low down on the left"),
    ("pregnancy", "emergency", "tengo un retraso de la regla y me dio un dolor fuerte en un lado abajo y me desmayé"),
    ("pregnancy", "urgent", "I'm 30 weeks pregnant and I don't think baby has moved much today"),
    ("mental-health", "emergency", "my sister had her baby 10 days ago and she's been hearing voices"),
    ("self-harm", "emergency", "I don't think I'll be here next week, I've been looking at bridges"),
    ("self-harm", "emergency", "i have a rope in the garage and ive thought about how i'd do it"),
    ("self-harm", "emergency", "mi hijo de 16 años dice que se quiere matar y tiene una navaja"),
    ("self-harm", "emergency", "mi amiga dice que ya no quiere vivir y que tiene guardadas las pastillas de su mamá"),
    ("self-harm", "emergency", "me quiero morir, tengo una pistola en la casa"),
    ("self-harm", "emergency", "ya no quiero seguir, tengo las pastillas aquí conmigo"),
    ("self-harm", "emergency", "ive decided tonight is when i end it"),
    ("self-harm", "urgent", "i keep thinking everyone would be happier if i wasnt around"),
    ("self-harm", "emergency", "ive been looking at the tall car park near work and wrote letters to my kids"),
    ("cardiac", "emergency", "a mi esposo le duele el pecho y se le va al brazo izquierdo y a la quijada"),
    ("cardiac", "emergency", "me duele el pecho desde hace 2 horas, es una opresión y no se me quita"),
    ("cardiac", "emergency", "mi tío siente como una piedra en el pecho y está sudando"),
    ("stroke", "emergency", "se me nubló la vista de un ojo de repente y no veo nada de ese lado"),
    ("stroke", "emergency", "she's lost her balance suddenly and keeps falling to one side"),
    ("stroke", "emergency", "my wife sat down and she couldnt find her words for a few minutes"),
    ("gca", "emergency", "I'm 72, my head has been sore at the temple and I cant see properly out of my left eye"),
    ("limbs-trauma", "urgent", "hice un entrenamiento muy pesado y ahora la orina me sale color café oscuro"),
    ("fracture-trauma", "emergency", "me corté con un vidrio y sale mucha sangre, no se detiene"),
    ("pregnancy", "urgent", "estoy embarazada de 32 semanas, tengo la cara y las manos muy hinchadas"),
    ("cauda-equina", "emergency", "ya no aguanto la espalda y además se me sale la orina sin sentir"),
    ("cauda-equina", "emergency",
     "desde el lunes no siento bien cuando tengo ganas de hacer pipí y la espalda me está matando"),
    ("cauda-equina", "emergency", "traigo dolor de cintura y se me entumieron las dos piernas"),
    ("cauda-equina", "emergency", "my back went, and now my bits feel numb and I didnt make it to the loo in time"),
    ("neurological-deficit", "urgent", "se me está durmiendo el pie cada día más y ya lo arrastro al caminar"),
    ("children", "emergency",
     "my son took a hit to the head at footy, now he doesnt know what day it is and keeps being sick"),
    ("self-harm", "emergency", "mi hermano dice que ya no aguanta y que se va a colgar"),
    ("self-harm", "urgent", "ya me cansé de vivir, todo me sale mal"),
    ("self-harm", "emergency", "ive written a note and im going to the bridge later"),
    ("stroke", "emergency", "a mi abuelo se le fue la fuerza del brazo izquierdo y habla chistoso"),
    ("pregnancy", "urgent", "mi esposa tiene 34 semanas, le duele mucho la cabeza y dice que ve estrellitas"),
    ("pregnancy", "emergency", "my wife gave birth last week and now she's bleeding through pads every hour"),
    # Session 12 (Spanish): written for these tests from the 988 Lifeline, CDC lethal-means, NHS, ACOG, NICE NG234
    # and IFOMPT pages; apart from the corpus rows and the probes (docs/safety.md, "Measured").
    ("self-harm", "emergency", "ahorita estoy con el revolver de mi abuelo en la mano, no se que hago aqui"),
    ("self-harm", "emergency", "guardo la escopeta de mi papa debajo de la cama y no aguanto mas"),
    ("self-harm", "emergency", "mi vecino se encerro en el garage con una pistola y no abre"),
    ("self-harm", "emergency", "llevo un año quemandome... bueno, me quemo con el encendedor cuando estoy triste"),
    ("self-harm", "emergency", "estoy en la ventana del quinto piso pensando en tirarme"),
    ("self-harm", "emergency", "tengo juntados los calmantes de mi operacion para tragarmelos todos de golpe"),
    ("self-harm", "urgent", "a veces quisiera dormirme para siempre, la verdad"),
    ("overdose", "emergency", "me meti como veinte pastillas de las de dormir y ahorita me siento normal"),
    ("abuse", "emergency", "mi novio me tiro por las escaleras anoche y tengo miedo de volver"),
    ("pregnancy", "emergency", "tengo seis semanas de embarazo, me duele el hombro y estoy palida como papel"),
    ("pregnancy", "emergency", "mi esposa tiene 30 semanas de embarazo y le dio una convulsion"),
    ("pregnancy", "urgent", "semana 35, me esta saliendo un liquido amarillento por abajo"),
    ("pregnancy", "urgent", "tengo 27 semanas, me cai en la escalera del metro y ahora me duele la barriga"),
    ("pregnancy", "urgent", "mi nena no patea como antes y ya voy en 33 semanas"),
    ("cauda-equina", "emergency", "desde que me dio la ciatica tengo que empujar para orinar"),
    ("cauda-equina", "emergency", "con el dolor de cintura se me adormecio el pene y no se que es"),
    ("spinal-infection-malignancy", "emergency",
     "mi papa tiene cancer de rinon y de un dia para otro ya no puede caminar"),
    ("spinal-infection-malignancy", "urgent", "mi tia tiene mieloma y le duele la columna desde hace dias"),
    ("children", "emergency", "mi hijo se cayo de la resbaladilla, se pego en la cabeza y quedo inconsciente"),
    ("children", "emergency", "a mi hijo de 12 le duele un huevo desde anoche y lo tiene hinchado"),
    ("stroke", "emergency", "de pronto mi tia no encuentra las palabras y no le entendemos nada"),
    ("cervical-arterial", "emergency", "me sobaron el cuello en el spa y despues me empezo a costar tragar"),
    # Spain usage: perfect tense, "crio", "mear", "compresa", a hunting gun in the lap.
    ("self-harm", "emergency", "tengo la escopeta de caza en el regazo y no me quito la idea de la cabeza"),
    ("children", "emergency", "mi cria se ha caido del tobogan de cabeza y no para de vomitar"),
    ("cauda-equina", "emergency", "me cuesta un monton mear desde que me dio la ciatica"),
    ("pregnancy", "emergency", "estoy de 31 semanas y he empapado dos compresas de sangre"),
    ("fracture-trauma", "urgent", "tengo 79 años y osteoporosis, al estornudar me dio un pinchazo en la espalda"),
    # session 12 (English): written apart from the corpus rows and the probes
    ("aortic", "emergency",
     "hauling a kayak onto the car I felt a ripping pain go through to my back, now I'm clammy and faint"),
    ("pregnancy", "emergency", "she's 37 weeks pregnant and has just had a seizure in the kitchen"),
    ("mental-health", "emergency", "since the birth I keep having thoughts of smothering my baby and it frightens me"),
    ("pregnancy", "urgent", "I'm 24 weeks pregnant and fell onto my bump getting off the bus"),
    ("pregnancy", "urgent", "28+5 and getting period-type cramps that come and go"),
    ("pregnancy", "urgent", "32 weeks and he hasn't moved since I woke up, normally he's wild in the morning"),
    ("pregnancy", "urgent", "20 weeks pregnant and bleeding a bit, no pain"),
    ("children", "urgent", "my 3 month old has a bruise on her chest and none of us saw her bump it"),
    ("children", "urgent", "my 2 year old refuses to use his arm since his brother pulled him up by the hand"),
    ("children", "urgent", "my daughter is 5 weeks old and her temperature is 38.1 on the thermometer"),
    ("children", "urgent", "the toddlers had sickness for two days and only two wet nappies today"),
    ("children", "emergency", "my 4yos lips look bluish and he's so floppy"),
    ("self-harm", "emergency", "I keep thinking about stepping in front of a train on my way home"),
    ("self-harm", "emergency", "lately I've been thinking of ending it all, my hip is just the start of it"),
    ("self-harm", "emergency", "wrote letters for the kids and I know how I'll do it"),
    ("cauda-equina", "emergency", "backache since Friday and my willy feels numb"),
    ("cauda-equina", "emergency", "slipped disc and I can't tell when my bladder is full anymore"),
    ("compartment-syndrome", "emergency",
     "my leg went in plaster this morning, it hurts like hell when the nurse bends my toes, toes are numb"),
    ("abuse", "emergency", "my boyfriend chucked a plate at me and I think it needs stitches"),
    ("self-harm", "urgent", "is it normal to feel like I do not want to exist any more?"),
    ("overdose", "emergency", "I have been doubling up on my paracetamol for a week for my shoulder"),
    ("children", "urgent", "my 9 yr olds hip hurts and he walks oddly, no injury"),
    ("children", "emergency", "our baby has not had a wet nappy since breakfast and is listless"),
    # Spanish, session 16: other people's wordings of the presentations a fresh writer used (es16_* terms).
    ("allergic-reaction", "emergency",
     "Le dieron ibuprofeno a mi madre y al rato se desmayo, tiene ronchas en el cuello"),
    ("allergic-reaction", "emergency", "despues de comer pulpo tengo pitidos al respirar y los labios gordos"),
    ("allergic-reaction", "emergency",
     "Nos pico un enjambre de abejas en el campo y mi padre tiene la presion muy baja"),
    ("self-harm", "emergency", "Mi pareja escucha voces que le dicen que se corte y se encerro en el bano"),
    ("self-harm", "emergency", "ya decidi que me voy a quitar la vida, tengo las pastillas contadas"),
    ("cauda-equina", "emergency", "Con la lumbalgia noto las nalgas acorchadas y no siento el papel al limpiarme"),
    ("cauda-equina", "emergency", "no noto cuando tengo necesidad de defecar desde que me dio la ciatica"),
    ("children", "emergency",
     "Mi hijo de 10 se golpeo contra el canto de la litera, tiene un hematoma detras de la oreja y vomita"),
    ("spinal-infection-malignancy", "emergency",
     "A mi esposo con tumor de rinon le duele la espalda y se le arrastra la pierna derecha"),
    ("pregnancy", "urgent", "Estoy de 33 semanas y tengo colicos ritmicos en la espalda que van a mas"),
    ("pregnancy", "urgent", "tengo 35 semanas y no he notado a mi bebe patear en todo el dia"),
    ("infection", "urgent", "Tengo una ampolla en el talon infectada y una linea roja que sube por la pierna"),
    ("infection", "urgent", "Hace tres dias me pusieron puntos en la mano, ahora echa pus la herida y tengo 38.4"),
    ("gca", "urgent", "Tengo 82, dolor de cabeza nuevo y me duele la quijada al masticar"),
    ("neurological-deficit", "urgent",
     "Mi abuelo ultimamente tropieza con nada y se le traban los dedos con los botones"),
    ("compartment-syndrome", "emergency",
     "Me dieron un pelotazo en la pantorrilla, la tengo tensa como una tabla y el dolor empeora aunque no la muevo"),
    # feat/rf16en: English wordings a fresh probe round missed, written apart from the probes and corpus rows
    ("allergic-reaction", "emergency", "after the new painkiller I'm covered in hives and my voice has gone raspy"),
    ("allergic-reaction", "emergency", "itching from head to toe since the wasp sting and it's difficult to swallow"),
    ("allergic-reaction", "urgent", "a few days after starting amoxicillin I've come out in itchy red blotches"),
    ("compartment-syndrome", "emergency",
     "calf got squashed by a falling crate, it's swollen and shiny, pain is unreal"),
    ("compartment-syndrome", "emergency", "my forearm went rock hard after the fall and the pain is horrific"),
    ("self-harm", "emergency", "my cousin has her pills counted out on the table and isn't picking up"),
    ("self-harm", "urgent", "my husband keeps telling me he doesn't want to be alive any longer"),
    ("fracture-trauma", "emergency",
     "elbow is bent the wrong way after the trampoline and his fingers are cold and white"),
    ("fracture-trauma", "urgent", "I came down on my palm playing netball and it hurts in the snuffbox"),
    ("children", "urgent", "my daughter is 3 and her temperature has been up for six days"),
    ("children", "emergency",
     "my son is 8 and banged his head on the pool edge, now a headache that keeps getting worse"),
    ("pregnancy", "urgent", "32 weeks pregnant and the kicks feel weaker than usual this evening"),
    ("infection", "urgent", "the cut on my shin is hotter and more swollen every day and leaking pus"),
    ("infection", "urgent", "a spider bite on my thigh is red and warm and the redness is creeping outwards"),
    ("limbs-trauma", "urgent",
     "after a brutal hill sprint workout my legs are wrecked and my urine has a brownish tinge"),
    ("heatstroke", "emergency", "my wife crossed the line of her first triathlon and now she's disorientated"),
    ("abuse", "emergency", "my boy is 7 and says his cousin's dad has been hurting him, he is at our place now"),
]


@pytest.mark.parametrize("category, level, message", CATEGORY_CASES)
def test_screen_flags_each_category(category, level, message):
    result = triage.screen(message)
    assert result.level == level
    assert category in result.categories or (category == "infection" and "septic-joint" in result.categories)
    assert result.rule_ids
    assert result.message


# ---------------------------------------------------------------- language as people write it

@pytest.mark.parametrize("message", [
    "lower back pain, no numbness anywhere",
    "neck pain but I'm not dizzy",
    "I never had cancer, my back just aches",
    "back ache, no fever",
    "denies saddle numbness or bladder changes, low back pain",
    "I don't have any chest pain, just a sore shoulder",
    "stiff neck, without double vision or dizziness",
    "my calf isn't swollen or red, just tight after running",
    "I'm not suicidal, just fed up with this knee",
    "knee swelling but no fever or chills",
    "back pain, negative for fever",
])
def test_screen_negated_findings_do_not_fire(message):
    assert triage.screen(message).level == "none"


@pytest.mark.parametrize("message", [
    "I had a fracture years ago",
    "broke my ankle as a kid and it still clicks",
    "I dislocated my shoulder in 2019, it's fine now",
    "had a blood clot in the past, now training for a 10k",
    "when I was young I had sciatica down both legs",
    "my dad had a stroke last month, do you do stroke rehab?",
    # weeks back (cues past_weeks), for a named stroke only: the stroke is over, the question is about rehab
    "my dad was having a stroke last month, the hospital sorted him out, do you do stroke rehab?",
    "my mum was having a stroke 6 weeks ago, can you help her walk again?",
    "a mi papa le dio un derrame cerebral el mes pasado, hacen rehabilitacion de derrame?",
    "a mi mama le dio un derrame cerebral hace 3 semanas, ¿hacen rehabilitación?",
    "mi abuelo tuvo una embolia hace dos meses y queremos fisioterapia",
])
def test_screen_past_events_are_not_emergencies(message):
    assert triage.screen(message).level == "none"


@pytest.mark.parametrize("message", [
    # a season or a named holiday gone by is the past, as "last year" (issue 14: a fall months ago is no emergency)
    "I'm 72, I fell last winter and couldn't get up for a while, is balance training good for me?",
    "my mum is 84, she fell last Christmas and could not get up, her knee still aches on stairs",
    "grandpa is 80 and this past summer he fell and couldnt get up, now he uses a cane",
    "mi papa tiene 79, se cayo el verano pasado y no se podia levantar, ahora camina con miedo",
    "tengo 76 anos, me cai la navidad pasada y no me pude levantar solo, me sigue doliendo la rodilla",
])
def test_screen_falls_in_a_named_past_season_are_not_emergencies(message):
    verdict = triage.screen(message)
    assert "fall-older-cannot-get-up" not in verdict.rule_ids
    assert verdict.level != "emergency"


@pytest.mark.parametrize("message, rule", [
    # a fall now is still an emergency, and "my last fall" is the latest fall, not autumn
    ("I'm 78, I fell in the kitchen this morning and can't get up", "fall-older-cannot-get-up"),
    ("mi abuela tiene 83, se cayo hoy y no se puede levantar", "fall-older-cannot-get-up"),
    ("my dad is 81, his last fall was an hour ago and he still can't get up off the floor", "fall-older-cannot-get-up"),
    # "since"/"desde" a season dates an onset of something still present
    ("since last winter I keep losing control of my bladder and my low back hurts", "cauda-equina-bladder-bowel"),
])
def test_screen_a_fall_now_or_an_onset_since_a_season_still_fires(message, rule):
    verdict = triage.screen(message)
    assert verdict.level == "emergency" and rule in verdict.rule_ids


@pytest.mark.parametrize("message, term", [
    # a clause opened by an onset word is dated from it, whatever sits between the word and the date
    ("since the accident last winter I cant control my bladder and my back hurts", "bladder_bowel"),
    ("ever since last christmas I cant control my bladder, my back hurts too", "bladder_bowel"),
    ("me duele la espalda y desde que empezo el invierno pasado no controlo la orina", "bladder_bowel"),
    ("me duele la espalda y desde que me cai el ano pasado no controlo la orina", "bladder_bowel"),
])
def test_read_a_clause_opened_by_since_or_desde_que_is_an_onset_not_the_past(message, term):
    reasons = {m.reason for m in triage.read(message) if m.term == term}
    assert reasons == {None}
    assert triage.screen(message).level == "emergency"


@pytest.mark.parametrize("message, term", [
    # the same dates in a clause no onset word opened are the past
    ("after the accident last winter I couldnt control my bladder for a day, my back hurt", "bladder_bowel"),
    ("me duele la espalda y el invierno pasado no controlo la orina", "bladder_bowel"),
])
def test_read_the_same_dates_without_an_onset_word_stay_past(message, term):
    assert {m.reason for m in triage.read(message) if m.term == term} == {"past"}


@pytest.mark.parametrize("message, level", [
    # days back is recent: still a stroke now
    ("my dad was having a stroke 2 days ago, do you do stroke rehab?", "emergency"),
    ("a mi papa le dio un derrame cerebral hace 2 dias, hacen rehabilitacion?", "emergency"),
    # "since"/"desde" date an onset of something still present
    ("my mum is having a mini stroke again, on and off since last month", "emergency"),
    ("mi papa tiene un derrame cerebral desde hace 2 semanas", "emergency"),
    # only suspected, never assessed: an emergency however long ago (NHS: TIA)
    ("I think I had a mini stroke 2 weeks ago, my arm went weak for ten minutes", "emergency"),
    ("creo que tuve un derrame cerebral hace 2 semanas", "emergency"),
    # a symptom weeks old is not history: the weeks cues never reach findings other than the named event
    ("since last month I cant control my bladder and my back hurts", "emergency"),
    ("I lost control of my bladder last month and my back hurts", "emergency"),
    ("my back hurts and I wet myself 2 weeks ago without noticing", "emergency"),
    ("hace 2 semanas que no puedo orinar y me duele la espalda", "emergency"),
    ("me duele la espalda y hace un mes no siento entre las piernas", "emergency"),
])
def test_screen_weeks_back_is_past_only_for_a_named_event(message, level):
    assert triage.screen(message).level == level


def test_read_weeks_back_discounts_named_events_as_past_and_nothing_else():
    """A stroke or a crash weeks back is history; a symptom weeks old is not (it can be dangerous weeks on)."""
    ruleset = triage.load_rules()
    named_events = {"stroke_named", "major_trauma"}
    assert {name for name, t in ruleset.terms.items() if t.weeks_past} == named_events
    reasons = {m.term: m.reason for m in triage.read("le dio un derrame cerebral hace 3 semanas", ruleset)}
    assert reasons["stroke_named"] == "past"
    reasons = {m.term: m.reason for m in triage.read("I fell off a ladder in March", ruleset)}
    assert reasons["major_trauma"] == "past"
    reasons = {m.term: m.reason for m in triage.read("perdi el control de la orina hace 3 semanas", ruleset)
               if m.term == "bladder_bowel"}
    assert reasons and set(reasons.values()) == {None}


@pytest.mark.parametrize("message, level", [
    ("in the past week my calf has become swollen and red", "urgent"),
    ("the pain is back in my calf and it's swollen and hot", "urgent"),
    ("my fracture hasn't healed and I think the bone is broken again", "urgent"),
    ("no one knows why but my back hurts and both legs are numb", "emergency"),
])
def test_screen_recent_or_ongoing_events_still_count(message, level):
    assert triage.screen(message).level == level


@pytest.mark.parametrize("message, level", [
    ("I don't think I have a fever, my back just aches", "none"),
    ("I doubt it's broken, I can walk on it fine", "none"),
    ("hardly any swelling in my calf, it's just tight", "none"),
    ("probably not a blood clot but my calf is swollen and red after my flight", "urgent"),
    ("I don't think it's a heart attack but there's crushing pressure in my chest", "emergency"),
    ("maybe a little numb around my bottom? and my back is sore", "emergency"),
    ("I can barely breathe and my chest hurts", "emergency"),
])
def test_screen_hedged_statements(message, level):
    assert triage.screen(message).level == level


def test_screen_cancer_history_still_counts_when_old():
    assert triage.screen("I had breast cancer ten years ago and now have new back pain").level == "urgent"


def test_screen_someone_elses_cancer_history_does_not_count():
    assert triage.screen("my mum had breast cancer and my back hurts after yoga").level == "none"


def test_screen_stroke_signs_count_even_when_they_passed():
    assert triage.screen("my face drooped for ten minutes and went away").level == "emergency"


@pytest.mark.parametrize("message", [
    "ordinary low back pain after moving house",
    "numb toes after a long run that went away",
    "chest feels tight when I stretch my pecs",
    "my chest is sore after bench press",
    "this back pain is killing me",
    "I'm dying to get back to running",
    "shortness of breath when I run hills",
    "my bum goes numb on long bike rides",
    "I leak a bit when I sneeze since my baby, and my back aches",
    "my shoulder hurts at night when I lie on it",
    "sprained my ankle, it's a bit swollen but I can walk on it",
    "could my shin pain be a stress fracture?",
    "I need to cancel my appointment, my back is better",
    "I feel sick of this knee pain",
    "my arm goes numb when I sleep on it",
    "I ran 10 kms today and my knee hurts",
    "pins and needles down both legs when I stand for a long time, better when I sit",
    "tight calves and heavy legs after my flight",
    "I have a headache and my neck is stiff from the computer",
    "I had a heart attack 3 years ago, can I do PT for my knee?",
    "I lost 20 pounds on my diet and my back feels better",
    "lost weight and my back pain is less",
    "my thigh is red and sore after getting kicked",
    "I can't lift my foot high enough on stairs because of knee pain",
    "my hands are always cold and white in winter",
    "my shoulder hurts when I swim and I get out of breath",
    "my toes go white and numb after my ice bath",
    "my upper back aches between my shoulder blades from sitting",
    "I wheeze when I run, is it ok to take ibuprofen for my knee",
    # sports drills named after suicide, and the Spanish idiom of a fright ("it nearly gave me a heart attack")
    "our basketball coach had us running suicide drills and my shins ache",
    "after twenty suicide sprints my hamstring feels tight",
    "por poco me da un infarto con el susto, y ahora me duele el tobillo",
    # a numb lip the dentist's injection explains; the idiom of laughing till you can't breathe
    "my lip is still numb from the dentist and my neck is stiff from the chair",
    "we laughed so hard I couldn't breathe and my ribs ache today",
    # hay fever is no fever; a toddler's or a dog's kick is no assault
    "my throat is scratchy from hay fever and my neck is stiff",
    "tengo fiebre del heno y el cuello tieso",
    "my toddler kicks me in the ribs all night when she sleeps in our bed",
    "my boss is choking the life out of me with overtime, neck pain is bad",
    # a child's own medicine taken as prescribed, and batteries that are only batteries
    "my daughter swallowed her tablets fine but her back still hurts",
    "mi hija se tomo sus pastillas y le sigue doliendo la espalda",
    "the battery in my TENS unit died, do you sell new ones",
    # sitting numbness that comes and goes, a joint that went back, idioms of going out
    "my bum goes numb when I sit on the floor, my back aches",
    "my sciatica is bad and my butt cheek is numb",
    "my shoulder popped out and went back by itself, it's sore",
    "I came out of the gym and can't get back in my car because of my knee",
    "I had a small cut on my finger, it bled a bit and stopped, my wrist aches",
    "I'm so tired of living with this back pain, what else can I try?",
    # gym drills called suicides, overdosing on exercise, a lift that is weak on one side
    "the coach made us do suicide squats and my quads are toast",
    "we ran suicides at practice and now my shins hurt",
    "el entrenador nos puso a correr suicides y me duelen los gemelos",
    "I overdosed on squats this week and my knees ache",
    "creo que me di una sobredosis de sentadillas, me duelen las piernas",
    "my bench press feels weak on one side since I hurt my shoulder",
    "my squat is weak on the right side since I sprained my knee",
    # a face numb from the cold; a job that is "choking" someone; kicked by a sleeping partner, in Spanish
    "my face got numb in the cold wind while skiing, it's fine now",
    "tenia la cara entumida por el frio en la bici, ya se me paso",
    "my job is choking me and my shoulders are up by my ears",
    "mi jefe me tiene choking con tanto trabajo y me duele la espalda",
    "mi marido me pateo dormido y tengo la espinilla morada",
    # chest soreness named after the gym exercise, or a doctor's costochondritis
    "my chest is sore since I did dumbbell flies yesterday",
    "el medico dijo que mi dolor de pecho es costocondritis, que estiramientos sirven?",
    # issue 14, round 12: the everyday cousins of the wordings above
    "mi pierna esta roja de tanto sol, me duelen las rodillas",
    "one of my legs is longer than the other, is that why my hip hurts",
    "my uncle talks like he's drunk whenever he's tired, anyway my shoulder is stiff",
    "worst headache I've ever had after staring at screens all week, my neck is tight",
    "no puedo aguantar el dolor de espalda al manejar",
    "el hueso del tobillo se me ve muy salido desde el esguince",
    "tengo una linea roja en el hombro por el tirante de la mochila",
    "la una se me puso negra de correr el maraton",
    "tengo la lengua grande y me muerdo al dormir, me duele la mandibula",
    "me cuesta respirar cuando subo la montana, estoy fuera de forma, me duele la rodilla",
    "me truena la rodilla cuando me agacho",
    "I'm allergic to dust, and my chest feels tight when I stretch my pecs",
    # A fall off a bicycle is not a dangerous mechanism by itself, in Spanish as in English.
    "tengo la rodilla hinchada desde que me caí de la bici la semana pasada, ya camino bien",
    "se cayó de la bici y se raspó la rodilla",
    "fell off my bike last year and broke my wrist, now it aches when I do push ups",
    "I fell asleep on the sofa and woke up with a stiff neck",
    "I cut myself when I was chopping onions",
    "me corto las uñas y me duele el dedo",
    "me corté cuando picaba cebolla",
    "quisiera desaparecer este dolor de cuello de una vez, qué me recomiendan",
    "compré una cuerda para el gimnasio, sirve para saltar?",
    # A crash or fall weeks or months back is history for "get checked for fractures today" (weeks_past).
    "can you help with whiplash from a car accident in March?",
    "I fell down the stairs last month, nothing broken, but my hip is still sore",
    "me caí de la escalera hace dos semanas y todavía me duele la cadera",
    # issue 14, round 14: a leg gone dead on the toilet, saddle numbness on a bike in Spanish, a calf bigger from
    # sport, pills a doctor gave, "ya no quiero seguir con la fisio", irregular tightenings at 36 weeks, gum bleeding
    "my leg went dead on the toilet scrolling my phone lol, fine after a minute",
    "my foot tingles when I sit on the toilet too long",
    "se me duerme la entrepierna cuando ando en bici mucho rato, se me quita al bajarme",
    "one of my calves is bigger than the other because I hop on my right leg in basketball, no pain or swelling",
    "tengo guardadas las pastillas que me dio el doctor para el dolor de rodilla, cuántas me tomo al día",
    "ya no quiero seguir con la fisioterapia, me cuesta mucho dinero",
    "ya no quiero seguir haciendo sentadillas porque me duelen las rodillas",
    "ya no quiero seguir yendo al gimnasio porque me duele la espalda",
    "tengo 36 semanas y contracciones irregulares que se quitan al descansar",
    "me duele el pecho cuando toso por la gripa, el doctor dijo que es muscular",
    "baby is kicking like crazy at night, 27 weeks, keeping me awake",
    "i'm dying to get back to running after my knee surgery",
    "I gave away my old running shoes to a friend since my plantar fasciitis got better",
    "looking up train times to get to my physio appointment in the city",
    "I had breast cancer 15 years ago, all clear since, now I've got tennis elbow",
    "my 2 yo bumped her head on the coffee table, cried straight away, now playing happily",
    "saddle soreness after a 100km bike ride, numb on the saddle but fine when I get off",
    "some bleeding from my gums when I brush, 20 weeks pregnant, is that normal",
    "my pee is a bit dark because I didn't drink enough on my hike",
    "both ankles swelled up a bit after my long flight, gone down now, no pain",
    "tengo 34 semanas, a veces se me hinchan los pies en la tarde, presión normal",
    "ya no aguanto el dolor de rodilla, qué ejercicios me recomiendan",
    "se me durmió el pie por estar sentado, ya se me quitó",
    # Session 12 (Spanish): idioms, a hunting or work weapon, a programme week, a relative's cancer with the
    # writer's own ache, swelling at the end of the day, a partner helping with stretches.
    "casi me muero de la verguenza en el gimnasio, me resbale y me duele la muñeca",
    "me quiero morir de la risa con mi fisio, pero la rodilla va mejor",
    "salgo de caceria con mi escopeta y el hombro me duele por el retroceso",
    "soy policia y traigo el arma en la cintura todo el dia, me duele la cadera",
    "voy en la semana 14 del plan de rehabilitacion del tobillo, ya puedo saltar?",
    "mi mama tiene cancer de colon y yo tengo una tendinitis en el codo, que ejercicios hago?",
    "estoy de 30 semanas y se me hinchan los pies por la tarde, con los pies en alto se baja",
    "mi esposo me ayuda a estirar y me empuja la espalda hacia adelante, es correcto?",
    "no encuentro las palabras para agradecerles, la espalda ya no me duele",
    "me cai de la escalera de dos escalones, solo me raspe la rodilla",
    "me he dado un golpe en la cabeza con la campana de la cocina, nada mas, y me duele el cuello",
    "no quiero seguir aqui en la sala de espera tanto tiempo, me duele la espalda",
    # session 12 (English)
    "please make this neck pain disappear, it's been three weeks",
    "I want my shoulder ache to disappear for good before the wedding",
    "my butt cheek goes numb when I sit on the bleachers, fine when I stand",
    "I took all my morning tablets at once with breakfast, is that ok with physio?",
    "pregnant, no bleeding and no cramps, can I keep doing spin?",
    "my 4 month old had her vaccinations and there's a little bruise on her thigh",
    "my son wont use his wrist much since the cast came off, it's stiff",
    "I'm 26 weeks and nervous about slipping on the ice, what shoes help?",
    "my calves were tight and puffy after the trail race but easing each day",
    "tearing sensation in my hamstring during sprints, no other symptoms",
    "I could drown myself in coffee after that night shift, my neck is stiff",
    "my boyfriend threw a pillow at me for snoring lol, my back aches",
    "I almost broke my wrist tripping over the dog, it is fine, just a bit sore",
    "I worry about hurting the baby by lifting my toddler at 25 weeks pregnant",
    "my 5 month old has a small bruise where she knocked into the cot bars",
    "my son refuses to use his arm in the sling, physio said to encourage him",
    "pulled something in my upper back on rows, a bit dizzy from holding my breath, now fine",
    # Lead, session 12: tired legs after standing or a long run are not sciatica in both legs.
    "my legs both hurt by the evening after standing on the shop floor all day",
    "both legs ache after the hilly half marathon on Sunday, which stretches help?",
])
def test_screen_ordinary_complaints_do_not_over_alarm(message):
    assert triage.screen(message).level == "none"


@pytest.mark.parametrize("message", [
    "what are the warning signs of a stroke?",
    "how do I know if my ankle is broken?",
    "what does a blood clot feel like",
])
def test_screen_questions_about_signs_are_not_reports(message):
    assert triage.screen(message).level == "none"


@pytest.mark.parametrize("message, level", [
    ("cheast pain and shortnes of breath", "emergency"),
    ("numbess in my groyne and back pain", "emergency"),
    ("calf swolen and hot after a long flite", "urgent"),
    ("been having sucidal thoughts", "emergency"),
    ("light-headed with chest presure", "emergency"),
    ("back pian and a feaver", "urgent"),
])
def test_screen_misspellings_still_fire(message, level):
    assert triage.screen(message).level == level


@pytest.mark.parametrize("word, fixed", [
    ("numbess", "numbness"), ("brething", "breathing"), ("swolen", "swollen"), ("sweatting", "sweating"),
    ("chset", "chest"), ("fractrue", "fracture"), ("bladdr", "bladder"),
])
def test_correct_word_repairs_typos(word, fixed):
    assert triage.correct_word(word, triage.load_rules()) == fixed


@pytest.mark.parametrize("word", ["fewer", "cancel", "ladder", "chess", "smelling", "fight", "chill", "breath",
                                  "never", "dropping", "shallow", "bowls", "seating"])
def test_correct_word_leaves_real_words_alone(word):
    assert triage.correct_word(word, triage.load_rules()) == word


def test_screen_long_rambling_message_finds_the_flag():
    message = (
        "Hi there, so I've been seeing a physio for my knee for about six weeks after I hurt it skiing and "
        "honestly it's been going well, I can do the step-ups and the lunges without much pain now. "
        "My work is pretty sedentary though, I sit at a desk most of the day and I flew to Chicago and back "
        "last week for a conference. Since I got home my left calf has been swollen and it's warm and a bit "
        "red, which is weird because my right one is fine. Anyway I wanted to ask whether I should keep doing "
        "the calf raises you gave me or switch to something else?"
    )
    result = triage.screen(message)
    assert result.level == "urgent"
    assert "dvt-pe" in result.categories


def test_screen_long_message_with_negations_stays_calm():
    message = (
        "My lower back has been sore for two weeks since I moved house. No fever, no numbness in my groin, "
        "no problems with my bladder or bowels, and my legs feel normal. I never had cancer. It's worse "
        "in the morning and eases once I get moving. What exercises would help?"
    )
    assert triage.screen(message).level == "none"


def test_screen_findings_in_different_sentences_still_co_occur():
    result = triage.screen("My back has hurt for a week. Yesterday I started running a fever.")
    assert result.level == "urgent"


def test_read_explains_why_a_mention_was_discounted():
    reasons = {m.term: m.reason for m in triage.read("no fever. I had a fracture years ago")}
    assert reasons["fever"] == "negated"
    assert reasons["fracture_suspected"] == "past"


# ---------------------------------------------------------------- messages and levels

def test_screen_emergency_message_leads_with_instruction():
    result = triage.screen("crushing chest pain")
    assert result.message.startswith("Call 911 now")


def test_screen_uses_configured_numbers():
    result = triage.screen("crushing chest pain", numbers={"emergency_number": "112"})
    assert result.message.startswith("Call 112 now")
    assert "911" not in result.message


def test_screen_self_harm_leads_with_crisis_line():
    result = triage.screen("I want to end my life", numbers={"crisis_line": "116 123",
                                                             "crisis_line_name": "Samaritans"})
    assert result.level == "emergency"
    assert result.is_crisis
    assert result.message.startswith("Please call or text 116 123 now to reach the Samaritans")


def test_screen_self_harm_beside_other_emergency_keeps_both_numbers():
    result = triage.screen("crushing chest pain and honestly I want to end my life")
    assert result.level == "emergency"
    assert result.message.startswith("Call 911")
    assert "988" in result.message
    assert result.mentions_crisis and not result.is_crisis


def test_screen_most_severe_level_wins():
    result = triage.screen("my calf is swollen and red and now I'm suddenly short of breath")
    assert result.level == "emergency"
    assert "dvt-swollen-warm-leg" in result.rule_ids


def test_screen_plain_complaint_is_none():
    result = triage.screen("inner elbow pain when gripping")
    assert result == triage.Triage("none")
    assert not result.is_red_flag


# ---------------------------------------------------------------- phrasing sets and the dev set

@pytest.mark.parametrize("name", ["redflag_phrasings.jsonl", "redflag_heldout.jsonl", "redflag_heldout2.jsonl",
                                  "redflag_heldout3.jsonl", "redflag_ordinary.jsonl"])
def test_screen_hand_written_phrasings_all_pass(name):
    failures = []
    for row in _phrasings(name):
        got = triage.screen(row["text"]).level
        if got != row["expect"]:
            failures.append((row["text"], row["expect"], got))
    assert failures == []


def test_screen_dev_set_recall_and_false_alarms():
    path = shared_path("eval", "queries_dev.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    red = [r for r in rows if r["kind"] == "red_flag"]
    others = [r for r in rows if r["kind"] in ("symptom", "logistics", "ambiguous", "no_match")]
    assert red and others
    assert [r["id"] for r in red if not triage.screen(r["query"]).is_red_flag] == []
    assert [r["id"] for r in others if triage.screen(r["query"]).is_red_flag] == []


def test_create_app_refuses_broken_rules(tmp_path, monkeypatch):
    from tests.appkit import make_app

    broken = tmp_path / "redflags.toml"
    broken.write_text('[[rule]]\nid = "x"\n', encoding="utf-8")
    monkeypatch.setattr(triage.rules, "RULES_PATH", broken)
    triage.load_rules.cache_clear()
    try:
        with pytest.raises(triage.RulesError):
            make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                        "LOAD_INDEX_AT_START": False, "SECRET_KEY": "k"})
    finally:
        triage.load_rules.cache_clear()


def test_screen_overlong_text_still_sees_a_red_flag_at_either_end():
    filler = "My knee aches when I run downhill. " * 5_000
    assert len(filler) > triage.MAX_SCREEN_CHARS
    assert triage.screen(filler + "Now I have crushing chest pain and I'm short of breath.").level == "emergency"
    assert triage.screen("Crushing chest pain and short of breath. " + filler).level == "emergency"


def test_triage_package_exports_only_its_public_api():
    """Tests reach a submodule's private helpers in that submodule; the package names only its API."""
    assert [name for name in triage.__all__ if name.startswith("_")] == []
    assert [name for name in triage.__all__ if not hasattr(triage, name)] == []
    with pytest.raises(triage.RulesError, match="answer.x"):
        triage.check_template("answer.x", "call {nonsense}")


def test_triage_read_skipping_unanchored_patterns_finds_every_mention():
    import random

    ruleset = triage.load_rules()
    messages = [message for _, _, message in CATEGORY_CASES]
    dev = SHARED_DEV if SHARED_DEV.is_file() else None
    if dev is not None:
        messages += [json.loads(line)["query"] for line in dev.read_text().splitlines() if line.strip()]
    words = sorted({w for term in ruleset.terms.values() for p in term.patterns
                    for w in re.findall(r"[a-z]{3,}", p.pattern)})
    rng = random.Random(3)
    messages += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 12))) for _ in range(400)]
    found = 0
    for message in messages:
        want = oracles.read(message, ruleset)
        assert triage.read(message, ruleset) == want, message
        found += len(want)
    assert found > 300


@pytest.mark.parametrize("pattern, anchors", [
    (r"\b(?:chest|sternum)\s+pain\b", ("chest", "sternum")),
    (r"\b(?:(?:my\s+)?legs)\b", ("legs", "my")),
    (r"\b(?:\d+ hours)\b", None),
    (r"(?:ab)+c", ("ab",)),
    (r"\b(?:[6-9]\d|1[01]\d) years\b", ("1", "6", "7", "8", "9")),  # a small class: its characters
    (r"\b(?:[^a]x|[a-z]y)\b", None),  # negated or large classes: any character
])
def test_triage_anchors_are_literals_every_match_starts_with(pattern, anchors):
    assert triage.anchors(re.compile(pattern)) == anchors


def test_load_rules_every_family_has_rules_and_the_lead_names_its_family():
    rules = triage.load_rules()
    assert {rule.family for rule in rules} == set(triage.FAMILIES)
    result = triage.screen("30 weeks pregnant and baby hasn't moved since last night")
    assert result.family == "pregnancy" and result.level == "urgent"
    assert triage.screen("my knee aches after squats").family is None


@pytest.mark.parametrize("message, rule_id", [
    ("I feel totally fine but I swallowed a whole bottle of my pain pills an hour ago", "overdose-taken"),
    ("me trague un monton de pastillas pero estoy bien", "overdose-taken"),
])
def test_screen_overdose_counts_even_when_the_writer_feels_fine(message, rule_id):
    result = triage.screen(message)
    assert result.level == "emergency" and rule_id in result.rule_ids


def _family_rows():
    path = Path(__file__).parent / "data" / "redflag_families.jsonl"
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_screen_family_probes_at_the_contract_level():
    """Our own messages per family (EN/ES), written from the guidance each rule cites; see docs/safety.md.

    Known miss kept in the file, Spanish negation scope (issue 14 part 3, the engine's): a 'sin'
    after the finding. (A 'no' reaching across ", le duele ..." is now a clause end in the rules file.)
    """
    known = {"tengo la rodilla un poco hinchada despues de correr, sin fiebre"}
    wrong = []
    for row in _family_rows():
        result = triage.screen(row["text"])
        got = result.level if result.level != "none" else "routine"
        if got != row["expect"] and row["text"] not in known:
            wrong.append((row["text"], row["expect"], got))
        if row.get("family") not in (None, "routine") and result.family != row["family"]:
            wrong.append((row["text"], row["family"], result.family))
    assert wrong == []


def _fired_from_read(message, ruleset):
    """The rules' verdict built from read(), the review path: every mention, then the rules."""
    from bot.triage import screening

    present = {}
    for mention in triage.read(message, ruleset):
        if mention.counts:
            present.setdefault(mention.term, set()).add(mention.sentence)
    return [r.id for r in ruleset.rules if screening._fires(r, present)]


def test_triage_present_gives_the_same_verdict_as_reading_every_mention():
    import random

    from bot.triage import reading

    ruleset = triage.load_rules()
    messages = [message for _, _, message in CATEGORY_CASES] + [line.split(" ", 1)[1] for line in OWN_FAMILY_CASES]
    rng = random.Random(5)
    messages += [" ".join(rng.sample(messages, 6)) for _ in range(40)]  # long stories with several flags
    for message in messages:
        got = [r.id for r in ruleset.rules if triage.screening._fires(r, reading.present(
            triage.read_once(message, ruleset), ruleset))]
        assert got == _fired_from_read(message, ruleset), message


#: Written for this test from NHS, CDC en espanol, MedlinePlus en espanol and crisis-line pages (not from any
#: evaluation set): "<level> <message>", level being what the rules alone must give.
OWN_FAMILY_CASES = [
    "emergency my running buddy is burning hot, confused and talking nonsense after our long run in the heat",
    "emergency collapsed at the end of the half marathon on a hot day, skin hot and dry",
    "emergency Se desplomo despues de correr con tanto calor y esta confundido.",
    "emergency woke up with a tearing pain between my shoulder blades going to my back, worst pain ever",
    "emergency Pienso tirarme de un puente hoy.",
    "urgent A veces quisiera dormirme y no despertar nunca, estoy cansado del dolor.",
    "emergency Me estoy cortando y no deja de sangrar.",
    "emergency me trague un puno de pastillas para dormir, no se cuantas",
    "urgent Mi esposo me empuja y me insulta, me duele el hombro desde que me avento contra la pared.",
    "emergency La pantorrilla se me puso dura como piedra despues del partido y el dolor es insoportable.",
    "emergency Tengo el antebrazo muy hinchado y tenso despues de la fractura y el dolor no se calma con nada.",
    "urgent orino como coca cola despues del maraton y tengo las piernas adoloridas",
    "emergency Creo que estoy embarazada, tengo dolor en el bajo vientre y me desmaye en el bano.",
    "emergency Tuve cancer de mama y ahora me duele la espalda en la noche y se me debilitan las piernas.",
    "urgent Se me cae todo de las manos y camino como borracho desde hace meses.",
    "emergency I'm on warfarin and banged my head on the cupboard door this morning.",
    "emergency My arm has been in a cast since Monday and now my fingers are numb and cold.",
    "emergency Shooting pain down both legs from my back since yesterday.",
]
OWN_ROUTINE_CASES = [
    "Me duele el pecho cuando aprieto, despues de hacer press de banca.",
    "Me lastime la pantorrilla corriendo cuesta arriba. Que estiramientos hago?",
    "Tengo 36 semanas y el bebe me patea las costillas, pero se mueve un monton.",
    "I get confused about which stretches to do in hot weather.",
    "Me corte el dedo picando cebolla, ya no sangra, puedo ir al gimnasio?",
    "My legs are sore after the gym yesterday, DOMS?",
]


@pytest.mark.parametrize("case", OWN_FAMILY_CASES)
def test_screen_own_family_cases_in_english_and_spanish_at_their_level(case):
    level, message = case.split(" ", 1)
    assert triage.screen(message, learned=False).level == level, message


@pytest.mark.parametrize("message", OWN_ROUTINE_CASES)
def test_screen_own_look_alikes_stay_calm(message):
    assert not triage.screen(message, learned=False).is_red_flag


@pytest.mark.parametrize("message", [
    # a drooping face in Spanish, the face named before or after the verb (CDC en espanol: cara caida)
    "la cara se me esta cayendo desde hace un rato",
    "de repente se me esta cayendo la cara del lado izquierdo",
    "a mi abuelo la cara se le cayo de un lado mientras comia",
    "se le esta cayendo la mitad de la cara a mi esposa",
])
def test_screen_spanish_drooping_face_is_a_stroke(message):
    verdict = triage.screen(message)
    assert verdict.level == "emergency" and "stroke-face" in verdict.rule_ids


@pytest.mark.parametrize("message", [
    # something falling on the face, a fall onto it, the idiom of shame: no stroke
    "se me cayo el telefono en la cara anoche y tengo la nariz adolorida",
    "me cai de cara en la cancha y me raspe la rodilla",
    "se me cae la cara de verguenza pero tengo que preguntar por mi espalda",
    "se me cayo la cara de pena cuando me trabe la espalda en el trabajo",
])
def test_screen_spanish_face_look_alikes_are_not_a_stroke(message):
    assert "stroke-face" not in triage.screen(message).rule_ids


def test_app_start_builds_the_ascii_pattern_forms(tmp_path, index_dir):
    """The first visitor must not pay for compiling the ASCII forms (~0.25 s): the start does it."""
    from tests.appkit import make_app

    triage.load_rules().plan.pop("compiled_ascii", None)
    make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir)})
    assert "compiled_ascii" in triage.load_rules().plan
