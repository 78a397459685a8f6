"""Spanish phrases that mean one thing together, rewritten before a message is glossed word by word.

"Dolor de cabeza" is a headache, not pain and a head; "me cuesta subir" is hard, not a price. Each
pattern below says what it reads; ``rewrite`` takes folded text (no accents, lower case) and returns
it with those phrases replaced by the one Spanish word the glossary reads as the phrase's meaning.
"""

from __future__ import annotations

import re

#: "he oído que...", "¿has oído de...?": heard (said by nothing), not the ear ("me duele el oído").
HEARD = re.compile(r"\b(?:he|has|ha|hemos|han|habia|habias|habian)\s+oido\b")
#: "estoy seguro", "no sé si es seguro": sure or safe, not insurance ("el seguro", "mi seguro").
SURE = re.compile(r"\b(?:estoy|esta|estamos|estar|muy|tan|no|sea|es)\s+segur[oa]s?\b|\bsegur[oa]s?\s+(?:que|de)\b"
                  # "de seguro me lastimé": surely (not "de seguro médico").
                  r"|\bde\s+seguro\b(?!\s+(?:medico|de\s+salud))")
#: "me cuesta (trabajo) subir escaleras": it is hard for me, not a price ("¿cuánto cuesta?").
HARD = re.compile(r"\b(?:me|te|le|les|nos)\s+cuestan?\b(?:\s+(?:mucho\s+)?trabajo\b)?")
#: "muy/demasiado tarde", "nunca es tarde": late ("tardío"), not the afternoon ("en la tarde", "por las tardes").
LATE = re.compile(r"\b((?:muy|demasiado|mas|tan|es|ya|llegar|llego|llegue|llega)\s+)tarde\b")
#: "tener/tomar en cuenta": to keep in mind, not a bill ("la cuenta") or what it costs.
KEEP_IN_MIND = re.compile(r"\b(?:tener|tengo|tenga|tengan|tomar|tomo|tome|tomen)\s+en\s+cuenta\b")
#: "manejar el dolor / el estrés" is managing it ("controlar"); "manejar" otherwise is driving.
MANAGE = re.compile(r"\bmanej(?:ar|o|a|as|an|ando|amos)(?:lo|la)?\b(?=\s+(?:(?:el|la|mi|mis|su|sus|los|las|tu|tus)\s+)?"
                    r"(?:dolor|dolores|estres|ansiedad|sintomas|emociones|peso|enfermedad|artritis|condicion)\b)")
#: "una receta de pay", "recetas": a recipe; "receta" alone or the doctor's is a prescription (direct access).
RECIPE = re.compile(r"\brecetas\b|\breceta(?=\s+(?:de|para)\s+(?!(?:(?:el|la|mi|su|un|una)\s+)?"
                    r"(?:doctor|doctora|medico|medica|terapia|fisioterapia|terapeuta|fisio|especialista|ortopedista"
                    r"|quiropractico)\b))")
#: "la familia real": royal, not real; "las 5 de la mañana": 5am, as English writes it.
ROYAL = re.compile(r"\b(familia|casa)\s+real\b")
CLOCK = re.compile(r"\b(?:las\s+|la\s+)?(\d{1,2})\s+de\s+la\s+manana\b")
#: "fin de semana" is the weekend ("finde"), not a week.
WEEKEND = re.compile(r"\bfin(?:es)?\s+de\s+semana\b")
#: "me levanto de la cama": getting up (without the pronoun, "levanto el brazo" is lifting).
GET_UP = re.compile(r"\b(?:me|te|se|nos)\s+levant(?:o|a|as|an|amos)\b"
                    # "me bajo / salir de la cama": getting out of bed, not down or the low back.
                    r"|\b(?:(?:me|te|se)\s+baj(?:o|a|as|an)|bajar(?:me|se)?|sal(?:go|e|ir|irme|irse))(?=\s+de\s+la\s+cama\b)")
