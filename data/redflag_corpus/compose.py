"""Build the English red-flag training corpus from hand-written sources.

Why a script: the hand-written messages live in ``hand/en_*.txt`` as one line per
message under a header naming family, presentation, level and source, which is
far easier to review than repeating every field in JSONL. This script turns
them into the contract's JSONL records and adds a minority of *composed*
records for three structural patterns (the flag buried after a long
musculoskeletal story, a question about exercises at the end, realistic typos).
The same stories, questions and typo noise are applied to routine messages
too, so a learner cannot treat "long story" or "asks about stretches" as a
red-flag cue. Standard library only, fixed seeds: the output is byte-stable, and
each presentation draws from its own seeded generator (``rng_for``), so adding
rows to one presentation leaves every other presentation's composed rows as they were.

Usage: python3 data/redflag_corpus/compose.py   (writes en_redflags.jsonl and
en_routine.jsonl next to this file).
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261206
COMPOSED_SHARE = 0.6  # composed records per hand-written record (keeps share < 40%)
MAX_WORDS = 120
NEGATED_COMPOSED = 90  # composed routine negation lists, ten per family

LEVELS = {"E": "emergency", "U": "urgent", "R": "routine"}
PATTERNS = {
    "p": "plain",
    "l": "lay",
    "c": "clinical",
    "t": "typo",
    "u": "understated",
    "b": "buried",
    "e": "exercise_question",
    "pa": "parent",
    "tp": "third_person",
    "n": "negated",
}
CORE_PATTERNS = {"plain", "lay", "clinical", "understated", "parent", "third_person", "negated"}

SOURCES_FILE = HERE / "hand" / "sources_en.txt"
PARTS_FILE = HERE / "hand" / "parts_en.txt"


def read_sources() -> dict[str, str]:
    """Map short source keys to 'Publisher, title, URL' strings."""
    sources = {}
    for line in SOURCES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, text = line.partition("=")
            sources[key.strip()] = text.strip()
    return sources


def read_parts() -> dict[str, list[str]]:
    """Hand-written stories, connectors and questions used for composition."""
    parts: dict[str, list[str]] = {}
    current = None
    for line in PARTS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            parts[current] = []
        elif line.strip() and not line.startswith("#") and current:
            parts[current].append(line.rstrip())
    return parts


def parse_hand(path: Path, sources: dict[str, str]) -> list[dict]:
    """Parse one hand file: '@ family/presentation LEVEL source [lookalike=fam]' then 'code| text'."""
    records = []
    header = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            fields = line[1:].split()
            family, presentation = fields[0].split("/")
            extra = dict(f.split("=", 1) for f in fields[3:])
            if fields[2] not in sources:
                raise SystemExit(f"{path.name}:{number}: unknown source {fields[2]}")
            header = {
                "family": family,
                "presentation": presentation,
                "label": LEVELS[fields[1]],
                "source": sources[fields[2]],
                "lookalike_of": extra.get("lookalike"),
            }
            continue
        code, sep, text = line.partition("|")
        if not sep or header is None or code.strip() not in PATTERNS:
            raise SystemExit(f"{path.name}:{number}: bad line {line[:60]!r}")
        records.append(make_record(header, text.strip(), PATTERNS[code.strip()]))
    return records


def make_record(header: dict, text: str, pattern: str) -> dict:
    """One JSONL record in the contract's field order."""
    record = {
        "text": text,
        "label": header["label"],
        "family": header["family"],
        "presentation": header["presentation"],
    }
    if header["family"] == "routine":
        record["lookalike_of"] = header["lookalike_of"]
    record.update({"lang": "en", "pattern": pattern, "source": header["source"]})
    return record


NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "y": "tu",
}
SHORTHAND = {
    "you": "u", "your": "ur", "are": "r", "because": "cos", "please": "pls", "really": "rly",
    "tonight": "2nite", "to": "2", "know": "kno", "though": "tho", "about": "abt",
    "something": "smth", "with": "w", "and": "n", "don't": "dont", "can't": "cant",
    "I'm": "im", "it's": "its", "doesn't": "doesnt", "won't": "wont", "hospital": "hosp",
}


