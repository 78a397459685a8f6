"""Reference implementations the product's faster code is checked against ("as first written").

Each is the plain, obviously-right version a module replaced for speed or memory;
tests assert the product gives the same result. None is imported by product code.
"""

from __future__ import annotations

import json
import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot import redact
from index import analysis, termcounts
from index.spelling import WORD
from index.versions import DEFAULT_ANALYZER, ArtifactError
from index.vocabulary import Vocabulary


def make_vectorizer(vocabulary=None, analyzer: str = DEFAULT_ANALYZER) -> TfidfVectorizer:
    """scikit-learn's vectorizer configured as the index is (same analyzer, sublinear tf, float32).

    index/build.py computes the same vocabulary, idf and matrices without it
    (index/termcounts.py), and Index.query_vector the same query rows.
    """
    if analyzer not in analysis.ANALYZERS:
        raise ArtifactError(f"unknown analyzer {analyzer!r}; known: {', '.join(analysis.ANALYZERS)}")
    return TfidfVectorizer(analyzer=analysis.ANALYZERS[analyzer], sublinear_tf=True, vocabulary=vocabulary,
                           dtype=np.float32)


def index_vectorizer(index) -> TfidfVectorizer:
    """The fitted vectorizer of a loaded index version (what Index.vectorizer used to build)."""
    vocabulary = index.vocabulary
    vectorizer = make_vectorizer(vocabulary.to_dict() if isinstance(vocabulary, Vocabulary) else vocabulary,
                                 index.analyzer_name)
    vectorizer.idf_ = index.idf
    return vectorizer


def contains_contact(text: str) -> bool:
    """True when something that looks like an email or phone number is still present in redacted text.

    A looser check than redact() itself (any "x@y", any phone shape), for tests
    that throw generated contacts at redact(); placeholders do not count.
    """
    stripped = text
    for placeholder in redact.PLACEHOLDERS:
        stripped = stripped.replace(placeholder, " ")
    return bool(redact.LOOSE_EMAIL.search(stripped) or redact.PHONE.search(stripped))


def words(text: str) -> list[str]:
    """analysis.words as first written: every regex pass on every text, every token worked out anew."""
    import unicodedata

    folded = analysis.BACK_OF.sub("rear ", analysis.IT_BAND.sub("iliotibial band", text))
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
        folded = folded.replace("\u2019", "'").replace("\u2018", "'")
    folded = analysis.AGE.sub(analysis._age_token, folded.lower())
    out = []
    for token in analysis.TOKEN.findall(folded):
        token = token.removesuffix("'s").replace("'", "")
        if token and token not in analysis.STOP_WORDS and not (len(token) == 1 and not token.isdigit()):
            out.append(token)
    return out[:analysis.MAX_TOKENS]


def lexicon_match(lexicon, stems):
    """Lexicon.match as first written: every pattern of every word tried in full."""
    from index.lexicon import _fills

    found = []
    for i, word in enumerate(stems):
        seen_here = set()
        for concept_id, slots, exact in lexicon.patterns.get(word, ()):
            if concept_id in seen_here:
                continue
            if exact:
                run = stems[i:i + len(slots)]
                hit = len(run) == len(slots) and all(w in slot for w, slot in zip(run, slots, strict=True))
            else:
                hit = len(slots) == 1 or _fills(slots, stems[i:i + len(slots) + lexicon.window])
            if hit:
                found.append(concept_id)
                seen_here.add(concept_id)
    return found


def is_boilerplate(text: str) -> bool:
    """is_boilerplate as first written: every word of the block read before ruling it out."""
    from index.sections import MAX_PROMPT_WORDS, PHONE, PROMPT_OBJECT, PROMPT_START

    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    words = re.findall(r"[a-z']+", text.lower())
    if len(words) > MAX_PROMPT_WORDS or (words and words[0] not in PROMPT_START):
        return False
    without_phone = PHONE.sub(" ", text)
    words = re.findall(r"[a-z']+", without_phone.lower())
    if not words:
        return bool(PHONE.search(text))
    if len(words) > MAX_PROMPT_WORDS or words[0] not in PROMPT_START:
        return False
    return bool(PHONE.search(text) or PROMPT_OBJECT.search(without_phone))


def term_counts(sections: list[dict], weights: dict, analyzer: str = "lexicon", title_rows=None) -> dict:
    """index/build.py's vocabulary, idf, matrices, words and coverage as first written.

    Before index/termcounts.py: the analyzer run on every text it needs. ``title_rows``: the
    per-section title multiplier of index/context.py, as the build applies it.
    """
    vectorizer = make_vectorizer(analyzer=analyzer)
    vectorizer.fit([" ".join(termcounts.field_texts(s).values()) for s in sections])
    total = None
    for name, weight in weights.items():
        part = vectorizer.transform([termcounts.field_texts(s)[name] for s in sections]) * weight
        if name == "title" and title_rows is not None:
            part = sp.diags(title_rows) @ part
        total = part if total is None else total + part
    words: dict[str, int] = {}
    coverage: dict[str, dict] = {}
    for section in sections:
        texts = termcounts.field_texts(section)
        for text in texts.values():
            for word in WORD.findall(analysis.fold(text or "")):
                words[word] = words.get(word, 0) + 1
        in_body = set(analysis.concepts(texts["body"] or ""))
        in_heads = set(analysis.concepts(f"{texts['title']} . {texts['heading']}"))
        for concept in in_body | in_heads:
            entry = coverage.setdefault(concept, {"sections": 0, "headed": False})
            entry["sections"] += 1
            entry["headed"] = entry["headed"] or concept in in_heads
    return {
        "vocabulary": json.dumps({t: int(c) for t, c in vectorizer.vocabulary_.items()}),
        "idf": vectorizer.idf_,
        "matrix": normalize(total.tocsr()).astype(np.float32),
        "headings": normalize(vectorizer.transform([s.get("heading") or "" for s in sections]).tocsr())
        .astype(np.float32),
        "words": words,
        "coverage": coverage if analyzer == "lexicon" else {},
    }


