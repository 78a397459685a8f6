"""The one text analyzer used to index sections and to read visitor messages.

It is a module-level function so a fitted vectorizer that refers to it loads in
any process, and so indexing and querying can never drift apart. Only NLTK's
data-free parts are used (regexp tokenising, the Snowball stemmer): nothing is
downloaded at build, run or test time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from index import lexicon as lexicon_module
from index.lexicon import Lexicon

_STEMMER = SnowballStemmer("english")

#: Stop words that carry meaning in a pain description: where ("back", "front",
#: "side", "behind"), direction ("up", "down" stairs or hills), and negation.
KEEP = {
    "back", "front", "side", "behind", "up", "down", "over", "under", "top", "bottom",
    "inside", "outside", "across", "around", "before", "after", "first", "above", "below",
    "no", "not", "never", "without", "off", "out", "fire", "full", "bill", "well", "move", "since",
}
STOP_WORDS = frozenset(w for w in ENGLISH_STOP_WORDS if w not in KEEP) | {
    "im", "ive", "id", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "really", "just",
    "lot", "lately", "like", "feel", "feels", "thing", "things", "got", "get", "gets", "s",
}
#: "IT band" names the iliotibial band, but "it" is a stop word: spell it out first.
IT_BAND = re.compile(r"\bi\.?t\.?[\s-]*band", re.IGNORECASE)
# "The back of my knee" is a place on the knee, not the back: read it as "rear knee" so a
# bare "back" next to a pain word can mean the back ("my back hurts", "hurt my back").
BACK_OF = re.compile(r"\bback\s+of\s+(?:(?:the|my|your|his|her|their|our)\s+)?(?:(?:left|right)\s+)?"
                     r"(?=(?:knee|heel|thigh|leg|calf|calves|neck|head|skull|shoulder|hand|arm|ankle|foot|feet|"
                     r"wrist|elbow|hip|hamstring|throat|eye)s?\b)", re.IGNORECASE)
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
#: Decade words, for "in my fifties".
DECADES = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
           "eighties": 80, "nineties": 90}
_DECADE = "|".join(DECADES)
DECADE_WORD = re.compile(_DECADE)
_MEASURE = (r"(?:%|(?:percent|lbs?|pounds?|kgs?|kilos?|miles?|mi|km|k|minutes?|mins?|hours?|hrs?|days?|weeks?|"
            r"wks?|months?|times?|reps?|sets?|x|degrees?|mph|feet|ft|inch(?:es)?|cm|sessions?|visits?)\b)")
#: A person's age written the ways people write it: "I'm 52", "52 years old", "a 52-year-old",
#: "52yo", "age 52", "aged 52", "turned 52", "since I hit 50", "in my 50s", "in her early fifties". Each becomes
#: one decade token ("age50s") so the lexicon can name age groups without listing every number.
AGE = re.compile(
    rf"\b(?:(?:i'?m|i am|he'?s|she'?s|he is|she is|turned|turning|aged?|i hit|i've hit|hitting)"
    rf"\s+(?P<n1>\d{{2}})\b(?!\s*{_MEASURE}|'?s)"
    rf"|\b(?P<n2>\d{{1,2}})[\s-]*(?:years?|yrs?)[\s-]*old\b"
    rf"|\b(?P<n3>\d{{1,2}})\s*(?:yo|y/o|y\.o\.)(?!\w)"
    rf"|(?:in|into)\s+(?:my|his|her|their|your|our)\s+(?:(?:early|mid|late)[\s-]+)?"
    rf"(?:(?P<d1>[2-9]0)'?s|(?P<d2>{_DECADE}))\b)"
)
#: How long a complaint has lasted, when that is three months or more: "for months", "for 6
#: months", "for over a year", "for the past two years", "for ages", "since last year". Each
#: becomes the token "over3months", which the lexicon reads as persistent (chronic) pain, the
#: clinical line being pain that has lasted three months or more. "for 2 months" is left alone.
_COUNT = (r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many|"
          r"a\s+few|a\s+couple(?:\s+of)?)")
DURATION = re.compile(
    r"\bfor\s+(?:(?:well\s+)?over|more\s+than|about|almost|nearly|around|at\s+least|close\s+to|"
    r"(?:the|these)\s+(?:past|last))?\s*"
    rf"(?:(?P<months>{_COUNT})\s+months?|(?:{_COUNT}\s+)?years?|(?:the\s+)?(?:months|years|ages(?!\s*\d)))\b"
    r"|\bsince\s+last\s+year\b"
)
#: "hurting on and off for years": how often, which says nothing of what or where, and would
#: put "off" between a pain word and its duration.
ON_AND_OFF = re.compile(r"\b(?:on[\s-]+and[\s-]+off|off[\s-]+and[\s-]+on)\b")
MONTH_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "a couple": 2, "a couple of": 2}
MAX_TOKENS = 400
#: Any digit: ages() looks for an age only in texts that have one (or a decade word).
DIGIT = re.compile(r"\d")


class _Combining(dict):
    """str.translate table dropping combining marks, filled per distinct character on first sight.

    translate() looks each character up in C; only a character never seen before
    costs a Python call, where a generator over every character cost one each.
    """

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _Combining()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Lowercase, strip accents and unify quotes so 'Golfer’s' == "golfer's"."""
    if text.isascii():  # nothing to decompose or unify: skip the per-character pass (build speed)
        return text.lower()
    # Combining marks are never ASCII: only the runs of other characters (a few quotes and
    # dashes in most texts) go through the per-character table.
    text = _NON_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def _drop_combining(run: re.Match) -> str:
    return run.group().translate(_DROP_COMBINING)