def typo_word(word: str, rng: random.Random) -> str:
    """Introduce one realistic slip into a word of four letters or more."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "neighbour"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    near = NEIGHBOURS.get(word[i].lower())
    return word[:i] + rng.choice(near) + word[i + 1:] if near else word


def add_typos(text: str, rng: random.Random) -> str:
    """Realistic noise: slips in a few words, text-speak, dropped capitals and apostrophes."""
    words = text.split(" ")
    slots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    for i in rng.sample(slots, min(len(slots), rng.randint(1, 3))):
        words[i] = typo_word(words[i], rng)
    if rng.random() < 0.5:
        words = [SHORTHAND.get(w, w) if rng.random() < 0.6 else w for w in words]
    out = " ".join(words)
    if rng.random() < 0.6:
        out = out.lower()
    if rng.random() < 0.4:
        out = out.replace("'", "")
    if rng.random() < 0.3:
        out = out.rstrip(".?!")
    return out


def lower_first(text: str) -> str:
    """Lower-case the first letter unless it is 'I' or an acronym."""
    first = text.split(" ", 1)[0]
    if first in {"I", "I'm", "I've", "I'd", "I'll"} or first.isupper():
        return text
    return text[:1].lower() + text[1:]


def rng_for(*key: str) -> random.Random:
    """A generator seeded by the build seed and one presentation's key, independent of every other key.

    A string seed is hashed with SHA-512 by ``random.seed`` (version 2), never with ``hash()``, so it
    does not depend on PYTHONHASHSEED.
    """
    return random.Random("/".join((str(SEED), *key)))


def compose(core: dict, kind: str, parts: dict[str, list[str]], rng: random.Random) -> dict | None:
    """Wrap a hand-written core message into a buried, exercise_question or typo record."""
    text = core["text"]
    if kind in ("buried", "typo") and core["pattern"] == "clinical":
        return None  # a clinician's shorthand neither follows a chatty story nor reads like a rushed text
    if kind == "exercise_question" and "?" in text:
        return None  # the message already ends with its own question
    if kind == "buried":
        connector = rng.choice(parts["connectors"]) if rng.random() < 0.7 else ""
        body = lower_first(text) if connector and not connector.endswith(":") else text
        new = " ".join(piece for piece in (rng.choice(parts["stories"]), connector, body) if piece)
    elif kind == "exercise_question":
        new = f"{text.rstrip()} {rng.choice(parts['questions'])}"
    else:
        new = add_typos(text, rng)
    if len(new.split()) > MAX_WORDS or new == text:
        return None
    return dict(core, text=new, pattern=kind, _core=text)


def composed_for(group: list[dict], parts, rng: random.Random, seen: set[str]) -> list[dict]:
    """Composed records for one presentation: about 0.6 per hand-written one."""
    cores = [r for r in group if r["pattern"] in CORE_PATTERNS and len(r["text"].split()) <= 50]
    if not cores:
        return []
    wanted = int(len(group) * COMPOSED_SHARE)
    kinds = ["buried", "exercise_question", "typo"]
    out = []
    attempts = 0
    while len(out) < wanted and attempts < wanted * 20:
        attempts += 1
        record = compose(rng.choice(cores), kinds[len(out) % 3], parts, rng)
        if record and record["text"].lower() not in seen:
            seen.add(record["text"].lower())
            out.append(record)
    return out


def compose_negated(parts, sources: dict[str, str], rng: random.Random, seen: set[str], wanted: int) -> list[dict]:
    """Routine lists of what is absent ("no fever, bladder fine") around an ordinary complaint."""
    families = sorted(k[4:] for k in parts if k.startswith("neg_"))
    header = {"family": "routine", "presentation": "negated_list", "label": "routine",
              "source": sources["cks_lbp_routine"]}
    out = []
    attempts = 0
    while len(out) < wanted and attempts < wanted * 20:
        attempts += 1
        family = families[len(out) % len(families)]
        negs = rng.sample(parts[f"neg_{family}"], rng.randint(2, 4))
        complaint = rng.choice(parts[f"cmp_{family}"])
        listed = ", ".join(negs)
        if rng.random() < 0.5:
            text = f"{complaint} {listed[:1].upper()}{listed[1:]}."
        else:
            text = f"{listed[:1].upper()}{listed[1:]}. {complaint}"
        if text.lower() not in seen:
            seen.add(text.lower())
            out.append(dict(make_record(dict(header, lookalike_of=family), text, "negated"), _core=complaint))
    return out


def build() -> dict[str, list[dict]]:
    """Read every hand file, add composed records, split red flags from routine."""
    sources = read_sources()
    parts = read_parts()
    hand = []
    for path in sorted((HERE / "hand").glob("en_*.txt")):
        hand.extend(parse_hand(path, sources))
    seen = set()
    unique = []
    for record in hand:
        if record["text"].lower() not in seen:
            seen.add(record["text"].lower())
            unique.append(record)
    groups: dict[tuple, list[dict]] = {}
    for record in unique:
        groups.setdefault((record["family"], record["presentation"]), []).append(record)
    composed = []
    for key in sorted(groups):
        composed.extend(composed_for(groups[key], parts, rng_for(*key), seen))
    composed.extend(compose_negated(parts, sources, rng_for("routine", "negated_list"), seen, NEGATED_COMPOSED))
    everything = unique + composed
    for label in ("red flag", "routine"):
        pick = [r for r in unique if (r["label"] == "routine") == (label == "routine")]
        made = [r for r in composed if (r["label"] == "routine") == (label == "routine")]
        print(f"{label}: {len(pick)} hand-written, {len(made)} composed")
    return {
        "en_redflags.jsonl": [r for r in everything if r["label"] != "routine"],
        "en_routine.jsonl": [r for r in everything if r["label"] == "routine"],
    }


def public(record: dict) -> dict:
    """The record as the contract defines it (without the private core reference)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def check(built: dict[str, list[dict]]) -> None:
    """Refuse to write a corpus that breaks the contract (the trainer may read it at any commit)."""
    spec = importlib.util.spec_from_file_location("validate_en", HERE / "validate_en.py")
    validate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(validate)
    bad = [f"{r['text'][:60]!r}: {p}" for rows in built.values() for r in rows for p in validate.problems(public(r))]
    if bad:
        raise SystemExit("not written, contract broken:\n" + "\n".join(bad))


def main() -> None:
    """Write the two JSONL files, the composed-record index, and say how many records each holds."""
    index = ["file\tline\tcore"]
    built = build()
    check(built)
    for name, records in built.items():
        lines = [json.dumps(public(r), ensure_ascii=False) for r in records]
        (HERE / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        index += [f"{name}\t{n}\t{r['_core']}" for n, r in enumerate(records, 1) if "_core" in r]
        print(f"{name}: {len(records)}")
    # Which hand-written sentence each composed record was built from: group by it for honest CV.
    (HERE / "composed_cores_en.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
