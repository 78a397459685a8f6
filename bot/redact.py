"""Remove contact details and identifying facts from visitor text before it is stored.

Visitor messages are health information. Whatever is kept for the clinic's
reports must not tie a complaint to a person, so emails, phone numbers, street
addresses, dates of birth and self-introduced names are replaced with
placeholders (``[email]``, ``[phone]``, ``[address]``, ``[date]``, ``[name]``)
before the text reaches the database. Pure: no IO, no Flask.

The patterns err on the side of redacting too much: a long digit run that is
not a phone number is still removed (it may be a member or card number).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from index.datafile import read_toml

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names.toml"

#: A spelled-out dot, or a literal one with no space around it ("St. Mary's" is not a domain).
_DOT = r"(?:\s*(?:\(dot\)|\[dot\]|\bdot\b)\s*|\.(?=[A-Za-z0-9]))"
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+(?:@|\s@\s|\s*(?:\(at\)|\[at\])\s*)[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\bdot\b)"
    r"\s*[A-Za-z0-9-]+)+"
    rf"|[A-Za-z0-9._%+-]+\s+at\s+[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
#: Anything with an @ between two word-ish runs, even if malformed ("maria@gmail").
LOOSE_EMAIL = re.compile(r"\S+@\S+")
#: A phone-like run: optional +, then digits separated by spaces, dots, dashes,
#: slashes or parentheses, at least 7 digits in all. Catches US, international
#: and vanity-free formats: (424) 543-4336, 424.543.4336, +44 20 7946 0958, 4245434336.
PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d(?:[\s().\-/]{0,3}\d){6,}(?![\w])")
EXTENSION = re.compile(r"\[phone\]\s*(?:x|ext\.?|extension)\s*\d{1,6}\b", re.IGNORECASE)
MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
DATE = re.compile(
    r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
    rf"{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?,?\s+\d{{4}})\b",
    re.IGNORECASE,
)
#: A date introduced as a birth date, even without a year ("born on March 3rd", "DOB 3/4").
BIRTH = re.compile(
    r"\b(d\.?o\.?b\.?|date of birth|birth ?date|birthday|born(?: on| in)?)\s*(?:[:\-]|is|was|on)?\s*"
    rf"(?:\[date\]|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}[/.\-]\d{{1,2}}(?:[/.\-]\d{{2,4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}(?:,?\s+\d{{4}})?|\d{{4}})",
    re.IGNORECASE,
)
STREET_TYPES = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|court|ct|place|pl|"
                r"terrace|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq)")
ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][\w'.-]*\s+){{0,4}}{STREET_TYPES}\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*\w+)?",
    re.IGNORECASE,
)
PO_BOX = re.compile(r"\bp\.?\s?o\.?\s+box\s+\d+\b", re.IGNORECASE)
ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
#: Front-desk notes start with who called: "Maria called", "John Smith phoned", "Mrs. Lee left a message".
NAME_CALLED = re.compile(
    r"\b((?:(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+)?[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)"
    r"(?=\s+(?:called|phoned|rang|emailed|wrote|texted|left a (?:message|voicemail)|stopped by|came in)\b)"
)
#: Words that look like names after "I'm"/"this is" but describe the visitor or a body part.
NOT_NAMES = {
    "a", "an", "the", "not", "in", "having", "getting", "feeling", "so", "very", "still", "looking",
    "wondering", "trying", "going", "pain", "sore", "hurting", "injured", "back", "really", "also",
    "about", "here", "there", "my", "your", "just", "new", "worried", "calling", "writing", "sure", "is",
    "it", "that", "this", "what", "when", "ok", "okay", "fine", "good", "interested", "currently",
    "training", "running", "over", "under", "pregnant", "diabetic", "retired", "on", "at", "with",
    "for", "to", "of", "and", "or", "but", "if", "because", "since", "after", "before", "unable",
    "able", "afraid", "scared", "concerned", "tired", "stiff", "sick", "better", "worse", "ready",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
}
#: Spanish words of the same kinds, for "soy ..." / "me llamo ...".
NOT_NAMES |= {
    "de", "del", "la", "el", "los", "las", "un", "una", "muy", "tan", "y", "e", "o", "pero", "con", "sin",
    "que", "mi", "su", "tu", "paciente", "nuevo", "nueva", "corredor", "corredora", "alérgico", "alérgica",
    "diabético", "diabética", "mayor", "madre", "padre", "hijo", "hija", "yo", "aquí", "aqui", "para", "por",
    "tengo", "estoy", "le", "me", "se", "es", "bien", "mal", "doctor", "doctora",
}
PLACEHOLDERS = ("[email]", "[phone]", "[address]", "[date]", "[name]", "[id]", "[handle]")

#: Digits spoken as words, English and Spanish ("four two four five five five ...").
_SPOKEN = (r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|"
           r"cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|\d)")
#: Seven or more spoken digits in a row (digits may be mixed in): a phone number said aloud.
SPELLED_PHONE = re.compile(rf"\b{_SPOKEN}(?:[\s,.\-]+{_SPOKEN}){{6,}}\b", re.IGNORECASE)
#: A vanity number: an area code, then letters standing for digits ("424-KNEE-PAIN", "1-800-FLOWERS").
VANITY = re.compile(r"(?<![\w])(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?(?=[A-Z0-9\s.\-]*[A-Z])"
                    r"[A-Z0-9]{3,8}(?:[\s.\-]?[A-Z0-9]{3,5})?(?![\w])")
#: A token mixing letters and at least five digits: a member, policy, card or record number.
MIXED_ID = re.compile(r"(?<![\w@/.])(?=[A-Za-z0-9\-]*[A-Za-z])(?=(?:[A-Za-z\-]*\d){5})[A-Za-z0-9][A-Za-z0-9\-]{5,}"
                      r"(?![\w@])")
#: A number introduced as an identifier: "member ID W2934", "MRN: 00123", "póliza 88-1234".
LABELLED_ID = re.compile(
    r"\b(member|membership|policy|group|subscriber|mrn|medical record|record|account|acct|claim|insurance|"
    r"chart|id|afiliado|p[óo]liza|expediente|socio)(\s*(?:id|number|no\.?|num|#|n[úu]mero|n[°º])?\s*"
    r"(?:is|es|:|#)?\s*)((?=[A-Za-z\-]*\d)[A-Za-z0-9][A-Za-z0-9\-]{2,})",
    re.IGNORECASE,
)
#: A social-media handle: "@maria_lopez_88", or a name given after "instagram:" / "my insta is".
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?")
LABELLED_HANDLE = re.compile(
    r"\b(instagram|insta|ig|twitter|tiktok|snapchat|snap|facebook|fb|telegram|discord|threads)"
    r"(\s*(?:handle|account|user(?:name)?|name)?\s*(?:is|es|:)?\s*)((?=[\w.]*[_\d.])[A-Za-z0-9_.]{3,30})",
    re.IGNORECASE,
)

#: Self-introductions that always precede a name, whatever its case.
STRONG_INTRO = (r"my name is|my name's|my names|name is|name:|call me|i go by|me llamo|mi nombre es|me dicen|"
                r"signed|regards,|thanks,|gracias,|saludos,|atentamente,")
#: Introductions that may precede a name or a description ("I'm Ana" / "I'm tired", "soy corredor"):
#: a name here is capitalised, or a common given name typed in lower case (data/names.toml).
WEAK_INTRO = r"this is|i am|i'm|i’m|im|it's|it’s|its|it is|soy|habla|le habla|patient:?"
#: "Jasmine here", "aquí Ana": a name that introduces itself at the start of a clause.
NAME_HERE = re.compile(r"(?:^|(?<=[,.!?;:]))(?:\s*(?:hi|hey|hello|hola|buenas)\b[\s,!]*|\s*)"
                       r"([^\W\d_][\w'’\-]*)(?=[\s,]+(?:here|aqu[ií])\b)", re.IGNORECASE)
#: Titles that end with a dot inside a name ("Dr. Patel"); any other word ending with one ends the sentence.
TITLES = {"dr", "mr", "mrs", "ms", "miss", "sr", "sra", "srta", "dra"}
INTRO = re.compile(rf"\b(?:(?P<strong>{STRONG_INTRO})|(?P<weak>{WEAK_INTRO}))(?=[\s,:])[\s,:]*", re.IGNORECASE)
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]{2}))*\.?")
MAX_NAME_WORDS = 3


#: "2019-2023" or "1998 / 2004" are years, not a phone number.
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s?[-/]\s?(?:19|20)\d\d")


def _phone(match: re.Match) -> str:
    return match.group(0) if YEAR_RANGE.fullmatch(match.group(0)) else "[phone]"


@functools.cache
def _known_names() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames) from data/names.toml, accents folded."""
    data = read_toml(NAMES_FILE, what="names")
    return frozenset(map(_fold, data["given"])), frozenset(map(_fold, data["surnames"]))


