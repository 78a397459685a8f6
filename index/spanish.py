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
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from nltk.stem.snowball import SnowballStemmer

from index import analysis, spelling
from index import lexicon as lexicon_module
from index import spanish_idioms as idioms
from index import spanish_spelling as spelling_es
from index import spanish_time as times
from index.datafile import read_toml
from index.lexicon import Lexicon, LexiconError

LEXICON_ES_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon_es.toml"
WORD = re.compile(r"[a-z0-9]+")
#: Letters and marks only Spanish text has: one is enough to call a message Spanish.
SPANISH_MARKS = re.compile(r"[ñ¿¡]|\b\w*[áéíóú]\w*\b")
#: Function words of each language that the other never writes ("me", "no", "a" are both).
ES_MARKERS = frozenset("""el la los las del de que y en por para con una uno es esta estoy tengo cuando
como pero mi mis duele duelen dolor muy mucho desde hace porque donde puedo quiero necesito ustedes usted
tambien algo hay sus su lo le les se nos ya""".split())
#: Verbs a Spanish question to a clinic opens with ("¿tienen parking?", "¿hacen home visits?"): Spanglish keeps
#: the Spanish frame and names the thing in English, so an opening one counts once more for Spanish.
ES_OPENERS = frozenset("""tienen hacen aceptan atienden ofrecen venden cobran abren trabajan manejan
necesito ocupo puedo cuanto cuanta cuantos cuantas""".split())
EN_MARKERS = frozenset("""the and of in is it my i when with for to have has was are be this that what how
do does can an or at on from but after before hurts pain since your you""".split())

_STEMMER = SnowballStemmer("spanish")