#: "dolor de cabeza" is a headache (not pain and a head); "viendo para abajo" is looking down (not the bottom).
HEADACHE = re.compile(r"\bdolor(?:es)?\s+de\s+cabeza\b")
DOWNWARD = re.compile(r"\b(?:para|hacia|pa)\s+abajo\b")
#: "¿cuánto dura la cita?", "¿cuántos minutos dura cada sesión?": how long one visit lasts (session
#: length), not how many visits ("cuántas visitas") or how long treatment takes ("cuánto tiempo de terapia").
SESSION_LENGTH = re.compile(r"\bcuant[oa]s?\s+(?:tiempo\s+|minutos\s+|horas?\s+)?(?:dura|duran|toma|toman|es|son)\s+"
                            r"(?:(?:la|el|una|cada|las|los|mi|mis|su|sus)\s+)?(?:(primera?)\s+)?"
                            r"(cita|citas|sesion|sesiones|consulta|consultas|visita|visitas)\b"
                            # "¿las sesiones son de una hora?", "la cita dura media hora".
                            r"|\b(cita|citas|sesion|sesiones|consulta|consultas|visita|visitas)\s+(?:son|es|dura|duran)\s+"
                            r"(?:de\s+)?(?:una|media|\d+)\s+(?:hora|horas|minutos)\b"
                            r"|\bcuantos\s+minutos\b")
#: "cambiar la cita": rescheduling it, not a change in the complaint.
RESCHEDULE = re.compile(r"\bcambiar\s+(?:la|mi|su|una|de)\s+(cita|consulta|sesion)\b")

#: "uso chanclas", "usar tacones", "me pongo botas": wearing them ("calzo"), not using something.
WEAR = re.compile(r"(?<=que\s)(?:me|se|te)\s+pon(?:go|e|es|ga)\b"
                  r"|\b(?:us(?:o|a|as|an|ar|aba|aban|ando|e|amos)|(?:me|se|te)\s+pon(?:go|e|es|en|ia))\b"
                  r"(?=\s+(?:(?:el|la|los|las|mi|mis|su|sus|un|una|unos|unas)\s+)?(?:zapato|zapatos|tenis|chanclas"
                  r"|chancletas|sandalias|tacones|botas|pantuflas|ropa|calcetines|plantillas)\b)")

#: "¿hablan inglés?", "en inglés y español": the language, not the groins ("ingles", stemmed as "ingle").
LANGUAGE = re.compile(r"\b(?:en|hablan?|hablar|habla|de)\s+ingles\b|\bingles\s+(?:y|o|e)\s+espanol\b"
                      r"|\bespanol\s+(?:y|e|o)\s+ingles\b")

#: "registrado en el consejo", "el Consejo General": the regulator, not advice ("un consejo").
COUNCIL = re.compile(r"\b(?:(?<=en el )|(?<=del ))consejo\b|\bconsejo(?=\s+(?:general|de\s+osteopat|de\s+fisioterap))")

#: "me manda con el doctor", "la envían al especialista": referring a patient on ("derivar", refer), not sending a
#: thing ("me mandan los ejercicios por email"). Not "referir": its stem is the Spanish lexicon's "referido", a
#: referral to come in (direct access), which the question does not ask about.
REFER = re.compile(r"\b(?:mand|envi)(?:ar|o|a|as|an|aria|arian|e|en|aron)(?:me|lo|la|los|las)?\s+"
                   r"(?:con|al|a|hacia|donde)\s+(?:(?:el|la|los|las|mi|su|un|una|otro|otra)\s+)?"
                   r"(?=(?:doctor|doctora|doctores|medico|medica|medicos|especialista|especialistas|cabecera|gp"
                   r"|hospital|traumatologo|ortopedista|reumatologo|neurologo|fisioterapeuta)\b)")

#: "aguanta el agua", "a prueba de agua", "resistente al agua": waterproof, not water.
WATERPROOF = re.compile(r"\b(?:a\s+prueba\s+de|(?:aguanta|aguantan|resiste|resisten|resistente|resistentes)"
                        r"\s+(?:el|al|a)?)\s*agua\b")

#: "si hace falta", "cuando haga falta": if needed (as "necesito", a stop word), not a lack ("falta de sueño").
NEEDED = re.compile(r"\b(?:hace|haga|hagan|hiciera|hacia)\s+falta\b")
#: "médico de cabecera", "doctor de familia", "médico general": the GP (one word the glossary reads), not a
#: doctor and a GP.
FAMILY_DOCTOR = re.compile(r"\b(?:medico|medica|doctor|doctora)\s+(?:de\s+)?(?:cabecera|familia|general)\b")

#: "bajar de peso" is losing weight ("adelgazar"), "subir de peso" gaining it ("engordar"), not going down or up.
WEIGHT = re.compile(r"\b(baj|sub)(?:ar|o|e|i|a|as|an|ando|ado|io)\s+(?:de\s+|unos\s+|unas\s+|mucho\s+)?"
                    r"(?:peso|kilos)\b")