def _fold(word: str) -> str:
    """Lower case without accents: "María" and "maria" are the same name."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(".")


def _is_name_word(word: str, strong: bool, first: bool) -> bool:
    """Whether ``word`` continues a name after an introduction (see STRONG_INTRO / WEAK_INTRO)."""
    folded = _fold(word)
    if folded in NOT_NAMES or len(folded) < 2 and not word.endswith("."):
        return False
    if strong or word[0].isupper():
        return True
    given, surnames = _known_names()
    return folded in given or (not first and folded in surnames)


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name a visitor introduces themselves with, in any case and in English or Spanish."""
    spans: list[tuple[int, int]] = []
    for intro in INTRO.finditer(text):
        if spans and intro.start() < spans[-1][1]:
            continue
        position, words = intro.end(), []
        while len(words) < MAX_NAME_WORDS:
            word = NAME_WORD.match(text, position)
            if not word or not _is_name_word(word.group(0), bool(intro.group("strong")), not words):
                break
            sentence_end = word.group(0).endswith(".") and (
                len(word.group(0)) > 2 and _fold(word.group(0)) not in TITLES)
            words.append((word.start(), word.end() - 1) if sentence_end else word.span())
            gap = None if sentence_end else re.match(r"[ \t]+", text[word.end():])
            if not gap:
                break
            position = word.end() + gap.end()
        if words:
            spans.append((words[0][0], words[-1][1]))
    for here in NAME_HERE.finditer(text):
        if _is_name_word(here.group(1), strong=False, first=True) and not any(
                start <= here.start(1) < end for start, end in spans):
            spans.append(here.span(1))
    return sorted(spans)