#: Words Snowball would join that mean different things: "cuántas sesiones" asks how many, "cuánto dura" how
#: long; "mejor" (better: "¿qué es mejor, hielo o calor?") is not "mejorar" (to get better, a question of
#: prognosis); "rodillo" (foam roller) is not "rodilla" (knee); "venta" (a sale) is not "ventosas" (cupping);
#: "sueño" (sleep) is not "suena" (it clicks); "piso" (floor: "piso pélvico") is not "pisar" (to step: limping);
#: "compré" (I bought) asks nothing of a shop; "costado" (the side) is no "costo" (a price).
STEMS_APART = {"cuantos": "cuantos", "cuantas": "cuantos", "mejor": "mejor_", "mejores": "mejor_",
               "rodillo": "rodillo", "rodillos": "rodillo", "venta": "venta_", "ventas": "venta_",
               "sueno": "sueno_", "suenos": "sueno_", "piso": "piso_", "pisos": "piso_",
               "compre": "compre_", "compraste": "compre_", "costado": "costado_", "costados": "costado_"}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball Spanish stem of a folded word, cached."""
    return STEMS_APART.get(word) or _STEMMER.stem(word)


@lru_cache(maxsize=1)
def _data() -> dict:
    """The Spanish lexicon file, parsed."""
    return read_toml(LEXICON_ES_PATH, LexiconError, "lexicon")


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
            raise LexiconError(f"{LEXICON_ES_PATH}: concept {concept_id!r} is not in "
                               f"{lexicon_module.LEXICON_PATH.name}")
        entries.append({**entry, "kind": english.concepts[concept_id].kind})
    data["concept"] = entries
    try:
        return lexicon_module.parse(data, stems)
    except LexiconError as exc:
        raise LexiconError(f"{LEXICON_ES_PATH}: {exc}") from exc


@lru_cache(maxsize=1)
def words() -> dict[str, str]:
    """Spanish word (folded) -> English word(s), for words that are not concepts but that posts are searched by."""
    return {analysis.fold(es): en for es, en in _data().get("words", {}).items()}


@lru_cache(maxsize=1)
def word_stems() -> dict[str, str]:
    """The glossary by stem, for the forms it does not list ("duelen" for "duele"); stems of 4 letters
    or more only, as shorter ones join unrelated words ("parado", standing, and "parar", to stop)."""
    # A stem a concept's term also has is left to the concept: "rodillo" (foam roller) and
    # "rodilla" (knee) share one.
    taken = {(_stem(w), w) for entry in _data().get("concept", []) for t in entry.get("terms", [])
             for w in tokens(t.replace("$", " "))}
    clash = {stem for stem, word in taken if word not in words()}
    stems_ = {}
    for es, en in words().items():
        stemmed = _stem(es)
        if len(stemmed) >= 4 and stemmed not in clash:
            stems_.setdefault(stemmed, en)
    return stems_


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
        # The label first: the plain name a post is likeliest to use ("neck", not "cervical").
        for term in (concept.label, *concept.terms):
            if "$" in term:
                continue
            # Read after a pain word, as in a gloss ("pain ... runner's knee" would also be a running
            # injury). Its own region comes with a condition's name ("golfer's elbow"); nothing else should.
            found = set(english.match(analysis.stems("pain " + term.lstrip("^"))))
            others = len(found - {concept.id, concept.region})
            alone = concept.id in english.match(analysis.stems(term.lstrip("^")))
            if alone and concept.id in found and (best is None or others < best[0]):
                best = (others, term.lstrip("^"))
        phrases[concept.id] = best[1] if best else concept.label
    return phrases


@lru_cache(maxsize=1)
def described_phrases() -> dict[str, list[str]]:
    """Condition id -> English words that describe it without naming it ("knee pain stairs", not "runner's knee").

    A Spanish description ("me duele la rodilla cuando bajo las escaleras") is glossed
    with these, so the matcher tells it from a name as it does in English (Lexicon.names).
    Taken from the English terms with a class, each class written as its own name, an
    English word of it ("$pain" is "pain"); kept only when read back as the condition and
    not as a name; fewest other concepts first. A condition without one is glossed with its name.
    """
    english = analysis.lexicon()
    phrases = {}
    for concept in english.concepts.values():
        if concept.kind != "condition":
            continue
        found_ = []
        for term in concept.terms:
            if "$" not in term:
                continue
            words_ = term.lstrip("^").replace("$", "")
            found = analysis.stems(words_)
            read = set(english.match(found))
            if concept.id in read and concept.id not in english.names.match(found):
                found_.append((len(read - {concept.id, concept.region}), words_))
        if found_:
            phrases[concept.id] = [words_ for _, words_ in sorted(found_, key=lambda f: f[0])]
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


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, str]:
    """Spelling key -> the most used known word with it."""
    keyed: dict[str, str] = {}
    counts = speller().counts
    for word in sorted(counts, key=lambda w: -counts[w]):
        keyed.setdefault(spelling_es.sound(word), word)
    return keyed


def correct(word: str, typos: bool = True) -> str:
    """A folded Spanish word spelt right: known as it is, else by its sound, else by the typo corrector
    (``typos``: not for a name, see ``proper_names``); never into another word (``spanish_spelling``)."""
    fixer = speller()
    if word in fixer.counts:
        return word
    # Spanglish: an English word the English lexicon reads is not a Spanish misspelling
    # ("ice or heat" is not "hice", did).
    if english_word(word):
        return word
    # Another form of a word the file knows ("me canso" of "cansado") is read by its stem, not put right.
    if word_stems().get(_stem(word)) or lexicon().match([_stem(word)]):
        return word
    # "rodillita", "un dolorcito", "la manita": the word itself, made small.
    base = next((b for b in spelling_es.diminutive_bases(word) if b in fixer.counts), None)
    by_sound = base or _by_sound().get(spelling_es.sound(word))
    if by_sound:
        return by_sound
    # Four-letter Spanish words are a letter apart from too many others ("mala", bad, and "mama").
    if len(word) <= 4 or not typos:
        return word
    corrected = fixer.correct_word(word)
    return word if spelling_es.other_word(word, corrected, _stem) else corrected


def corrected(word: str, names: frozenset[str] = frozenset()) -> str:
    """``correct`` as ``gloss`` reads a message's word: a place or a person ("cuando vuelo a Mexico") is no
    slip of the fingers ("medico", doctor), so of a name only a word that sounds the same is read ("la Rodiya")."""
    return correct(word, typos=word not in names)


def vocabulary() -> frozenset[str]:
    """Every folded Spanish word the lexicon file knows (stop words, terms, glossary)."""
    return frozenset(speller().counts)


def detect(text: str, tie: str = "en") -> str:
    """'es' when the message reads as Spanish, 'en' when as English, ``tie`` when as neither.

    Ties and empty messages are ``tie``: English, the posts' language, unless the
    caller knows the page's. Worked out once per message (``language``).
    """
    return language(text) or tie


@lru_cache(maxsize=4096)
def language(text: str) -> str | None:
    """'es' or 'en' as the message reads, None when it reads as neither; cached per message.

    One chat request asks this of the same message several times (its English reading in
    web/conversation.py, what bot.chat.respond reads it as and answers it in); it is worked
    out once. It cannot ride on analysis.Reading: this module reads analysis, not the reverse.

    Counts function words only one of the two languages writes, plus the words
    of each lexicon: a word both list ("lateral", "rodilla") counts half for
    Spanish, an English term half for English (Spanglish names body parts in
    English); a Spanish letter or accent ('ñ', '¿', 'é') counts double.
    """
    folded = tokens(text)
    known = vocabulary()
    spanish = english = 0.0
    for word in folded:
        if word in ES_MARKERS:
            spanish += 1
        elif word in EN_MARKERS:
            english += 1
        elif english_word(word) and word not in known:
            english += 0.5
        elif word in known and len(word) > 3 and words().get(word) != word:
            # A Spanish word the English lexicon also lists ("rodilla", "lateral") counts half; one the
            # glossary reads as itself ("hospital", "terrible") is spelt alike in English and counts for neither.
            spanish += 0.5 if english_word(word) else 1
    spanish += 2 * len(SPANISH_MARKS.findall(text.lower()))
    if folded and folded[0] in ES_OPENERS:
        spanish += 1
    return "es" if spanish > english else ("en" if english > spanish else None)



#: Spanish endings and the English ones their cognates have ("postura" posture, "inflamacion"
#: inflammation, "cronico" chronic, "actividad" activity); tried in order on a word neither file knows.
COGNATES = ((re.compile(r"cion(es)?$"), "tion"), (re.compile(r"sion(es)?$"), "sion"), (re.compile(r"dad(es)?$"), "ty"),
            (re.compile(r"ia(s)?$"), "y"), (re.compile(r"ic[oa]s?$"), "ic"), (re.compile(r"os[oa]s?$"), "ous"),
            (re.compile(r"ismo(s)?$"), "ism"), (re.compile(r"mente$"), "ly"), (re.compile(r"iv[oa]s?$"), "ive"),
            (re.compile(r"[aeo]s?$"), ""), (re.compile(r"[aeo]s?$"), "e"))
#: A concept the translated words already name gets no phrase of its own (see ``gloss``).
SAY_ONCE = frozenset(('region', 'symptom', 'activity', 'service', 'condition'))
#: Shorter cognate guesses meet too many unrelated English words.
MIN_COGNATE = 5
#: Shorter words left in a Spanish message are not typo-corrected into English ones.
MIN_CORRECTED = 6


def cognates(word: str) -> list[str]:
    """English spellings a Spanish word's cognate may have, most specific ending first."""
    found = []
    for pattern, ending in COGNATES:
        if pattern.search(word):
            guess = pattern.sub(ending, word)
            if len(guess) >= MIN_COGNATE and guess != word:
                found.append(guess)
    return found


