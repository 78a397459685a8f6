"""Term counts of sections from one analysis pass per field: the raw material of an index build.

A build needs, per section, the analyzer's terms of its title, heading and body
(the weighted matrix), of its own heading (the heading matrix) and of the three
fields joined (the document the vocabulary and idf are fitted on), the lexicon
concepts of its body and of its title with its heading (concept coverage), and
its raw words (typo correction). Tokenising and stemming are most of a build's
time, so each field is tokenised once and everything else is derived from its
stems:

- analysis.words(joined text) is the fields' words concatenated and cut at
  MAX_TOKENS (the tokens never span the space that joins them), so the joined
  analysis is analyze_stems of the concatenated stems. The one exception, an
  "IT" ending a field and "band" starting the next (IT_BAND reads across the
  space), is detected and analysed from the joined text as before;
- a post's title repeats on each of its sections and headings repeat across
  posts: each distinct title or heading is analysed once per chunk.

Counts come back per chunk with the chunk's own sorted term list; merge() maps
them onto the vocabulary of the whole corpus (sorted terms of the joined texts,
as TfidfVectorizer.fit made it). Terms a field has that no joined text has (rare:
a concept only its heading alone matches) are dropped there, as a vectorizer
with a fixed vocabulary drops them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import scipy.sparse as sp

from index import analysis
from index.spelling import WORD

#: Count matrices per chunk: the three weighted fields and the section's own heading.
MATRICES = ("title", "heading", "body", "own_heading")


def field_texts(section: dict) -> dict:
    """The three weighted fields of a section."""
    heading = " ".join(h for h in (section.get("parent_heading"), section.get("heading"),
                                   section.get("subheading")) if h)
    return {"title": section["post_title"], "heading": heading, "body": section["text"]}


@dataclass
class Counts:
    """Term counts of a run of consecutive sections, over the run's own sorted terms."""

    terms: list[str]
    #: the joined texts' terms in order of first occurrence (the key order of a fitted vocabulary_)
    first_seen: list[str]
    #: per term: how many of the sections' joined texts contain it (0: only a field alone has it)
    df: np.ndarray
    #: MATRICES name -> sections x terms counts (float32 CSR, sorted indices, as CountVectorizer makes)
    matrices: dict[str, sp.csr_matrix]
    n_sections: int
    words: Counter = field(default_factory=Counter)
    #: concept id -> [sections naming it in body or title/heading, sections naming it in title/heading]
    coverage: dict[str, list[int]] = field(default_factory=dict)


