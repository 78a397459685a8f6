"""Build the Spanish red-flag corpus (es_redflags.jsonl, es_routine.jsonl) from hand-written messages.

Why a script: messages are written by hand in es_src/*.txt (one a line, under a header "@ <family> <presentation>
<label> [<lookalike_of>]", each line "<code> <message>" with a PATTERN_CODES key; '#' lines are comments), easier to
review than JSONL. This script turns them into the safety contract's records (issue 14) with their public source,
and wraps a few cores in three patterns patients produce (the flag buried after a long musculoskeletal story, a
question about exercises at the end, a phone-typed version without accents). Composition is deterministic (each
presentation draws from its own seeded generator, ``rng_for``, so adding rows to one presentation leaves every
other presentation's composed rows as they were) and kept under 40% of each file; the build fails when it is not,
or when an id, label or pattern is off the contract, or a text repeats.

Run: python3 data/redflag_corpus/compose_es.py [--check]   (--check re-reads the written files and prints counts)
"""

import json
import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 14
MAX_COMPOSED_SHARE = 0.40

PATTERN_CODES = {
    "pl": "plain", "la": "lay", "cl": "clinical", "ty": "typo", "un": "understated", "bu": "buried",
    "ex": "exercise_question", "pa": "parent", "tp": "third_person", "ne": "negated", "sp": "spanglish",
}

# The contract's table: family -> presentation -> level (sexual dysfunction alone with back pain is cauda equina
# too: the GIRFT warning card sends any one of its signs to the emergency department now).
CONTRACT = {
    "heart_vessels": {"heart_attack": "emergency", "aortic_dissection": "emergency", "ruptured_aaa": "emergency",
                      "pulmonary_embolism": "emergency", "dvt": "urgent", "limb_ischaemia": "emergency"},
    "brain_nerves": {"stroke": "emergency", "subarachnoid": "emergency", "vertebral_artery_dissection": "emergency",
                     "gca_vision_loss": "emergency", "gca": "urgent", "meningitis": "emergency",
                     "cervical_myelopathy": "urgent", "cspine_trauma": "emergency"},
    "spine": {"cauda_equina": "emergency", "cord_compression": "emergency", "spinal_infection": "urgent",
              "cancer_night_pain_weight_loss": "urgent", "fragility_fracture": "urgent"},
    "infection": {"sepsis": "emergency", "septic_arthritis": "urgent", "wound_infection": "urgent"},
    "limbs_trauma": {"compartment_syndrome": "emergency", "rhabdomyolysis": "urgent",
                     "hip_fracture_elderly": "emergency", "head_injury_anticoagulant": "emergency"},
    "children": {"child_head_injury": "emergency", "concussion_worsening": "emergency",
                 "testicular_torsion": "emergency", "scfe": "urgent", "limp_with_fever": "urgent",
                 "nonblanching_rash": "emergency"},
    "pregnancy": {"ectopic": "emergency", "preterm_labour": "urgent", "waters_breaking_early": "urgent",
                  "preeclampsia": "urgent", "reduced_movements": "urgent"},
    "mental_health": {"suicide_plan": "emergency", "passive_suicidal": "urgent", "self_harm_bleeding": "emergency",
                      "overdose": "emergency", "staggered_paracetamol": "emergency",
                      "domestic_abuse_danger": "emergency", "domestic_abuse": "urgent",
                      "child_abuse_disclosure": "urgent"},
    "allergy": {"anaphylaxis": "emergency"},
}