def _redact_names(text: str) -> str:
    """Replace every introduced name by [name]."""
    for start, end in reversed(name_spans(text)):
        text = f"{text[:start]}[name]{text[end:]}"
    return text


def _vanity(match: re.Match) -> str:
    """A vanity number has six to ten letters and digits after its area code; fewer is a dose or a model."""
    tail = re.sub(r"[^A-Z0-9]", "", match.group(0))[3:]
    return "[phone]" if 6 <= len(tail) <= 11 else match.group(0)


def _labelled(placeholder: str):
    """A substitution keeping the label ("member ID") and replacing what it introduces."""
    def replace(match: re.Match) -> str:
        """Label, its separator, then the placeholder."""
        return f"{match.group(1)}{match.group(2)}{placeholder}"
    return replace


def _name_called(match: re.Match) -> str:
    if match.group(1).split()[-1].lower() in NOT_NAMES or match.group(1).lower() in NOT_NAMES:
        return match.group(0)
    return "[name]"


def redact(text: str) -> str:
    """The text with contact details, addresses, dates of birth and introduced names replaced.

    Order matters: emails before phones (an email's digits are not a phone),
    dates before phones (12/05/1980 is a date), birth phrases after dates so
    "born [date]" and "born March 3" are both caught.
    """
    if not text:
        return text
    out = EMAIL.sub("[email]", text)
    out = LOOSE_EMAIL.sub("[email]", out)
    out = HANDLE.sub("[handle]", out)
    out = LABELLED_HANDLE.sub(_labelled("[handle]"), out)
    out = LABELLED_ID.sub(_labelled("[id]"), out)
    out = MIXED_ID.sub("[id]", out)
    out = VANITY.sub(_vanity, out)
    out = SPELLED_PHONE.sub("[phone]", out)
    out = PO_BOX.sub("[address]", out)
    out = ADDRESS.sub("[address]", out)
    out = DATE.sub("[date]", out)
    out = BIRTH.sub(r"\1 [date]", out)
    out = PHONE.sub(_phone, out)
    out = EXTENSION.sub("[phone]", out)
    out = ZIP.sub("[address]", out)
    out = _redact_names(out)
    out = NAME_CALLED.sub(_name_called, out)
    return out