class _FieldAnalysis:
    """Stems, lexicon concepts and analyzer tokens of field texts, each distinct text analysed once."""

    def __init__(self, with_lexicon: bool):
        self.with_lexicon = with_lexicon
        self.match = analysis.lexicon().match if with_lexicon else None
        self._memo: dict[str, tuple[list[str], list[str], list[str]]] = {}

    def __call__(self, text: str, remember: bool = True) -> tuple[list[str], list[str], list[str]]:
        """(stems, concepts, analyzer tokens) of a text; ``remember`` keeps them for a repeat of it."""
        hit = self._memo.get(text)
        if hit is None:
            found = analysis.stems(text)
            concepts = self.match(found) if self.with_lexicon else []
            hit = (found, concepts, analysis.analyze_stems(found, self.with_lexicon, concepts))
            if remember:
                self._memo[text] = hit
        return hit

    def joined(self, texts: list[str], parts: list[tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
        """(stems, concepts) of " ".join(texts), from each text's (stems, concepts).

        The words are the texts' words concatenated and cut at MAX_TOKENS. The
        concepts are those whose leftmost word lies in the leading texts (their
        window may reach into the last text) followed by the last text's own,
        which is what matching the whole gives when the cut spares the last text.
        """
        findall = analysis.IT_BAND.findall
        whole = " ".join(texts)
        # IT_BAND needs "band" (in any case), which no text has as a rule: skip its two scans then.
        if "band" in whole.lower() and len(findall(whole)) != sum(len(findall(text)) for text in texts):
            found = analysis.stems(whole)  # "... IT" + "band ...": the phrase spans two texts
            return found, self.match(found) if self.with_lexicon else []
        found = [stem for stems, _ in parts for stem in stems]
        lead = len(found) - len(parts[-1][0])
        if len(found) > analysis.MAX_TOKENS:
            found = found[:analysis.MAX_TOKENS]
            return found, self.match(found) if self.with_lexicon else []
        if not self.with_lexicon:
            return found, []
        return found, self.match(found, stop=lead) + parts[-1][1]


def count_sections(sections: list[dict], analyzer: str = "lexicon") -> Counts:
    """Analyse every field of every section once and count terms (see the module docstring)."""
    with_lexicon = analyzer == "lexicon"
    analyse = _FieldAnalysis(with_lexicon)
    tokens: dict[str, list[list[str]]] = {name: [] for name in MATRICES}
    joined_tokens: list[list[str]] = []
    words: Counter = Counter()
    coverage: dict[str, list[int]] = {}
    for section in sections:
        texts = field_texts(section)
        title_stems, title_concepts, title_tokens = analyse(texts["title"])
        heading_stems, heading_concepts, heading_tokens = analyse(texts["heading"])
        body_stems, body_concepts, body_tokens = analyse(texts["body"], remember=False)
        own = section.get("subheading") or section.get("heading") or ""
        own_tokens = heading_tokens if own == texts["heading"] else analyse(own)[2]
        tokens["title"].append(title_tokens)
        tokens["heading"].append(heading_tokens)
        tokens["body"].append(body_tokens)
        tokens["own_heading"].append(own_tokens)
        fields = [texts["title"], texts["heading"], texts["body"]]
        title, heading = (title_stems, title_concepts), (heading_stems, heading_concepts)
        joined, joined_concepts = analyse.joined(fields, [title, heading, (body_stems, body_concepts)])
        joined_tokens.append(analysis.analyze_stems(joined, with_lexicon, joined_concepts))
        for text in fields:
            words.update(WORD.findall(analysis.fold(text or "")))
        if with_lexicon:
            # As analysis.concepts(body) and analysis.concepts(f"{title} . {heading}"): the " . "
            # adds no word, so joining with it reads like joining with a space.
            in_body = set(body_concepts)
            in_heads = set(analyse.joined([texts["title"], ". " + texts["heading"]], [title, heading])[1])
            for concept in in_body | in_heads:
                entry = coverage.setdefault(concept, [0, 0])
                entry[0] += 1
                entry[1] += concept in in_heads
    first_seen = list(dict.fromkeys(chain.from_iterable(joined_tokens)))
    terms = sorted(set(chain.from_iterable(chain.from_iterable(tokens.values()))).union(first_seen))
    column = {term: number for number, term in enumerate(terms)}
    # Document frequency needs only which terms each joined text has, not a count matrix.
    in_texts = Counter(chain.from_iterable(map(set, joined_tokens)))
    df = np.fromiter(map(in_texts.__getitem__, terms), dtype=np.int64, count=len(terms))
    matrices = {name: _count_matrix(rows, column, len(terms)) for name, rows in tokens.items()}
    return Counts(terms, first_seen, df, matrices, len(sections), words, coverage)


def _count_matrix(rows: list[list[str]], column: dict[str, int], n_terms: int) -> sp.csr_matrix:
    """Rows of tokens as a float32 count matrix with sorted column indices (CountVectorizer's layout)."""
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    cols = np.fromiter(map(column.__getitem__, chain.from_iterable(rows)), dtype=np.int64, count=int(lengths.sum()))
    keys = np.repeat(np.arange(len(rows), dtype=np.int64), lengths) * max(n_terms, 1) + cols
    keys, counts = np.unique(keys, return_counts=True)
    row_of = keys // max(n_terms, 1)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=len(rows)), out=indptr[1:])
    return sp.csr_matrix((counts.astype(np.float32), (keys % max(n_terms, 1)).astype(np.int32),
                          indptr.astype(np.int32)), shape=(len(rows), n_terms))


@dataclass
class Corpus:
    """Counts of a whole corpus over its vocabulary."""

    vocabulary: dict[str, int]
    #: per vocabulary term: in how many sections' joined texts it occurs
    df: np.ndarray
    matrices: dict[str, sp.csr_matrix]
    words: Counter
    coverage: dict[str, dict]


def merge(parts: list[Counts]) -> Corpus:
    """Chunks' counts, in order, over the corpus vocabulary (the sorted terms of the joined texts)."""
    # Keys in order of first occurrence, columns in sorted order: the vocabulary_ of a fitted
    # CountVectorizer, so vocabulary.json is byte for byte what the TfidfVectorizer build wrote.
    vocabulary = dict.fromkeys(term for part in parts for term in part.first_seen)
    for number, term in enumerate(sorted(vocabulary)):
        vocabulary[term] = number
    df = np.zeros(len(vocabulary), dtype=np.int64)
    pieces: dict[str, list[sp.csr_matrix]] = {name: [] for name in MATRICES}
    words: Counter = Counter()
    coverage: dict[str, list[int]] = {}
    for part in parts:
        # Both term lists are sorted, so the kept columns keep their order: rows stay sorted.
        to_global = np.fromiter((vocabulary.get(term, -1) for term in part.terms), dtype=np.int64,
                                count=len(part.terms))
        kept = to_global >= 0
        np.add.at(df, to_global[kept], part.df[kept])
        for name in MATRICES:
            pieces[name].append(_remap(part.matrices[name], to_global, len(vocabulary)))
        words.update(part.words)
        for concept, (sections, headed) in part.coverage.items():
            entry = coverage.setdefault(concept, [0, 0])
            entry[0] += sections
            entry[1] += headed
    matrices = {name: sp.vstack(rows, format="csr") if len(rows) > 1 else rows[0]
                for name, rows in pieces.items()}
    return Corpus(vocabulary, df, matrices, words,
                  {concept: {"sections": n, "headed": bool(headed)} for concept, (n, headed) in coverage.items()})


def _remap(matrix: sp.csr_matrix, to_global: np.ndarray, n_terms: int) -> sp.csr_matrix:
    """A count matrix over the corpus vocabulary; columns mapped to -1 are dropped."""
    cols = to_global[matrix.indices]
    keep = cols >= 0
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows[keep], minlength=matrix.shape[0]), out=indptr[1:])
    return sp.csr_matrix((matrix.data[keep], cols[keep].astype(np.int32), indptr), shape=(matrix.shape[0], n_terms))