MP = "MedlinePlus en español (NLM)"
SOURCES = {
    "heart_attack": "NHLBI (NIH) en español, Ataque cardíaco, https://www.nhlbi.nih.gov/health-topics/ataque-cardiaco",
    "aortic_dissection": f"{MP}, Disección aórtica, https://medlineplus.gov/spanish/ency/article/000181.htm",
    "ruptured_aaa": f"{MP}, Aneurisma aórtico abdominal, https://medlineplus.gov/spanish/ency/article/000162.htm",
    "pulmonary_embolism": f"{MP}, Embolia pulmonar, https://medlineplus.gov/spanish/pulmonaryembolism.html",
    "dvt": "CDC en español, Coágulos de sangre: trombosis venosa profunda, "
           "https://www.cdc.gov/blood-clots/es/about/index.html",
    "limb_ischaemia": "NHS, Peripheral arterial disease (PAD), https://www.nhs.uk/conditions/peripheral-arterial-disease-pad/",
    "stroke": "CDC en español, Signos y síntomas de accidente cerebrovascular, "
              "https://www.cdc.gov/stroke/es/signs-symptoms/signos-y-sintomas-de-accidente-cerebrovascular.html",
    "subarachnoid": f"{MP}, Hemorragia subaracnoidea, https://medlineplus.gov/spanish/ency/article/001720.htm",
    "vertebral_artery_dissection": "NHS, Stroke: symptoms (neck artery dissection), https://www.nhs.uk/conditions/stroke/symptoms/",
    "gca_vision_loss": f"{MP}, Arteritis de células gigantes, https://medlineplus.gov/spanish/giantcellarteritis.html",
    "gca": "NHS, Giant cell arteritis, https://www.nhs.uk/conditions/giant-cell-arteritis/",
    "meningitis": "CDC en español, Meningitis bacteriana, https://www.cdc.gov/meningitis/es/about/bacterial-meningitis.html",
    "cervical_myelopathy": f"{MP}, Espondilosis cervical, https://medlineplus.gov/spanish/ency/article/000436.htm",
    "cspine_trauma": f"{MP}, Lesión de la columna vertebral, https://medlineplus.gov/spanish/ency/article/000029.htm",
    "cauda_equina": "NHS, Cauda equina syndrome, https://www.nhs.uk/conditions/cauda-equina-syndrome/",
    "cord_compression": "NICE NG234, Spinal metastases and metastatic spinal cord compression, "
                        "https://www.nice.org.uk/guidance/ng234",
    "spinal_infection": "NICE CKS, Back pain - low (without radiculopathy): red flags, "
                        "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/",
    "cancer_night_pain_weight_loss": "NICE CKS, Back pain - low (without radiculopathy): red flags, "
                                     "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/",
    "fragility_fracture": f"{MP}, Osteoporosis, https://medlineplus.gov/spanish/osteoporosis.html",
    "sepsis": "CDC en español, Sepsis: signos y síntomas, https://www.cdc.gov/sepsis/es/about/index.html",
    "septic_arthritis": f"{MP}, Artritis bacteriana, https://medlineplus.gov/spanish/ency/article/000430.htm",
    "wound_infection": f"{MP}, Infecciones de heridas quirúrgicas - tratamiento, "
                       "https://medlineplus.gov/spanish/ency/article/007645.htm",
    "compartment_syndrome": f"{MP}, Síndrome compartimental, https://medlineplus.gov/spanish/ency/article/001224.htm",
    "rhabdomyolysis": f"{MP}, Rabdomiólisis, https://medlineplus.gov/spanish/ency/article/000473.htm",
    "hip_fracture_elderly": f"{MP}, Fracturas de cadera, https://medlineplus.gov/spanish/hipinjuriesanddisorders.html",
    "head_injury_anticoagulant": "NICE NG232, Head injury: assessment and early management, "
                                 "https://www.nice.org.uk/guidance/ng232",
    "child_head_injury": f"{MP}, Traumatismo craneal: primeros auxilios, "
                         "https://medlineplus.gov/spanish/ency/article/000028.htm",
    "concussion_worsening": "CDC HEADS UP en español, Señales de peligro tras una conmoción cerebral, "
                            "https://www.cdc.gov/heads-up/es/",
    "testicular_torsion": f"{MP}, Torsión testicular, https://medlineplus.gov/spanish/ency/article/000517.htm",
    "scfe": f"{MP}, Epifisiólisis de la cabeza femoral, https://medlineplus.gov/spanish/ency/article/000972.htm",
    "limp_with_fever": "NICE NG143, Fever in under 5s: assessment and initial management, "
                       "https://www.nice.org.uk/guidance/ng143",
    "nonblanching_rash": "NHS, Meningitis: symptoms (the glass test), https://www.nhs.uk/conditions/meningitis/symptoms/",
    "ectopic": f"{MP}, Embarazo ectópico, https://medlineplus.gov/spanish/ency/article/000895.htm",
    "preterm_labour": "March of Dimes en español, Parto prematuro: señales, https://nacersano.marchofdimes.org/",
    "waters_breaking_early": "ACOG, Preterm labor and birth (premature rupture of membranes), "
                             "https://www.acog.org/womens-health/faqs/preterm-labor-and-birth",
    "preeclampsia": f"{MP}, Preeclampsia, https://medlineplus.gov/spanish/ency/article/000898.htm",
    "reduced_movements": "NHS, Your baby's movements, "
                         "https://www.nhs.uk/pregnancy/keeping-well/your-babys-movements/",
    "suicide_plan": "988 Lifeline en español, https://988lifeline.org/es/",
    "passive_suicidal": "988 Lifeline en español, https://988lifeline.org/es/",
    "self_harm_bleeding": "NHS, Self-harm: getting help, https://www.nhs.uk/mental-health/conditions/self-harm/",
    "overdose": "MSD Manual versión para el público, Intoxicación por paracetamol (acetaminofeno), "
                "https://www.msdmanuals.com/es/hogar/traumatismos-y-envenenamientos/intoxicaciones-o-envenenamientos/"
                "intoxicaci%C3%B3n-por-paracetamol-acetaminofeno",
    "staggered_paracetamol": "NICE CKS, Poisoning or overdose: paracetamol (staggered overdose), "
                             "https://cks.nice.org.uk/topics/poisoning-or-overdose/",
    "domestic_abuse_danger": "National Domestic Violence Hotline en español, https://espanol.thehotline.org/",
    "domestic_abuse": "National Domestic Violence Hotline en español, https://espanol.thehotline.org/",
    "child_abuse_disclosure": "Childhelp National Child Abuse Hotline, https://www.childhelphotline.org/",
    "anaphylaxis": f"{MP}, Anafilaxia, https://medlineplus.gov/spanish/ency/article/000844.htm",
}
# Routine look-alikes: the source for the family they resemble, with ordinary-care pages for the common ones.
ROUTINE_SOURCES = {
    "heart_vessels": f"{MP}, Dolor en el pecho (causas musculares), https://medlineplus.gov/spanish/ency/article/003079.htm",
    "brain_nerves": f"{MP}, Dolor de cuello, https://medlineplus.gov/spanish/ency/article/003024.htm",
    "spine": f"{MP}, Dolor de espalda, https://medlineplus.gov/spanish/backpain.html",
    "infection": f"{MP}, Esguinces y distensiones, https://medlineplus.gov/spanish/sprainsandstrains.html",
    "limbs_trauma": f"{MP}, Dolores musculares, https://medlineplus.gov/spanish/ency/article/003178.htm",
    "children": "AAP HealthyChildren.org en español, Dolor de rodilla y enfermedad de Osgood-Schlatter, "
                "https://healthychildren.org/Spanish/health-issues/injuries-emergencies/sports-injuries/paginas/"
                "Knee-Pain-and-Osgood-Schlatter-Disease.aspx",
    "pregnancy": "ACOG en español, Problemas comunes durante el embarazo, "
                 "https://www.acog.org/womens-health/faqs/problemas-comunes-durante-el-embarazo",
    "mental_health": "NIMH en español, Cuidar su salud mental, https://www.nimh.nih.gov/health/topics/espanol",
    "allergy": f"{MP}, Alergias, https://medlineplus.gov/spanish/allergy.html",
}


