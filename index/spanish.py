"""Read a Spanish message into the English the clinic's posts are indexed in.

The posts stay English and so does the index. A Spanish (or Spanglish) message
is recognised (``detect``), its misspelt Spanish words corrected, and its words
read with data/lexicon_es.toml: phrases name concepts of the English lexicon
(data/lexicon.toml), which become an English phrase that the English analyzer
maps back to the same concept token; other words become the English word a post
would use. English words left in the message ("me lastimé el shoulder") are
kept. ``gloss`` returns that English text; the matcher reads it as it reads any
English message, so both languages reach the same sections by one path.
Knows nothing of Flask; uses NLTK's data-free Snowball Spanish stemmer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from nltk.stem.snowball import SnowballStemmer

from index import analysis, spelling
from index import lexicon as lexicon_module
from index.lexicon import Lexicon, LexiconError

LEXICON_ES_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon_es.toml"
WORD = re.compile(r"[a-z0-9]+")
#: Letters and marks only Spanish text has: one is enough to call a message Spanish.
SPANISH_MARKS = re.compile(r"[ñ¿¡]|\b\w*[áéíóú]\w*\b")
#: Function words of each language that the other never writes ("me", "no", "a" are both).
ES_MARKERS = frozenset("""el la los las del de que y en por para con una uno es esta estoy tengo cuando
como pero mi mis duele duelen dolor muy mucho desde hace porque donde puedo quiero necesito ustedes usted
tambien algo hay sus su lo le les se nos ya""".split())
EN_MARKERS = frozenset("""the and of in is it my i when with for to have has was are be this that what how
do does can an or at on from but after before hurts pain since your you""".split())

_STEMMER = SnowballStemmer("spanish")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball Spanish stem of a folded word, cached."""
    return _STEMMER.stem(word)


@lru_cache(maxsize=1)
def _data() -> dict:
    """The Spanish lexicon file, parsed."""
    try:
        with open(LEXICON_ES_PATH, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon {LEXICON_ES_PATH}: {exc}") from exc


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Spanish function words, folded."""
    return frozenset(analysis.fold(w) for w in _data().get("stop", {}).get("words", []))


def tokens(text: str) -> list[str]:
    """Folded Spanish words of a text, in order (accents dropped: 'rodílla' and 'rodilla' agree)."""
    return WORD.findall(analysis.fold(text))


def stems(text: str) -> list[str]:
    """Stemmed Spanish content words: the unit data/lexicon_es.toml's terms are compiled to."""
    stop = stop_words()
    return [_stem(w) for w in tokens(text) if w not in stop]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The Spanish phrases compiled against the English lexicon's concept ids (each id must exist there)."""
    english = analysis.lexicon()
    data = dict(_data())
    entries = []
    for entry in data.get("concept", []):
        concept_id = entry.get("id")
        if concept_id not in english.concepts:
            raise LexiconError(f"{LEXICON_ES_PATH}: concept {concept_id!r} is not in {lexicon_module.LEXICON_PATH.name}")
        entries.append({**entry, "kind": english.concepts[concept_id].kind})
    data["concept"] = entries
    try:
        return lexicon_module.parse(data, stems)
    except LexiconError as exc:
        raise LexiconError(f"{LEXICON_ES_PATH}: {exc}") from exc


@lru_cache(maxsize=1)
def words() -> dict[str, str]:
    """Spanish stem -> English word(s), for words that are not concepts but that posts are searched by."""
    return {_stem(analysis.fold(es)): en for es, en in _data().get("words", {}).items()}


@lru_cache(maxsize=1)
def english_phrases() -> dict[str, str]:
    """Concept id -> the English term that names it with fewest other concepts (read back by the English lexicon).

    Worked out from data/lexicon.toml, so the Spanish file never repeats English
    wording, and an English term that stops naming its concept is simply not chosen.
    """
    english = analysis.lexicon()
    phrases = {}
    for concept in english.concepts.values():
        best: tuple[int, str] | None = None
        for term in concept.terms:
            if "$" in term:
                continue
            # Read after a pain word, as in a gloss ("pain ... runner's knee" would also be a running
            # injury). Its own region comes with a condition's name ("golfer's elbow"); nothing else should.
            found = set(english.match(analysis.stems("pain " + term.lstrip("^"))))
            others = len(found - {concept.id, concept.region})
            if concept.id in found and (best is None or others < best[0]):
                best = (others, term.lstrip("^"))
        phrases[concept.id] = best[1] if best else concept.label
    return phrases


@lru_cache(maxsize=1)
def speller() -> spelling.Speller:
    """Corrects misspelt Spanish words against the words of the Spanish lexicon and glossary."""
    data = _data()
    known: dict[str, int] = {}
    texts = [*data.get("stop", {}).get("words", []), *data.get("words", {}),
             *(t for entry in data.get("concept", []) for t in entry.get("terms", [])),
             *(w for members in data.get("classes", {}).values() for w in members)]
    for text in texts:
        for word in tokens(text.replace("$", " ")):
            known[word] = known.get(word, 0) + 1
    return spelling.Speller(known)


def vocabulary() -> frozenset[str]:
    """Every folded Spanish word the lexicon file knows (stop words, terms, glossary)."""
    return frozenset(speller().counts)


def detect(text: str) -> str:
    """'es' when the message reads as Spanish, else 'en'.

    Counts function words only one of the two languages writes, plus the words
    of the Spanish lexicon; a Spanish letter or accent ('ñ', '¿', 'é') counts
    double. Ties and empty messages are English, the posts' language.
    """
    folded = tokens(text)
    known = vocabulary()
    spanish = sum(1 for w in folded if w in ES_MARKERS or (w in known and w not in EN_MARKERS and len(w) > 3))
    spanish += 2 * len(SPANISH_MARKS.findall(text.lower()))
    english = sum(1 for w in folded if w in EN_MARKERS)
    return "es" if spanish > english else "en"


def english_word(word: str) -> bool:
    """True for a word the English lexicon reads (the 'shoulder' of 'me lastimé el shoulder')."""
    return analysis.stem(word) in analysis.lexicon().patterns


def gloss(text: str, keep: Callable[[str], bool] | None = None) -> str:
    """English text that says what a Spanish message says, for the English analyzer.

    In message order: each glossary word's English, then the English phrase of
    each concept the Spanish lexicon finds. A word neither file knows is kept
    when ``keep`` says it is English (by default: a word of the English
    lexicon; the chat also asks the index); unknown Spanish words are dropped rather than left for the
    English typo corrector to turn into some unrelated English word.
    """
    keep = keep or english_word
    fixer = speller()
    stop = stop_words()
    glossary = words()
    out: list[str] = []
    found: list[str] = []
    for word in tokens(text):
        if word in stop:
            continue
        word = fixer.correct_word(word)
        stemmed = _stem(word)
        found.append(stemmed)
        if stemmed in glossary:
            out.append(glossary[stemmed])
        elif word not in fixer.counts and keep(word):
            out.append(word)
    phrases = english_phrases()
    out.extend(phrases[c] for c in dict.fromkeys(lexicon().match(found)))
    return " ".join(out)


def concepts(text: str) -> list[str]:
    """English lexicon concept ids a Spanish message names, as the English analyzer reads its gloss."""
    return analysis.concepts(gloss(text))