#: Raised whenever a change to this module gives different tokens for the same text (a new
#: phrase rule; 2 added the duration token, 3 dropped "on and off", 4 read "I hit 50" as an age).
#: With the lexicon file it makes rules_digest().
REVISION = 4


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A fingerprint of everything that decides the analyzer's tokens: this module's revision and the lexicon.

    An index records it; one built under other rules is rebuilt (index/live.py,
    index/refresh.py), so posts and messages are never read by different analyzers.
    """
    digest = hashlib.sha256(f"clinicbot analysis {REVISION}\n".encode())
    digest.update(lexicon_module.LEXICON_PATH.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem, cached: the vocabulary is small and repeats constantly."""
    return _STEMMER.stem(word)


def _age_token(found: re.Match) -> str:
    """The decade token for one age expression ("age50s"); see AGE."""
    if found["d2"]:
        decade = DECADES[found["d2"]]
    else:
        decade = int(found["d1"] or found["n1"] or found["n2"] or found["n3"]) // 10 * 10
    return f" age{decade}s "


def _duration_token(found: re.Match) -> str:
    """The token over3months for a duration of three months or more, else the words as they were (see DURATION)."""
    count = found["months"]
    if count is not None:
        count = " ".join(count.split())
        number = int(count) if count.isdigit() else MONTH_COUNTS.get(count, 3)
        if number < 3:
            return found.group()
    return " over3months "


def durations(text: str) -> str:
    """Folded text with "on and off" dropped and each long duration replaced by its token (see DURATION)."""
    if "and o" in text or "and-o" in text:
        text = ON_AND_OFF.sub(" ", text)
    # Every form of DURATION names months, years, or ages.
    if "month" in text or "year" in text or "ages" in text:
        return DURATION.sub(_duration_token, text)
    return text


def ages(text: str) -> str:
    """Folded text with each age expression replaced by its decade token (see AGE)."""
    # Every form of AGE has a digit or a decade word, and every decade word ends in "ties".
    if DIGIT.search(text) or ("ties" in text and DECADE_WORD.search(text)):
        return AGE.sub(_age_token, text)
    return text


def _phrases(text: str) -> str:
    """The text with "IT band" spelt out and "back of the knee" read as "rear knee" (see IT_BAND, BACK_OF)."""
    # Both patterns need "band" / "back" (any case: lower() maps nothing else onto these
    # letters); most texts have neither, and a substring test is far cheaper than a regex pass.
    lowered = text.lower()
    if "band" in lowered:
        text = IT_BAND.sub("iliotibial band", text)
    if "back" in lowered:
        text = BACK_OF.sub("rear ", text)
    return text