def read_sources(folder):
    """Parse es_src/*.txt into (header, pattern, text) triples, in file and line order."""
    items = []
    for path in sorted(folder.glob("*.txt")):
        header = None
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path.name}:{number}"
            if line.startswith("@"):
                parts = line[1:].split()
                if len(parts) not in (3, 4):
                    sys.exit(f"{where}: header needs family presentation label [lookalike_of]")
                header = tuple(parts) if len(parts) == 4 else (*parts, None)
                continue
            code, _, text = line.partition(" ")
            if header is None or code not in PATTERN_CODES or not text.strip():
                sys.exit(f"{where}: expected '<code> <message>' under a header, got {line[:60]!r}")
            items.append((header, PATTERN_CODES[code], text.strip(), where))
    return items


def record(header, pattern, text):
    """One contract record for a message under a header."""
    family, presentation, label, lookalike_of = header
    rec = {"text": text, "label": label, "family": family, "presentation": presentation}
    if family == "routine":
        rec["lookalike_of"] = lookalike_of
        source = ROUTINE_SOURCES[lookalike_of]
    else:
        source = SOURCES[presentation]
    rec.update({"lang": "es", "pattern": pattern, "source": source})
    return rec


def check(rec, where):
    """Fail the build on anything off the contract."""
    family, presentation, label = rec["family"], rec["presentation"], rec["label"]
    if rec["pattern"] not in PATTERN_CODES.values():
        sys.exit(f"{where}: unknown pattern {rec['pattern']}")
    if family == "routine":
        if label != "routine" or rec.get("lookalike_of") not in CONTRACT:
            sys.exit(f"{where}: routine needs label routine and a contract family in lookalike_of")
        return
    if family not in CONTRACT or presentation not in CONTRACT[family]:
        sys.exit(f"{where}: unknown family/presentation {family}/{presentation}")
    allowed = {CONTRACT[family][presentation]}
    if label not in allowed:
        sys.exit(f"{where}: {presentation} is {sorted(allowed)}, not {label}")
    if rec["pattern"] == "negated":
        sys.exit(f"{where}: negated is a routine pattern")