def english_word(word: str) -> bool:
    """True for a word the English lexicon reads (the 'shoulder' of 'me lastimé el shoulder')."""
    return analysis.stem(word) in analysis.lexicon().patterns


#: Words that rule out the place named right after them ("no en la rodilla", "ni en la espalda").
NEGATIONS = frozenset({"no", "ni"})


def _only_regions(stemmed: str) -> bool:
    """True when a stemmed word alone names body regions and nothing else ("rodill", "espald")."""
    found = lexicon().match([stemmed])
    regions = analysis.lexicon().concepts
    return bool(found) and all(regions[c].kind == "region" for c in found)


#: A capitalised word after another word: "vuelo a Mexico", "con la Dra. Coombes".
NAME = re.compile(r"(?:(?<=[^\W\d_] )|(?<=[^\W\d_], ))[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+\b")


def proper_names(text: str) -> frozenset[str]:
    """Folded words written with a capital inside a sentence: names of places and people, not typos.

    A word at the start of a sentence (after a full stop, '¿', '¡' or a line break) is not one.
    """
    return frozenset(analysis.fold(found) for found in NAME.findall(text))


def read_tokens(text: str) -> list[str]:
    """The folded words ``gloss`` reads: idioms rewritten, ages and durations as their English."""
    return tokens(times.english(idioms.rewrite(analysis.fold(text))))