#: "unos tenis para correr", "mis tenis nuevos": trainers (plural, or for running), not the sport ("juego
#: tenis", "codo de tenista", "el tenis").
TRAINERS = re.compile(r"\b(?:(?:los|unos|mis|sus|tus|estos|esos|nuevos|buenos|calzo|compre|compro|comprar|que"
                      r"|cuales|par\s+de)\s+)tenis\b"
                      r"|\btenis(?=\s+(?:para\s+(?:correr|caminar|trotar|el\s+gym|el\s+gimnasio)|nuevos|viejos|de\s+correr"
                      r"|acolchonados|acolchados|planos)\b)")
#: "hace mucho calor", "con este calor", "una ola de calor": hot weather, not a heat pack ("le pongo calor");
#: "hace frío", "con este frío": cold weather, not an ice pack.
_WEATHER = (r"(?:hace|hacia|hizo|haga|hay|habia)\s+(?:mucho\s+|tanto\s+|un\s+|demasiado\s+)?"
            r"|(?:con|en|por)\s+(?:el\s+|este\s+|ese\s+)?(?:mucho|tanto|este|ese)\s+|dias?\s+de\s+")
HOT_WEATHER = re.compile(rf"\b(?:{_WEATHER}|ola\s+de\s+)calor\b")
# "con el frío me duelen", "en el frío": the cold season ("con frío o calor" is the pack).
COLD_WEATHER = re.compile(rf"\b(?:{_WEATHER}|(?:con|en)\s+el\s+)frio\b")
#: "me duele todo el cuerpo", "sentada todo el día": the whole body, all day ("todo" alone is a stop word).
WHOLE = re.compile(r"\btod[oa]\s+(?:el|la|mi)\s+(cuerpo|dia|espalda|pierna|brazo|noche|tarde|manana|semana)\b")
#: "estoy esperando bebé", "estoy en estado": pregnant, not waiting for a baby.
EXPECTING = re.compile(r"\besperando\s+(?:(?:un|mi|el)\s+)?(?:bebe|bebito|bebita|nene|baby)\b"
                       r"|\b(?:estoy|esta|estaba|quede)\s+en\s+estado\b")
#: "trabajo de rodillas", "paso horas de rodillas": kneeling ("hincado"), beside the knees it names; "dolor de
#: rodillas" stays the knees.
KNEELING = re.compile(r"\b((?:trabaj(?:o|a|an|ar|ando|e)|est(?:oy|a|ar|aba|uve|ando)|pas(?:o|a|ar|e|ando)|horas|tiempo"
                      r"|rato|ratos|jugar|juego|limpi(?:o|a|ar|ando))\s+)de\s+rodillas\b")
#: "pararme del escritorio", "me paro de la silla": standing up from it (Mexican "pararse"), not stopping.
STAND_UP = re.compile(r"\b(?:(?:me|te|se|nos)\s+par(?:o|a|as|an|e|amos)|parar(?:me|te|se|nos)?)\b"
                      r"(?=\s+(?:de|del)\s+(?:(?:la|el|mi|su)\s+)?(?:escritorio|silla|compu|computadora|sillon|sofa|mesa"
                      r"|asiento|cama|piso|suelo)\b)")

#: "el dedo gordo del pie", "los dedos de los pies": toes ("ortejos"), not fingers ("dedo" alone).
TOE = re.compile(r"\bdedo(s)?\s+((?:gordo|chiquito|pequeno|menique)\s+)?"
                 r"(?:del\s+pie|de\s+los\s+pies|del\s+pie\s+(?:derecho|izquierdo))\b")
#: "todo el turno", "turnos de noche": a work shift ("jornada"), not an appointment slot ("¿hay turno?").
SHIFT = re.compile(r"\b(?:todo\s+el|mi|del|durante\s+el|cada|al\s+final\s+del|despues\s+del)\s+turno\b"
                   r"|\bturnos?\s+(?:de\s+)?(?:noche|nocturnos?|dia|manana|tarde|dobles?|completos?|largos?|de\s+\d+\s+horas)\b")