#: Staff notes name the caller by role: "Caller (Bob, 67)", "Pt: Ann Lee", "paciente Juan".
ROLE_NAME = re.compile(
    r"\b(?i:caller|patient|pt|client|customer|spoke (?:to|with)|paciente|cliente|habl[ée] con)\b"
    r"\s*[:(\-–,]?\s*(?P<name>[A-ZÁÉÍÓÚÑ][\w'’\-]+(?:\s+[A-ZÁÉÍÓÚÑ][\w'’\-]+){0,2})")
#: "Mrs. Lopez", "Dr Patel", "Sra. García": a title and the name after it, anywhere in a note.
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Miss|Dr|Sr|Sra|Srta|Dra|Don|Doña)\.?\s+[A-ZÁÉÍÓÚÑ][\w'’\-]+"
                    r"(?:\s+[A-ZÁÉÍÓÚÑ][\w'’\-]+)?")
#: A capitalised word and up to two more after it: a candidate full name.
CAPITALISED = re.compile(r"(?<![\w\[])[A-ZÁÉÍÓÚÑ][\w'’\-]+(?:\s+[A-ZÁÉÍÓÚÑ][\w'’\-]+){0,2}")
SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$")


def _complaint_word(word: str) -> bool:
    """True for a word the symptom lexicon reads ("Caller: Knee pain" names no one)."""
    from index.analysis import lexicon, stem

    return stem(_fold(word)) in lexicon().patterns


def _role_name(match: re.Match) -> str:
    name = match.group("name")
    if _fold(name.split()[0]) in NOT_NAMES or _complaint_word(name.split()[0]):
        return match.group(0)
    return match.group(0)[: match.start("name") - match.start()] + "[name]"


def _known_name(text: str, match: re.Match) -> str | None:
    """[name] for a capitalised run that starts with a listed given name, or a listed surname mid-sentence."""
    words = match.group(0).split()
    given, surnames = _known_names()
    first = _fold(words[0])
    if first in NOT_NAMES:
        return None
    if first in given:
        return "[name]"
    if first in surnames and not SENTENCE_START.search(text[:match.start()]):
        return "[name]"
    return None


def redact_note(text: str) -> str:
    """A note written by staff about a caller, with the caller's contact details and names removed.

    Everything ``redact`` removes, and the names a desk note writes without any
    introduction: after a role ("Caller (Bob, 67)", "Pt: Ann Lee"), after a title
    ("Mrs. Lopez"), and any capitalised common given name or surname
    (data/names.toml) wherever it stands ("left a message for Maria Gomez").
    """
    if not text:
        return text
    out = redact(text)
    out = TITLED.sub("[name]", out)
    out = ROLE_NAME.sub(_role_name, out)
    pieces, last = [], 0
    for match in CAPITALISED.finditer(out):
        replaced = _known_name(out, match)
        if replaced:
            pieces += [out[last:match.start()], replaced]
            last = match.end()
    return "".join(pieces) + out[last:]


def first_name(text: str) -> str | None:
    """The visitor's first name if the note introduces one ("Maria called", "my name is tom"), for a greeting.

    Used only to address the draft reply; never stored.
    """
    for match in NAME_CALLED.finditer(text):
        words = [w for w in match.group(1).split() if w.strip(".") not in ("Mr", "Mrs", "Ms", "Dr", "Miss")]
        if words and words[0].lower() not in NOT_NAMES and words[-1].lower() not in NOT_NAMES:
            return words[0].strip(".,")
    for start, end in name_spans(text):
        word = text[start:end].split()[0].strip(".,")
        return word[:1].upper() + word[1:]
    return None
