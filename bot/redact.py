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

import re

EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+\s*(?:@|\(at\)|\[at\]|\bat\b(?=\s*[A-Za-z0-9-]+\s*(?:\.|\(dot\)|\[dot\]|\bdot\b)"
    r"\s*[A-Za-z]{2,}\b))\s*[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\bdot\b)\s*[A-Za-z0-9-]+)+",
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
#: A capitalised name after a self-introduction or a "called/for" note: "my name is Maria Lopez",
#: "this is Tom", "I'm Ana", "Maria called" is handled by NAME_CALLED.
NAME_INTRO = re.compile(
    r"\b(my name is|my name's|name is|name:|this is|i am|i'm|im|it's|it is|call me|signed|regards,|thanks,|"
    r"patient:?|from)\s+((?:[A-Z][a-z'\-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'\-]+|[A-Z]\.)){0,2})",
    re.IGNORECASE,
)
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
PLACEHOLDERS = ("[email]", "[phone]", "[address]", "[date]", "[name]")


#: "2019-2023" or "1998 / 2004" are years, not a phone number.
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s?[-/]\s?(?:19|20)\d\d")


def _phone(match: re.Match) -> str:
    return match.group(0) if YEAR_RANGE.fullmatch(match.group(0)) else "[phone]"


def _name_intro(match: re.Match) -> str:
    words = match.group(2).split()
    kept: list[str] = []
    for word in words:
        if word.lower().strip(".") in NOT_NAMES or not word[0].isupper():
            break
        kept.append(word)
    if not kept:
        return match.group(0)
    rest = match.group(2)[len(" ".join(kept)):]
    return f"{match.group(1)} [name]{rest}"


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
    out = PO_BOX.sub("[address]", out)
    out = ADDRESS.sub("[address]", out)
    out = DATE.sub("[date]", out)
    out = BIRTH.sub(r"\1 [date]", out)
    out = PHONE.sub(_phone, out)
    out = EXTENSION.sub("[phone]", out)
    out = ZIP.sub("[address]", out)
    out = NAME_INTRO.sub(_name_intro, out)
    out = NAME_CALLED.sub(_name_called, out)
    return out


def contains_contact(text: str) -> bool:
    """True when something that looks like an email or phone number is still present (a self-check)."""
    stripped = text
    for placeholder in PLACEHOLDERS:
        stripped = stripped.replace(placeholder, " ")
    return bool(LOOSE_EMAIL.search(stripped) or PHONE.search(stripped))


def first_name(text: str) -> str | None:
    """The visitor's first name if the note introduces one ("Maria called", "my name is Tom"), for a greeting.

    Used only to address the draft reply; never stored.
    """
    for pattern, group in ((NAME_CALLED, 1), (NAME_INTRO, 2)):
        for match in pattern.finditer(text):
            words = [w for w in match.group(group).split() if w.strip(".") not in ("Mr", "Mrs", "Ms", "Dr", "Miss")]
            if not words or words[0].lower() in NOT_NAMES or not words[0][0].isupper():
                continue
            if pattern is NAME_CALLED and words[-1].lower() in NOT_NAMES:
                continue
            return words[0].strip(".,")
    return None
