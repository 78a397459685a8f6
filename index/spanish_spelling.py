"""When a Spanish word a patient typed is a slip of the fingers, and when it is another word.

index/spanish.py corrects an unknown Spanish word to the closest word it knows. Its file
knows a few thousand words, Spanish has many more: "venas" (veins) is one letter from
"ventas" (sales), "soldado" (a soldier) from "soldador" (a welder), "trastes" (dishes) two
from "triste" (sad). This module says which corrections are slips (a key beside, letters
swapped, a letter dropped or doubled, a sound written another way) and which make another
word; it reads diminutives ("rodillita" is "rodilla"); it knows nothing of the lexicon files.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index import spelling

VOWELS = frozenset("aeiou")
#: Shortest word two slips are read in.
TWO_SLIPS = 9

#: Spellings Spanish sounds the same: 'rodiya' is 'rodilla', 'ombro' 'hombro', 'espalza' near 'espalda'.
_SOUNDS = ((re.compile(r"ll"), "y"), (re.compile(r"v"), "b"), (re.compile(r"z"), "s"),
           (re.compile(r"c(?=[ei])"), "s"), (re.compile(r"qu(?=[ei])"), "k"), (re.compile(r"c"), "k"),
           (re.compile(r"(?<!c)h"), ""), (re.compile(r"(.)\1"), r"\1"))


def sound(word: str) -> str:
    """A folded word's spelling key: letters Spanish pronounces alike written one way."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


