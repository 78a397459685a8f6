"""Ages and durations as Spanish says them, written as the English the analyzer reads.

"tengo 52 años" is "52 years old" (the analyzer's age token), "desde hace 6 meses" is "for 6
months" (its long-duration token). Used by index/spanish.py before a message is glossed word by word.
"""

from __future__ import annotations

import re

#: An age as Spanish says it ("tengo 52 años", "mi mamá de 74 años"), for the English analyzer's age token.
AGE = re.compile(r"\b(?:tengo|tiene|de|con|cumpli|cumplo)\s+(\d{1,2})\s+anos\b"
                 # "tengo 45", "tengo 72 con artritis": an age when nothing is counted after the number.
                 r"|\b(?:tengo|tiene)\s+([1-9]\d)\b(?=\s*(?:$|[,.;:!?]|y\b|con\b|pero\b|de\s+edad\b))"
                 # "cincuenta y tantos", "en mis sesentas": a decade.
                 r"|\b(?:(cuarenta|cincuenta|sesenta|setenta|ochenta)\s+y\s+(?:tantos|tantas|pico|algo)"
                 r"|(?:mis|los)\s+(cuarentas|cincuentas|sesentas|setentas|ochentas)"
                 r"|([4-9]0)\s+y\s+(?:tantos|tantas|pico|algo))\b")
DECADES = {"cuarenta": "40", "cincuenta": "50", "sesenta": "60", "setenta": "70", "ochenta": "80"}
#: A duration ("hace 6 meses", "desde hace años", "llevo meses"), read as the English "for N months".
_COUNT = r"(\d{1,2}|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|varios|varias|muchos|muchas|unos|unas)"
#: "por" and "durante" need a count: "dos veces por semana" is how often, not how long.
DURATION = re.compile(rf"\b(?:(?:hace|desde\s+hace|llevo|lleva|ya\s+van)\s+(?:mas\s+de\s+)?(?:{_COUNT}\s+)?"
                      rf"|(?:por|durante)\s+(?:mas\s+de\s+)?{_COUNT}\s+)(meses|mes|anos|ano|semanas|semana)\b")
NUMBERS = {"un": "a", "una": "a", "dos": "two", "tres": "three", "cuatro": "four", "cinco": "five", "seis": "six",
           "siete": "seven", "ocho": "eight", "nueve": "nine", "diez": "ten"}
UNITS = {"mes": "month", "meses": "months", "ano": "year", "anos": "years", "semana": "week", "semanas": "weeks"}


def _english_time(found: re.Match) -> str:
    """A Spanish age or duration as the English the analyzer reads ("52 years old", "for 6 months")."""
    if found.re is AGE:
        number = found[1] or found[2] or found[5] or DECADES[found[3] or found[4].removesuffix("s")]
        return f" {number} years old "
    count = found[1] or found[2] or ""
    return f" for {NUMBERS.get(count, count if count.isdigit() else 'several')} {UNITS[found[3]]} "


#: The words _english_time writes, passed through as they are.
ENGLISH_TIME = frozenset({"for", "years", "old", "months", "month", "year", "weeks", "week", "several", "a",
                          *NUMBERS.values()}) | frozenset(str(n) for n in range(100))


def english(text: str) -> str:
    """Folded Spanish text with each age and duration written in English (the rest as it was)."""
    return DURATION.sub(_english_time, AGE.sub(_english_time, text))