# Long musculoskeletal stories a red flag gets buried under (hand-written), by the voice of the message they lead into.
STORIES = {
    "adult": [
        "Hola, les escribo porque desde hace como tres semanas traigo dolor en la espalda baja, del lado derecho. "
        "Empezó cuando cargué unas cajas en la mudanza de mi hermana, luego mejoró un poco con ibuprofeno y "
        "calor, pero en el trabajo estoy sentada todo el día y al final de la tarde me vuelve.",
        "Buenas tardes. Soy mesero y paso todo el turno de pie, y desde el verano me duelen las rodillas, sobre "
        "todo la izquierda cuando bajo escaleras. Ya fui con el quiropráctico dos veces y me dio unas bandas "
        "elásticas, y he estado haciendo los ejercicios más o menos.",
        "Hace un mes me torcí el tobillo jugando fútbol los domingos en el parque, se me hinchó y estuve usando "
        "una tobillera. Ya camino casi normal pero todavía lo siento débil cuando corro.",
        "Trabajo en construcción y el hombro derecho me duele cuando levanto el brazo arriba de la cabeza, ya "
        "llevo como dos meses así, en las noches me cuesta acomodarme de ese lado y me despierto.",
        "Mi problema principal es el cuello. Trabajo en computadora unas diez horas y siempre termino con el "
        "cuello tieso y los hombros muy cargados, hago estiramientos que vi en YouTube pero no sé si los hago bien.",
        "Hola buenas, quería ver si me pueden dar cita. Corro unas 25 millas a la semana y desde hace dos "
        "semanas me duele la parte de afuera de la rodilla, la banda iliotibial creo.",
        "Les cuento: me operaron del menisco hace tiempo y quedé bien, pero ahora con el frío la rodilla me truena "
        "y se siente rígida en las mañanas. Hago bici estática y sentadillas a la pared como me enseñaron.",
        "Desde que empecé a trabajar en el almacén me duele la muñeca y el antebrazo, creo que es de escanear "
        "cajas todo el día. Me pongo hielo en la noche y uso una muñequera que compré en Target.",
        "Buenas noches, perdón la hora. Tengo fascitis plantar desde hace meses, el primer paso en la mañana es "
        "horrible, ya compré plantillas y ruedo una botella congelada con el pie como me dijeron.",
        "Llevo un año haciendo CrossFit y en general bien, pero hace como diez días hice muchos deadlifts y desde "
        "ahí siento la espalda cargada, más en la mañana, y se me quita al calentar.",
        "Trabajo limpiando casas y me paso agachada, tengo dolor en la cadera y la nalga izquierda hace semanas, "
        "a veces se siente como que baja un poquito por la pierna pero no pasa de la rodilla.",
        "Hola. Mi fisioterapeuta anterior se fue de la clínica y quiero seguir el tratamiento aquí. Tengo una "
        "tendinitis en el codo de tanto jugar pickleball, ya está mejor como en un 60 por ciento.",
        "Desde un choque leve en la 405 el año pasado me quedó dolor en el hombro y el trapecio, hice terapia y "
        "mejoré mucho, pero cuando duermo mal vuelve la contractura.",
    ],
    "parent": [
        "Hola, mi hijo va a terapia con ustedes por una tendinitis en la rodilla de jugar básquet, y los "
        "ejercicios le han ayudado, ya casi no se queja después de los partidos.",
        "Buenas tardes. Soy mamá de tres y cargo a la más chiquita todo el día, tengo dolor entre los omóplatos "
        "que va y viene y ya probé parches y masajes, ayudan un rato.",
        "Les escribo porque mi hija hace gimnasia cuatro días a la semana y le recomendaron fisioterapia por "
        "dolor en las muñecas, queríamos saber si tienen horario después de la escuela.",
        "Hola, mi niño tiene pie plano y el pediatra nos dijo que unos ejercicios le podrían ayudar, ya compramos "
        "plantillas y las usa en la escuela.",
        "Mi esposo y yo trabajamos de noche y yo tengo dolor de espalda baja de cargar cajas en el almacén, "
        "llevo un mes haciendo los estiramientos que me dieron aquí.",
    ],
    "teen": [
        "Hola, tengo 15 y juego fútbol en la escuela, desde la temporada pasada me duele un poco la rodilla "
        "cuando salto y el coach me dijo que hiciera estiramientos.",
        "Soy de high school y hago atletismo, me he estado jalando los isquios y hago los ejercicios que me dio "
        "la entrenadora antes de cada práctica.",
        "Tengo 16, juego béisbol de pitcher y me duele el hombro después de lanzar mucho, con hielo se me quita.",
    ],
    "pregnant": [
        "Hola, estoy embarazada y desde el segundo trimestre tengo dolor en la espalda baja y en la nalga "
        "derecha, los ejercicios con la pelota me han ayudado y duermo con una almohada entre las rodillas.",
        "Buenas tardes. Con el embarazo me empezó un dolor en el pubis al caminar y al subir escaleras, la "
        "fisio me dio un cinturón pélvico y me ha servido mucho.",
        "Les escribo porque estoy embarazada y trabajo de cajera parada todo el día, tengo los pies cansados y "
        "la espalda media cargada al final del turno, pero con estiramientos mejora.",
        "Hola, estoy en mi primer embarazo y se me duermen un poco las manos en la noche, me dijeron que es "
        "túnel carpiano del embarazo y uso férulas para dormir.",
    ],
}
CONNECTORS = ["Pero lo que me preocupa es otra cosa: ", "Ah, y también: ", "Bueno, y aparte de eso: ",
              "Otra cosa que no sé si tenga que ver: ", "Y ahora pasa algo nuevo: ", "Les comento también: ",
              "Por cierto, ", "Y otra cosita: ", "Pero hoy es diferente: ", "Lo que quería preguntar es esto: "]