def edits(word: str, other: str) -> list[tuple[str, str, str]]:
    """The fewest edits that make ``word`` into ``other`` (optimal string alignment), and of those the
    fewest substitutions: ("sub", a, b), ("del", a, ""), ("ins", "", b) or ("swap", ab, ba)."""
    rows, cols = len(word) + 1, len(other) + 1
    cost = [[(0, 0)] * cols for _ in range(rows)]
    for i in range(rows):
        cost[i][0] = (i, 0)
    for j in range(cols):
        cost[0][j] = (j, 0)
    for i in range(1, rows):
        for j in range(1, cols):
            same = word[i - 1] == other[j - 1]
            options = [(cost[i - 1][j][0] + 1, cost[i - 1][j][1]), (cost[i][j - 1][0] + 1, cost[i][j - 1][1]),
                       (cost[i - 1][j - 1][0] + (not same), cost[i - 1][j - 1][1] + (not same))]
            if i > 1 and j > 1 and word[i - 1] == other[j - 2] and word[i - 2] == other[j - 1] and not same:
                options.append((cost[i - 2][j - 2][0] + 1, cost[i - 2][j - 2][1]))
            cost[i][j] = min(options)
    found, i, j = [], len(word), len(other)
    while i or j:
        here = cost[i][j]
        if i and j and word[i - 1] == other[j - 1] and cost[i - 1][j - 1] == here:
            i, j = i - 1, j - 1
        elif (i > 1 and j > 1 and word[i - 1] == other[j - 2] and word[i - 2] == other[j - 1]
              and cost[i - 2][j - 2] == (here[0] - 1, here[1])):
            found.append(("swap", word[i - 2:i], other[j - 2:j]))
            i, j = i - 2, j - 2
        elif i and j and cost[i - 1][j - 1] == (here[0] - 1, here[1] - 1):
            found.append(("sub", word[i - 1], other[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i - 1][j] == (here[0] - 1, here[1]):
            found.append(("del", word[i - 1], ""))
            i -= 1
        else:
            found.append(("ins", "", other[j - 1]))
            j -= 1
    return found[::-1]


def other_word(word: str, corrected: str, stem: Callable[[str], str]) -> bool:
    """True when ``corrected`` is another Spanish word than the one ``word`` misspells (``stem``: Snowball's).

    - A vowel put for a vowel changes gender, person, tense or the word ("punza" throbs, "panza" belly;
      "trastes" dishes, "triste" sad); a letter far on the keyboard is no slip ("coser", "comer").
    - Two slips in a word of under ``TWO_SLIPS`` letters are likelier another word ("enfermo" sick, "enero"
      January; "refresco", "regreso"): the file knows a few thousand words, Spanish many more.
    - Two letters replaced are two slips at once, likelier another word ("atorada" stuck, "agotada" worn out);
      a letter dropped and another added elsewhere is one replaced ("intenso" intense, "interno" inner).
    - The stem is the word, the ending its class: a letter added or two swapped after the stem that
      change it make a word of another class ("soldado" soldier, "soldador" welder; "venas" veins, "ventas"
      sales; "cabecear" to head, "cabecera"): a whole word short of a known one is likelier a word the file
      lacks than a dropped letter. A letter too many there is a key hit twice or beside, a slip.
    Another form of the word is no slip at all (``same_word``).
    Letters swapped in the stem are a slip ("hombor", "hombro").
    """
    if same_word(word, corrected, stem):
        return False
    found = edits(word, corrected)
    if len(found) > 1 and len(word) < TWO_SLIPS:
        return True
    subs = [(a, b) for kind, a, b in found if kind == "sub"]
    # A letter dropped here and another added there is a letter replaced ("intenso", "interno").
    dropped, added = [a for kind, a, _ in found if kind == "del"], [b for kind, _, b in found if kind == "ins"]
    subs += list(zip(dropped, added, strict=False))
    if len(subs) > 1 or any(a in VOWELS and b in VOWELS or not spelling.slip(a, b) for a, b in subs):
        return True
    prefix = next((i for i, (a, b) in enumerate(zip(word, corrected, strict=False)) if a != b),
                  min(len(word), len(corrected)))
    stems = stem(word), stem(corrected)
    in_ending = prefix >= min(len(s) for s in stems)
    changed = any(kind != "sub" for kind, _, _ in found)
    return len(corrected) >= len(word) and in_ending and stems[0] != stems[1] and changed


#: Pronouns Spanish writes onto a verb ("moverlo", "ponerle", "agacharme", "dámelo").
CLITICS = re.compile(r"(?:me|te|se|lo|la|le|nos|los|las|les)+$")


def same_word(word: str, corrected: str, stem: Callable[[str], str]) -> bool:
    """True when ``word`` is another form of ``corrected``, not a misspelling of it.

    A doubled letter written once ("rodila", "rodilla"), the plural ("mujeres", "mujer"), a pronoun on the
    verb ("moverlo", "mover"), or letters added or dropped, none replaced, that keep the stem ("ayudaron",
    "ayudan"; "pesadas", "pesada").
    """
    if word == re.sub(r"(.)\1", r"\1", corrected):
        return True
    shorter, longer = sorted((word, corrected), key=len)
    if longer in (shorter + "s", shorter + "es") or CLITICS.sub("", longer) == shorter:
        return True
    replaced = any(kind in ("sub", "swap") for kind, _, _ in edits(word, corrected))
    return not replaced and stem(word) == stem(corrected)


#: Diminutive endings ("rodillita", "dolorcito", "cafecito", "bultitos") and the letters the base word
#: had before them: "qu" was "c" ("poquito", "poco"), "gu" was "g" ("amiguito"), "c" often "z" ("cabecita").
DIMINUTIVE = re.compile(r"it([oa])s?$")
_ROOTS = ((re.compile(r"qu$"), "c"), (re.compile(r"gu$"), "g"), (re.compile(r"c$"), "z"))


def diminutive_bases(word: str) -> list[str]:
    """Words a diminutive may be made from, likeliest first ("rodillita": "rodilla", "rodillo", ...)."""
    found = DIMINUTIVE.search(word)
    if not found:
        return []
    vowel, plural = found[1], "s" if word.endswith("s") else ""
    stems = [word[:found.start()]]
    stems += [stems[0][:-len(infix)] for infix in ("c", "ec") if stems[0].endswith(infix)]
    roots = [r for stem in stems for r in (stem, *(p.sub(to, stem) for p, to in _ROOTS if p.search(stem)))]
    ends = (vowel, "a" if vowel == "o" else "o", "e", "")
    bases = [f"{r}{end}" for r in roots for end in ends if len(r) >= 2 and len(f"{r}{end}") >= 3]
    # "bultitos": "bultos", else "bulto".
    return [f"{base}{plural}" for base in bases] + (bases if plural else [])