#: "di a luz hace 6 meses": gave birth ("parto"), not a light.
BIRTH = re.compile(r"\b(?:di|dio|dar|diste|dimos|dieron|acabo\s+de\s+dar)\s+a\s+luz\b")
#: "no agarra bien el pecho": the baby's latch, breastfeeding ("amamantar"), not the chest.
LATCH = re.compile(r"\b(?:agarr|peg)(?:a|ar|arse|o|an|ando)\s+(?:bien\s+|mal\s+)?(?:(?:el|al)\s+)?"
                   r"(?:pecho|seno|pezon)\b")
#: "tender la cama / la ropa": making the bed, hanging the washing; not "tender" (sore), which English reads.
CHORE = re.compile(r"\btend(?:er|iendo|i|io|o|emos)\b(?=\s+(?:la\s+)?(?:cama|camas|ropa|colada)\b)")
#: "me doblé el pie", "se dobló el tobillo": rolled it ("torcí"), not bending.
ROLLED = re.compile(r"\b(?:me|se|te)\s+dobl(?:e|o|aste|aron)\s+(?=(?:el|la|mi|su)\s+(?:pie|tobillo)\b)")
#: "lavar / tender / doblar la ropa", "la canasta de ropa": the laundry ("colada"), not what to wear to a visit.
LAUNDRY = re.compile(r"\b((?:lav|tend|recog|exprim|dobl|planch|carg|sac|colg|guard|acomod|junt|levant)\w*\s+"
                     r"(?:la\s+|toda\s+la\s+|mucha\s+|de\s+)?|(?:canasta|cesto|bote|montana|pila)\s+de\s+(?:la\s+)?)ropa\b")
#: "con los brazos arriba", "alcanzar algo arriba": overhead (the word the English lexicon reads), not the top of
#: something.
OVERHEAD = re.compile(r"\b(brazos?|manos?)\s+(?:arriba|en\s+alto|levantad[oa]s?|hacia\s+arriba)\b"
                      r"|\b(alcanzar|agarrar|bajar|subir|poner|guardar)\s+(?:algo|cosas)\s+(?:de\s+|hasta\s+)?arriba\b")


def _overhead(found: re.Match) -> str:
    """The arm or reach it was, then overhead."""
    return f" {found[1] or found[2]} overhead "


def _weight(found: re.Match) -> str:
    """The one word the glossary reads for losing or gaining weight."""
    return " adelgazar " if found[1] == "baj" else " engordar "


def _session_length(found: re.Match) -> str:
    """'minutos' (a session-length word) beside the visit it is about, and 'primera' when it was said."""
    return f" {found[1] or ''} minutos {found[2] or found[3] or ''} "


def rewrite(text: str) -> str:
    """Folded text with each phrase above replaced by the word the glossary reads."""
    text = GET_UP.sub(" levantarse ", HARD.sub(" dificil ", SURE.sub(" ", HEARD.sub(" ", text))))
    text = DOWNWARD.sub(" bajar ", HEADACHE.sub(" jaqueca ", text))
    text = FAMILY_DOCTOR.sub(" cabecera ", NEEDED.sub(" ", COUNCIL.sub("concejo", WEIGHT.sub(_weight, text))))
    text = WATERPROOF.sub(" impermeable ", REFER.sub(" derivar ", text))
    text = LANGUAGE.sub(lambda found: found[0].replace("ingles", "idioma"), text)
    text = RESCHEDULE.sub(r" reprogramar \1 ", SESSION_LENGTH.sub(_session_length, WEAR.sub(" calzo ", text)))
    text = LATE.sub(r"\1tardio", KEEP_IN_MIND.sub(" ", WEEKEND.sub(" finde ", MANAGE.sub(" controlar ", text))))
    text = HOT_WEATHER.sub(" canicula ", COLD_WEATHER.sub(" invernal ", TRAINERS.sub(" zapatillas ", text)))
    text = STAND_UP.sub(" levantarse ", EXPECTING.sub(" embarazada ", WHOLE.sub(r" \1 entero ", text)))
    text = KNEELING.sub(r"\1hincado rodillas", text)
    text = TOE.sub(r" ortejo\1 \2 pie ", SHIFT.sub(" jornada ", BIRTH.sub(" parto ", LATCH.sub(" amamantar ", text))))
    text = ROLLED.sub(" torci ", OVERHEAD.sub(_overhead, CHORE.sub(" ", LAUNDRY.sub(r"\1colada", text))))
    return CLOCK.sub(r" \1am manana ", ROYAL.sub(r"\1 realeza", RECIPE.sub(" recetario ", text)))