QUESTIONS = ["¿Qué ejercicios puedo hacer mientras tanto?", "¿Le pongo hielo o calor?",
             "Que estiramientos me recomiendan?", "¿Puedo seguir yendo al gym o mejor descanso?",
             "¿Me pueden dar una rutina de ejercicios para la casa?", "¿sirve ponerme compresas calientes?",
             "Qué ejercicios de fisio me ayudarían?", "¿Es buena idea estirar o mejor no?",
             "¿Cuántos días de reposo recomiendan antes de volver a entrenar?",
             "¿Me pongo una faja o una venda y hago ejercicios suaves?", "tienen algun video de ejercicios?",
             "¿Me conviene hacer yoga para eso?", "¿Puedo tomar ibuprofeno y hacer mis ejercicios normal?"]
# The same questions asked about someone else (a child, a partner, a parent).
QUESTIONS_OTHER = ["¿Qué ejercicios le pueden servir?", "¿Le pongo hielo o calor?", "¿Le doy un masaje?",
                   "¿Puede seguir yendo a la práctica o mejor descansa?", "Que estiramientos le hago?",
                   "¿Le pueden dar una cita esta semana para terapia?", "¿le doy ibuprofeno y que descanse?",
                   "¿Qué ejercicios puede hacer en la casa?"]
