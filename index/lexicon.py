"""The lay-language lexicon: how patients name regions, conditions, activities and symptoms.

The knowledge lives in data/lexicon.toml; this module compiles it into patterns
over stemmed content words and finds them in text. The analyzer emits one
concept token ("@golfers_elbow") per match, at index and query time alike, so a
visitor's "pinky side of my elbow" meets the post's "medial epicondylitis".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.datafile import read_toml

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.toml"
KINDS = ("region", "condition", "activity", "symptom", "topic", "service")
#: Prefix of concept tokens; the word tokenizer never produces it, so they cannot collide.
PREFIX = "@"


class LexiconError(Exception):
    """The lexicon file is malformed; the message names the concept and field."""


@dataclass(frozen=True)
class Concept:
    """One lexicon entry."""

    id: str
    kind: str
    label: str
    region: str | None
    question: str | None
    option: str | None
    terms: tuple[str, ...]
    #: An operation behind the visitor (a knee replacement): it never claims its region (bot/matcher.uncovered).
    operation: bool = False

    @property
    def token(self) -> str:
        """The token the analyzer emits for this concept."""
        return PREFIX + self.id


@dataclass
class Lexicon:
    """Compiled concepts and the patterns that find them."""

    concepts: dict[str, Concept]
    window: int
    #: stem -> [(concept id, slots, exact)]; slots are frozensets of stems. A free pattern is
    #: filed under every stem of every slot (any word may come first); an exact one under its
    #: first slot's stems only.
    patterns: dict[str, list[tuple[str, tuple[frozenset, ...], bool]]] = field(default_factory=dict)
    #: stem -> (steps, its one-word concepts, stems any longer pattern needs, widest window); see _plan
    _plans: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)
    #: stem -> bit mask of the distinct slots it fills (bit numbers from _slot_bits), for match()
    _bits: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _slot_numbers: dict[frozenset, int] = field(default_factory=dict, repr=False, compare=False)
    #: The conditions' own names only (terms without a $class: "runner's knee", not "knee $pain stairs"):
    #: tells a condition the visitor named from one the lexicon read into a description.
    names: Lexicon | None = field(default=None, repr=False, compare=False)

    def _slot_bits(self) -> dict[str, int]:
        """Number every distinct slot; map each stem to the mask of the slots it fills."""
        numbers = self._slot_numbers
        bits: dict[str, int] = {}
        for candidates in self.patterns.values():
            for _, slots, _ in candidates:
                for slot in slots:
                    if slot not in numbers:
                        numbers[slot] = len(numbers)
                        for stem in slot:
                            bits[stem] = bits.get(stem, 0) | 1 << numbers[slot]
        self._bits = bits
        return bits

    def _plan(self, word: str) -> tuple:
        """What match() needs to know about the patterns starting at a word, worked out once.

        Each step is (concept id, slots, exact, window size, mask of its slots): a
        free pattern of several slots can only fill a window whose words' slot
        masks, OR-ed, cover its own mask (one int test instead of a set test per slot).
        """
        if self._bits is None:
            self._slot_bits()
        candidates = self.patterns[word]
        singles = list(dict.fromkeys(concept_id for concept_id, slots, _ in candidates if len(slots) == 1))
        others = frozenset().union(*(slot for _, slots, _ in candidates if len(slots) > 1 for slot in slots))
        reach = max(len(slots) for _, slots, _ in candidates) + self.window
        steps = []
        for concept_id, slots, exact in candidates:
            need = 0
            for slot in slots:
                need |= 1 << self._slot_numbers[slot]
            size = 0 if len(slots) == 1 else len(slots) if exact else len(slots) + self.window
            steps.append((concept_id, slots, exact, size, need))
        plan = self._plans[word] = (tuple(steps), singles, others, reach)
        return plan

    def match(self, stems: Sequence[str], stop: int | None = None) -> list[str]:
        """Concept ids found in a stemmed word sequence, in text order, repeats kept.

        A pattern matches when its slots are filled by distinct words of a
        window of len(slots) + window words; order within the window does not
        matter, so "elbow, on the inside" and "inside of the elbow" both match
        "$inner elbow". Each occurrence is counted once, at its leftmost word.
        An exact pattern ("^back $pain") matches only its words in order with
        nothing between, for words that mean something else a few words away
        ("back to running, and my knee hurts").
        ``stop``: only occurrences whose leftmost word comes before it (the
        window may read on), so an index build can reuse a text's matches
        when the text follows others.
        """
        found: list[str] = []
        patterns, plans = self.patterns, self._plans
        bits = self._bits if self._bits is not None else self._slot_bits()
        for i, word in enumerate(stems if stop is None else stems[:stop]):
            if word not in patterns:
                continue
            steps, singles, others, reach = plans.get(word) or self._plan(word)
            if others.isdisjoint(stems[i + 1:i + reach]):
                # No later word of the widest window is in any longer pattern: only the
                # one-word concepts can match (the common case, and much the cheapest).
                found.extend(singles)
                continue
            seen_here: set[str] = set()
            #: window size -> the slots its words fill (OR of their masks)
            covered: dict[int, int] = {}
            for concept_id, slots, exact, size, need in steps:
                if concept_id in seen_here:
                    continue
                if size:
                    if exact:
                        run = stems[i:i + size]
                        if len(run) < size or not all(w in slot for w, slot in zip(run, slots, strict=True)):
                            continue
                    else:
                        mask = covered.get(size)
                        if mask is None:
                            mask = 0
                            for other in stems[i:i + size]:
                                mask |= bits.get(other, 0)
                            covered[size] = mask
                        # Every slot needs a word of the window; most patterns fail here, before
                        # the exact (order-aware) assignment in _fills.
                        if mask & need != need or not _fills(slots, stems[i:i + size]):
                            continue
                found.append(concept_id)
                seen_here.add(concept_id)
        return found

    def by_kind(self, kind: str) -> list[Concept]:
        """Concepts of one kind, in file order."""
        return [c for c in self.concepts.values() if c.kind == kind]


def _fills(slots: tuple[frozenset, ...], words: Sequence[str]) -> bool:
    """True when the first word fills one slot and later words of the window fill the others."""
    for anchor_slot, slot in enumerate(slots):
        if words[0] not in slot:
            continue
        used = {0}
        for other, wanted in enumerate(slots):
            if other == anchor_slot:
                continue
            pos = next((j for j in range(1, len(words)) if j not in used and words[j] in wanted), None)
            if pos is None:
                break
            used.add(pos)
        else:
            return True
    return False


def _compile_term(term: str, classes: dict[str, frozenset], tokenize: Callable[[str], list[str]],
                  concept_id: str) -> tuple[frozenset, ...]:
    """A term's slots: each word stemmed, each $class expanded to its stems.

    A term of several words that stop-word removal leaves with one ("hurt since"
    -> hurt, "keep running" -> run) would fire on that one common word alone, so
    it is refused: the author writes the single word if that is meant.
    """
    slots: list[frozenset] = []
    literal: list[str] = []

    def flush() -> None:
        # Literal words are analysed as one phrase so phrase-level rules ("IT band") apply.
        slots.extend(frozenset({stem}) for stem in tokenize(" ".join(literal)))
        literal.clear()

    for part in term.split():
        if part.startswith("$"):
            name = part[1:]
            if name not in classes:
                raise LexiconError(f"concept {concept_id!r}: term {term!r} uses unknown class ${name}")
            flush()
            slots.append(classes[name])
        else:
            literal.append(part)
    flush()
    if not slots:
        raise LexiconError(f"concept {concept_id!r}: term {term!r} has no content words")
    if len(slots) == 1 and len(term.split()) > 1:
        raise LexiconError(f"concept {concept_id!r}: term {term!r} is only {sorted(slots[0])} without its "
                           "stop words; write that word alone, or add a content word")
    return tuple(slots)


def parse(data: dict, tokenize: Callable[[str], list[str]]) -> Lexicon:
    """Build a Lexicon from parsed TOML; ``tokenize`` is the analyzer's stemming step."""
    settings = data.get("settings", {})
    window = settings.get("window", 2)
    if not isinstance(window, int) or not 0 <= window <= 5:
        raise LexiconError("settings.window must be an integer from 0 to 5")
    classes: dict[str, frozenset] = {}
    for name, members in data.get("classes", {}).items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise LexiconError(f"class {name!r} must be a list of words")
        stems = frozenset(s for m in members for s in tokenize(m))
        if not stems:
            raise LexiconError(f"class {name!r} has no content words")
        classes[name] = stems
    concepts: dict[str, Concept] = {}
    lexicon = Lexicon(concepts, window)
    lexicon.names = names = Lexicon({}, window)
    for number, entry in enumerate(data.get("concept", []), 1):
        concept_id = entry.get("id")
        if not isinstance(concept_id, str) or not concept_id.isidentifier():
            raise LexiconError(f"concept #{number}: 'id' must be an identifier, got {concept_id!r}")
        if concept_id in concepts:
            raise LexiconError(f"concept {concept_id!r} is defined twice")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise LexiconError(f"concept {concept_id!r}: 'kind' must be one of {', '.join(KINDS)}")
        terms = entry.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            raise LexiconError(f"concept {concept_id!r}: 'terms' must be a non-empty list of strings")
        concept = Concept(concept_id, kind, entry.get("label", concept_id.replace("_", " ")),
                          entry.get("region"), entry.get("question"), entry.get("option"), tuple(terms),
                          entry.get("operation") is True)
        concepts[concept_id] = concept
        seen = set()
        for term in terms:
            exact = term.startswith("^")
            slots = _compile_term(term.removeprefix("^"), classes, tokenize, concept_id)
            if (slots, exact) in seen:
                continue
            seen.add((slots, exact))
            named = kind == "condition" and "$" not in term
            if named:
                names.concepts[concept_id] = concept
            for first in (slots[0] if exact else frozenset().union(*slots)):
                lexicon.patterns.setdefault(first, []).append((concept_id, slots, exact))
                if named:
                    names.patterns.setdefault(first, []).append((concept_id, slots, exact))
    for concept in concepts.values():
        if concept.region is not None and (concept.region not in concepts
                                           or concepts[concept.region].kind != "region"):
            raise LexiconError(f"concept {concept.id!r}: region {concept.region!r} is not a region concept")
    return lexicon


def load(path: str | os.PathLike, tokenize: Callable[[str], list[str]]) -> Lexicon:
    """Read and compile a lexicon file, with errors that name the file."""
    data = read_toml(path, LexiconError, "lexicon")
    try:
        return parse(data, tokenize)
    except LexiconError as exc:
        raise LexiconError(f"{path}: {exc}") from exc


@lru_cache(maxsize=1)
def default(tokenize: Callable[[str], list[str]]) -> Lexicon:
    """The bundled lexicon, compiled once per process."""
    return load(LEXICON_PATH, tokenize)