def _tokens(text: str) -> list[str]:
    """The raw tokens words() reads, before possessives and stop words are dropped."""
    return TOKEN.findall(durations(ages(fold(_phrases(text)))))


def _content_word(token: str) -> str:
    """A raw token as a content word, or "" when it is dropped (stop word, lone letter)."""
    if token.endswith("'s"):
        token = token[:-2]
    token = token.replace("'", "")
    if token and token not in STOP_WORDS and not (len(token) == 1 and not token.isdigit()):
        return token
    return ""


#: raw token -> (content word or "", its stem or ""): tokens repeat constantly, so each
#: distinct one is worked out once. Bounded: emptied when full (visitor text is unbounded).
_TOKEN_CACHE: dict[str, tuple[str, str]] = {}
TOKEN_CACHE_SIZE = 65_536


def _known(tokens: list[str]) -> list[tuple[str, str]]:
    """(content word, stem) of each token, from the cache."""
    cache = _TOKEN_CACHE
    found = list(map(cache.get, tokens))
    if None in found:
        if len(cache) > TOKEN_CACHE_SIZE:
            cache.clear()
        for number, entry in enumerate(found):
            if entry is None:
                word = _content_word(tokens[number])
                entry = cache[tokens[number]] = (word, stem(word) if word else "")
                found[number] = entry
    return found


def words(text: str) -> list[str]:
    """Content words of a text, unstemmed, possessives and stop words removed."""
    return [word for word, _ in _known(_tokens(text)) if word][:MAX_TOKENS]


def stems(text: str) -> list[str]:
    """Stemmed content words: the unit the lexicon's patterns are written in."""
    return [stemmed for word, stemmed in _known(_tokens(text)) if word][:MAX_TOKENS]


def lexicon() -> Lexicon:
    """The bundled lay-language lexicon, compiled with this module's stemming."""
    return lexicon_module.default(stems)


def analyze_words(text: str) -> list[str]:
    """Stemmed unigrams plus adjacent-pair bigrams ("tennis elbow", "outer knee").

    Bigrams let "tennis elbow" outrank a section that merely says "tennis" and
    "elbow" far apart. This is the analyzer without the lexicon: bench/quality.py
    uses it for the "lexicon off" ablation.
    """
    return analyze_stems(stems(text), with_lexicon=False)


def analyze_stems(found: list[str], with_lexicon: bool = True, concepts: list[str] | None = None) -> list[str]:
    """The analyzer's tokens from a text's stems: stems, adjacent-pair bigrams, concept tokens.

    analyze(text) is analyze_stems(stems(text)); the index build calls this
    directly with stems it already has, so each field is tokenised once, and
    passes ``concepts`` when it knows lexicon().match(found) already.
    """
    bigrams = [f"{a} {b}" for a, b in zip(found, found[1:], strict=False)]
    if not with_lexicon:
        return found + bigrams
    if concepts is None:
        concepts = lexicon().match(found)
    return found + bigrams + [lexicon_module.PREFIX + c for c in concepts][:MAX_TOKENS]


def analyze(text: str) -> list[str]:
    """Words and bigrams as in analyze_words, plus one lexicon concept token per match.

    The same call runs over the clinic's posts and over visitor messages, so a
    post saying "medial epicondylitis" and a visitor saying "the pinky side of my
    elbow" share the token "@golfers_elbow" and nothing else has to agree.
    """
    return analyze_stems(stems(text))


def concepts(text: str) -> list[str]:
    """Lexicon concept ids named in a text, in order, repeats kept."""
    return lexicon().match(stems(text))


#: Analyzers an index may be built with, by the name its manifest records.
ANALYZERS = {"lexicon": analyze, "words": analyze_words}


#: A word as typo correction sees it (index/spelling.py WORD): corrections pair these up.
_SPELT = re.compile(r"[a-z]+")
#: The tokens ages() and durations() put in a text.
SPECIAL = re.compile(r"age\d+s|over3months")


