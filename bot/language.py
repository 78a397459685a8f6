"""Is a visitor writing in Spanish? A small, pure guess from the words they use.

The red-flag answer must come back in the visitor's language with the same
configured numbers (issue 14). Nothing in the project detected a language
before: the index's quality check only asks "is this English prose?". Visitors
write short, misspelt, accent-less messages and mix languages ("tengo back pain
y no puedo caminar"), so a character-n-gram model trained on prose would be
shaky; counting the common function words of each language is robust at this
length and needs no model. Spanish wins when its words outnumber English ones.
"""

from __future__ import annotations

import re

from index.analysis import fold

#: Short, frequent Spanish words that are not English words, plus everyday symptom
#: words a Spanish speaker uses (accent-folded: "está" is read as "esta").
SPANISH = frozenset("""
el la los las un una unos unas del al de que y en es esta estoy estan son soy fue era muy mas pero
con sin por para como cuando donde porque tengo tiene tienen tenia me mi mis te tu su sus se le les
lo nos yo ella ellos usted hay ya no si tambien todo toda todos nada algo hace hoy ayer manana noche
dia dias semana semanas meses anos despues antes desde hasta puedo puede pude quiero siento duele
duelen dolor pecho cabeza espalda pierna piernas brazo mano pie rodilla cadera cuello garganta panza
estomago vientre hijo hija nino nina bebe esposo esposa mama papa embarazada embarazo fiebre sangre
sangrado pastillas orina mucho poco ahora siempre nunca otra otro hinchada hinchado respirar caminar
""".split())
#: Short, frequent English words (apostrophes removed, as normalised text has them).
ENGLISH = frozenset("""
the a an and or but of to in on at for with without from by is are was were be been being am im
i my me you your he she his her it its we our they their this that these those have has had do does
did dont cant cannot not no yes can could would should will what when where why how which who very
so just also after before since pain hurts hurt back knee neck leg arm chest head sore week weeks
day days today yesterday now feel feels feeling like about really get got
""".split())
WORD = re.compile(r"[a-z]+")


def detect(text: str) -> str:
    """'es' when the message reads as Spanish, else 'en' (the default, and the tie-break)."""
    words = WORD.findall(fold(text or "").replace("'", ""))
    spanish = sum(w in SPANISH for w in words)
    english = sum(w in ENGLISH for w in words)
    return "es" if spanish > english else "en"