TYPO_SWAPS = [("necesito", "nesecito"), ("que ", "q "), ("por favor", "porfa"), ("también", "tambien"),
              ("ahora", "aora"), ("hinch", "inch"), ("llevo", "yevo"), ("haciendo", "asiendo"),
              ("vez", "ves"), ("mucho", "muxo"), ("hace ", "ase "), ("estoy", "toy"), ("porque", "xq"),
              ("tobillo", "tobiyo"), ("cabeza", "caveza"), ("bebé", "bebe"), ("hospital", "ospital"),
              ("ya ", "ya "), ("quiero", "kiero"), ("después", "despues")]


def strip_accents(text):
    """Drop accents and the opening ¿¡ as phone keyboards without Spanish set-up do."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text.replace("¿", "").replace("¡", "")


def typo_version(text, rng):
    """A hurried phone version of a hand-written message: lower case, no accents, common misspellings, a slip."""
    out = text.lower()
    for right, wrong in TYPO_SWAPS:
        if right in out and rng.random() < 0.7:
            out = out.replace(right, wrong, 1)
    out = strip_accents(out).rstrip(".")
    words = out.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if long_words:
        i = rng.choice(long_words)
        w, j = words[i], rng.randrange(1, len(words[i]) - 2)
        # a swapped pair of letters or a dropped letter: the two slips a thumb makes most
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rng.random() < 0.5 else w[:j] + w[j + 1:]
    return " ".join(words)


def about_other(core):
    """Whether the message is about someone else (a child, a partner, a parent) rather than the writer."""
    return core.lower().startswith(("mi ", "el ", "la ", "niño", "niña", "adolescente", "bebé"))


def voice(header, core):
    """Who is writing the core, so that the story it is buried under is told by the same person."""
    family, presentation = header[0], header[1]
    other = about_other(core)
    if family == "children" or presentation == "child_abuse_disclosure":
        return "parent" if other and family == "children" else ("adult" if other else "teen")
    if family == "pregnancy" or (family == "routine" and header[3] == "pregnancy"):
        return "adult" if other else "pregnant"
    return "adult"


def lower_first(text):
    """Lower-case the first letter so a core reads on after a connector."""
    return text[:1].lower() + text[1:] if text else text


def rng_for(header):
    """A generator of its own per header; a string seed goes through SHA-512, never hash(), so runs agree."""
    return random.Random("/".join((str(SEED), *(part or "-" for part in header))))


def compose(items, per_presentation):
    """Wrap hand-written cores: buried, exercise_question and typo versions (counts per presentation)."""
    by_header = {}
    for header, pattern, text, _ in items:
        core_patterns = ("plain", "lay", "understated", "negated", "third_person", "spanglish", "parent")
        if pattern in core_patterns and len(text) < 220:
            by_header.setdefault(header, []).append(text)
    out = []
    for header, cores in by_header.items():
        rng = rng_for(header)
        cores = sorted(cores)
        rng.shuffle(cores)
        plan = per_presentation(header)
        picks = iter(cores * 3)
        for pattern, count in plan:
            for _ in range(count):
                core = next(picks)
                if pattern == "buried":
                    story = rng.choice(STORIES[voice(header, core)])
                    text = f"{story} {rng.choice(CONNECTORS)}{lower_first(core)}"
                elif pattern == "exercise_question":
                    questions = QUESTIONS_OTHER if about_other(core) else QUESTIONS
                    text = f"{core.rstrip('.')}. {rng.choice(questions)}"
                else:
                    text = typo_version(core, rng)
                out.append((header, pattern, text, "composed"))
    return out


def redflag_plan(header):
    """Composed records per red-flag presentation."""
    return [("buried", 2), ("exercise_question", 2), ("typo", 1)]


def routine_plan(header):
    """Composed records per routine look-alike: a long story is routine too, so only questions and typos."""
    return [("exercise_question", 1), ("typo", 1)]


def build(items, plan):
    """Hand-written plus composed records, checked, deduplicated by text (first one wins)."""
    hand = [(h, p, t, w) for h, p, t, w in items]
    composed = compose(items, plan)
    records, seen = [], set()
    n_composed = 0
    for header, pattern, text, where in hand + composed:
        key = " ".join(text.lower().split())
        if key in seen:
            if where != "composed":
                sys.exit(f"{where}: duplicate text {text[:60]!r}")
            continue
        seen.add(key)
        rec = record(header, pattern, text)
        check(rec, where)
        records.append(rec)
        n_composed += where == "composed"
    if n_composed > MAX_COMPOSED_SHARE * len(records):
        sys.exit(f"composed {n_composed} of {len(records)} is over {MAX_COMPOSED_SHARE:.0%}")
    return records, n_composed


def write(path, records):
    """One JSON object a line, UTF-8, written under a temporary name and renamed into place."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.replace(path)