def anchor_starts(text: str, patterns: dict) -> dict[int, set[int]]:
    """Where each anchored term pattern may start, by brute force: every occurrence of every anchor at a word start.

    What bot/triage/prefilter.candidates finds with one regex pass (a trie of the anchors).
    """
    from bot.triage import prefilter

    out: dict[int, set[int]] = {}
    for pattern_id, pattern in patterns.items():
        needed = prefilter.anchors(pattern)
        if needed is None or any(not prefilter.WORD_START.match(anchor) for anchor in needed):
            continue
        for anchor in needed:
            i = text.find(anchor)
            while i != -1:
                if prefilter.WORD_START.match(text, i):
                    out.setdefault(pattern_id, set()).add(i)
                i = text.find(anchor, i + 1)
    return out


def read(message: str, ruleset) -> list:
    """bot.triage.read as first written: every term pattern run over the message."""
    from bot.triage import reading as triage_reading

    reading = triage_reading.read_once(message, ruleset)
    text, clauses = reading.text, reading.clauses
    sentences = triage_reading._spans(text, ruleset.cues["sentence"])
    mentions = []
    for term in ruleset.terms.values():
        for pattern in term.patterns:
            for m in pattern.finditer(text):
                reason = triage_reading._reason_to_discount(text, m, triage_reading._clause_at(clauses, m.start()),
                                                            term, ruleset.cues, reading.negated)
                sentence = sentences.index(triage_reading._containing(sentences, m.start()))
                mentions.append(triage_reading.Mention(term.name, m.start(), m.group(), reason is None, reason,
                                                       sentence))
    return mentions


def present(reading, ruleset) -> dict[str, set[int]]:
    """bot.triage.reading.present as first written: every pattern of every term run over the whole text.

    No prefilter, no early stop: each term's counting mentions and the sentences they sit in.
    """
    from bot.triage import reading as triage_reading

    text, clauses = reading.text, reading.clauses
    sentences = triage_reading._spans(text, ruleset.cues["sentence"])
    out: dict[str, set[int]] = {}
    for name, term in ruleset.terms.items():
        for pattern in term.patterns:
            for m in pattern.finditer(text):
                clause = triage_reading._clause_at(clauses, m.start())
                if triage_reading._reason_to_discount(text, m, clause, term, ruleset.cues, reading.negated) is None:
                    out.setdefault(name, set()).add(triage_reading._index_of(sentences, m.start()))
    return out


def features(text: str, negated: list[tuple[int, int]]) -> list[str]:
    """bot.redflag_model.features as first written: each word's denial looked up by bisection."""
    from bot import redflag_model, scope

    out: list[str] = []
    previous = None
    for m in scope.WORD.finditer(text):
        word = m.group()
        if negated and scope.covered(m.start(), negated):
            out.append("~" + word)
            previous = None
            continue
        out.append(word)
        if previous is not None:
            out.append(previous + " " + word)
        previous = word
        if len(word) > 3:
            out.extend(redflag_model._grams(word))
    return out


def probabilities(model, feats: list[str]) -> np.ndarray:
    """Model.probabilities as first written: features counted in a Python loop."""
    import math

    counts: dict[int, int] = {}
    for f in feats:
        i = model.vocabulary.get(f)
        if i is not None:
            counts[i] = counts.get(i, 0) + 1
    z = model.intercept.astype(np.float64)
    if counts:
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * model.idf[idx]
        values /= math.sqrt(float(values @ values))
        z = z + values @ model._coef_rows[idx]
    z = np.exp(z - z.max())
    return z / z.sum()


def normalise(message: str, ruleset) -> str:
    """bot.triage.reading.normalise as first written: each word repaired through re.sub, one call per word."""
    import re

    from bot.triage import reading as triage_reading
    from index.analysis import fold

    text = fold(message).replace("'", "").replace("\r", "\n").replace("-", " ")
    text = re.sub(r"\n+", " . ", text)
    text = triage_reading.WORD.sub(lambda m: triage_reading.correct_word(m.group(), ruleset), text)
    return re.sub(r"\s+", " ", text).strip()


def negated_spans(text: str, clauses: list, cues: dict, reach: int) -> list[tuple[int, int]]:
    """bot.scope.negated_spans as first written: each clause's pseudo-negations searched before its denials."""
    from bot import scope

    found = []
    for start, end in clauses:
        if start >= end:
            continue
        pseudo = [m.span() for m in cues["pseudo_negation"].finditer(text, start, end)]
        for cue in cues["negation"].finditer(text, start, end):
            if pseudo and scope._overlaps(cue, pseudo):
                continue
            stop = scope._forward(text, cue.end(), end, reach)
            if stop > cue.end():
                found.append((cue.end(), stop))
        for cue in cues["post_negation"].finditer(text, start, end):
            if not (pseudo and scope._overlaps(cue, pseudo)):
                found.append((start, cue.start()))
    return scope.merge(found)