def translate(word: str, english: Callable[[str], str | None] | None = None) -> str | None:
    """The English ``gloss`` writes for a corrected content word: its glossary entry (by word or stem), else,
    for a word the Spanish file does not know, ``english``'s spelling of it or of its cognate; else None."""
    translated = words().get(word) or word_stems().get(_stem(word))
    if translated or word in speller().counts:
        return translated
    english = english or (lambda guess: guess if english_word(guess) else None)
    return next((known for guess in (word, *cognates(word)) if (known := english(guess))), None)


def understood(word: str, english: Callable[[str], str | None] | None = None,
               names: frozenset[str] = frozenset()) -> bool:
    """False for a word of ``read_tokens`` that ``gloss`` drops: no stop word, word of the file, English, or
    a form of a one-word term ("omoplatos" of "omoplato": ``gloss`` matches concepts by stem). ``names``:
    the message's ``proper_names``, corrected as ``gloss`` corrects them."""
    if word in times.ENGLISH_TIME or word in stop_words():
        return True
    word = corrected(word, names)
    return (word in speller().counts or translate(word, english) is not None
            or bool(lexicon().match([_stem(word)])))


def gloss(text: str, english: Callable[[str], str | None] | None = None) -> str:
    """English text that says what a Spanish message says, for the English analyzer.

    In message order: each glossary word's English, then the English phrase of
    each concept the Spanish lexicon finds (at the end: put where it was said,
    a phrase lands between words of other patterns, and the bench got worse).
    A word neither file knows is kept when ``english`` gives its English
    spelling, or its cognate's ("postura", posture); by default that is a word
    of the English lexicon as it is; the chat asks the index, typos corrected.
    Other unknown Spanish words are dropped rather than left for the English
    typo corrector to turn into some unrelated English word.
    """
    stop = stop_words()
    out: list[str] = []
    found: list[str] = []
    names = proper_names(text)
    previous = ""
    for word in read_tokens(text):
        if word in times.ENGLISH_TIME:
            out.append(word)
            if word.isdigit():
                # "despues de los 40": a number is also part of a Spanish phrase.
                found.append(word)
            continue
        if word in stop:  # "ni" is one: it still rules out the place after it
            previous = word if word in NEGATIONS else previous
            continue
        word = corrected(word, names)
        stemmed = _stem(word)
        previous, negated = word, previous in NEGATIONS
        if negated and _only_regions(stemmed):
            # "en los músculos, no en las rodillas": the place the patient rules out is not where it hurts.
            continue
        found.append(stemmed)
        if translated := translate(word, english):
            out.append(translated)
    # A concept the translated words already name is not said again: its phrase would add the
    # English lexicon's wording ("pelvic floor" after "pregnant") that the message never used.
    # A condition only a descriptive term found ("rodilla $escaleras") is glossed as described,
    # not named; its description says its region ("outer knee"), which is then not said again.
    phrases, described = dict(english_phrases()), described_phrases()
    matched, named = dict.fromkeys(lexicon().match(found)), set(lexicon().names.match(found))
    kinds = analysis.lexicon().concepts
    told = []
    for c in (c for c in matched if c in described and c not in named):
        # In this message's words, a description must read no concept its name would not ("run shin
        # pain" reads running through pain, "run shin splints" does not); else the name is said.
        by_name = set(analysis.concepts(" ".join([*out, phrases[c]])))
        fits = [d for d in described[c] if set(analysis.concepts(" ".join([*out, d]))) <= by_name | {kinds[c].region}]
        if fits:
            told.append(c)
            phrases[c] = fits[0]
    said = {c for c in analysis.concepts(" ".join(out)) if kinds[c].kind in SAY_ONCE}
    described_too = analysis.concepts(" ".join(phrases[c] for c in told))
    said |= {c for c in described_too if kinds[c].kind in SAY_ONCE} - set(told)
    # A region another phrase already says ("neck pain" says the neck) is not said again in its
    # own word, which the message never used ("cuello tieso" is "stiff neck pain", not "cervical").
    told_too = {r for c in matched if c not in said and kinds[c].kind != "region"
                for r in analysis.concepts(phrases[c]) if kinds[r].kind == "region"}
    out.extend(phrases[c] for c in matched if c not in said and c not in told_too)
    return " ".join(out)


def concepts(text: str) -> list[str]:
    """English lexicon concept ids a Spanish message names, as the English analyzer reads its gloss."""
    return analysis.concepts(gloss(text))