MIN_PER_PRESENTATION = 12


def check_files():
    """Re-read the written JSONL: every line parses and fits the contract, no repeated text; print the counts."""
    from collections import Counter

    seen, problems = set(), []
    for name in ("es_redflags.jsonl", "es_routine.jsonl"):
        counts = {"label": Counter(), "family": Counter(), "presentation": Counter(), "pattern": Counter()}
        lines = (HERE / name).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            rec = json.loads(line)
            keys = {"text", "label", "family", "presentation", "lang", "pattern", "source"}
            if rec.get("family") == "routine":
                keys.add("lookalike_of")
            if set(rec) != keys or rec["lang"] != "es" or not rec["source"].strip():
                problems.append(f"{name}:{number}: fields {sorted(rec)}")
            check(rec, f"{name}:{number}")
            key = " ".join(rec["text"].lower().split())
            if key in seen:
                problems.append(f"{name}:{number}: duplicate text")
            seen.add(key)
            counts["label"][rec["label"]] += 1
            counts["family"][rec["family"] if rec["family"] != "routine" else "routine~" + rec["lookalike_of"]] += 1
            counts["presentation"][rec["family"] + "/" + rec["presentation"]] += 1
            counts["pattern"][rec["pattern"]] += 1
        print(f"{name}: {len(lines)} lines")
        for what, counter in counts.items():
            print(f"  {what}: " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())))
        if name == "es_redflags.jsonl":
            for family, presentations in CONTRACT.items():
                for presentation in presentations:
                    n = counts["presentation"][f"{family}/{presentation}"]
                    if n < MIN_PER_PRESENTATION:
                        problems.append(f"{family}/{presentation}: only {n} messages")
    if problems:
        sys.exit("\n".join(problems))
    print("ok: every line parses, fits the contract, no repeated text, every presentation has "
          f"at least {MIN_PER_PRESENTATION}")


def main():
    """Build both files and print their sizes (or, with --check, check the written files)."""
    if sys.argv[1:] == ["--check"]:
        check_files()
        return
    items = read_sources(HERE / "es_src")
    red = [i for i in items if i[0][0] != "routine"]
    routine = [i for i in items if i[0][0] == "routine"]
    for name, part, plan in (("es_redflags.jsonl", red, redflag_plan), ("es_routine.jsonl", routine, routine_plan)):
        records, n_composed = build(part, plan)
        write(HERE / name, records)
        print(f"{name}: {len(records)} records ({len(records) - n_composed} hand-written, {n_composed} composed)")


if __name__ == "__main__":
    main()