@dataclass(frozen=True)
class Reading:
    """One message read once: what every layer of a chat answer takes from it (STYLE rule 15).

    ``words``/``stems`` are the text's own (as the visitor wrote it: intents,
    follow-ups, teaching phrases and card names read these); the ``corrected_``
    fields and ``terms``/``concepts`` are the text as the index reads it, typos
    corrected (ranking, clarify, cards). Made by read(), cached per message.
    """

    text: str
    folded: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    corrected: str
    corrections: tuple[tuple[str, str], ...]
    corrected_words: tuple[str, ...]
    corrected_stems: tuple[str, ...]
    #: The index analyzer's tokens of the corrected text (what Index.terms_vector weighs).
    terms: tuple[str, ...]
    #: Lexicon concepts of the corrected text, in order, repeats kept (as concepts()).
    concepts: tuple[str, ...]
    #: Age and duration tokens ("age50s", "over3months") found in the corrected text.
    specials: tuple[str, ...]


def _content(text: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Content words, their stems and the raw tokens of a text, from one tokenising pass."""
    raw = _tokens(text)
    known = [pair for pair in _known(raw) if pair[0]][:MAX_TOKENS]
    return tuple(w for w, _ in known), tuple(s for _, s in known), raw


def _terms(index, text: str, found: tuple[str, ...], concepts: list[str]) -> tuple[str, ...]:
    """The analyzer's tokens for a text whose stems and concepts are known (the index's analyzer when it has one)."""
    analyzer = getattr(index, "analyzer", analyze)
    if analyzer is analyze:
        return tuple(analyze_stems(list(found), concepts=concepts))
    if analyzer is analyze_words:
        return tuple(analyze_stems(list(found), with_lexicon=False))
    return tuple(analyzer(text))


def _read(text: str, index) -> Reading:
    """The Reading of a text, worked out (see read); against an index, from the text's own Reading."""
    if index is None:
        words_, stems_, raw = _content(text)
        found = lexicon().match(list(stems_))
        return Reading(text, fold(text), words_, stems_, text, (), words_, stems_,
                       tuple(analyze_stems(list(stems_), concepts=found)), tuple(found),
                       tuple(t for t in raw if SPECIAL.fullmatch(t)))
    plain = read(text)
    corrected = index.correct(text)
    # An ASCII text tokenises as its lower case does (every step folds or ignores case), so a
    # message with nothing corrected, only folded, is not tokenised again.
    if corrected == text or (text.isascii() and corrected == text.lower()):
        c_words, c_stems, found, specials = plain.corrected_words, plain.corrected_stems, plain.concepts, plain.specials
        corrections = ()
    else:
        c_words, c_stems, raw = _content(corrected)
        found = tuple(lexicon().match(list(c_stems)))
        specials = tuple(t for t in raw if SPECIAL.fullmatch(t))
        corrections = tuple((a, b) for a, b in zip(_SPELT.findall(plain.folded), _SPELT.findall(corrected),
                                                   strict=False) if a != b)
    if getattr(index, "analyzer", analyze) is analyze and c_stems is plain.stems:
        terms = plain.terms
    else:
        terms = _terms(index, corrected, c_stems, list(found))
    return Reading(text, plain.folded, plain.words, plain.stems, corrected, corrections, c_words, c_stems,
                   terms, found, specials)


#: index -> {(text, typo correction on): Reading}; weak so a replaced index is not kept alive.
_READINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PLAIN_READINGS: dict[str, Reading] = {}
READINGS_PER_INDEX = 4096


def read(text: str, index=None) -> Reading:
    """A message read once: tokens, words, stems, corrections against ``index``, analyzer terms, concepts.

    Cached per message (and index): bot/chat.respond reads each message once and
    every layer it calls takes the Reading, or asks again here for free. Without
    an index nothing is corrected.
    """
    try:
        cache = _PLAIN_READINGS if index is None else _READINGS.setdefault(index, {})
    except TypeError:  # an object that cannot be weakly referenced (a test double): no cache
        return _read(text, index)
    key = text if index is None else (text, getattr(index, "correct_typos", None))
    found = cache.get(key)
    if found is None:
        if len(cache) >= READINGS_PER_INDEX:
            cache.clear()
        found = cache[key] = _read(text, index)
    return found
