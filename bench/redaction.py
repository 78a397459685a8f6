"""Redaction benchmark: precision and recall of bot/redact.py on a labelled message set.

Run from the project root:

    .venv/bin/python -m bench.redaction            # summary
    .venv/bin/python -m bench.redaction --misses   # also every miss and every word removed wrongly

The set (tests/data/redaction.jsonl, English and Spanish) marks each personal detail
of a message with its kind: name, phone, email, handle, id, address, date. Messages
with none are there to catch over-redaction ("I'm tired", "soy corredor", "surgery at
St. Mary's"). Words are compared before and after redaction (difflib alignment):

- recall: a detail counts as removed when none of its words is left;
- precision: of the words redaction removed, the share inside a marked detail.

Exit status 1 when recall on contact details or on self-introduced names, or
precision, is under 95% (the targets of issue 17).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from bot.redact import PLACEHOLDERS, redact

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "redaction.jsonl"
CONTACT_KINDS = ("phone", "email", "handle", "id", "address", "date")
TARGET = 0.95
TOKEN = re.compile(r"\[[a-z]+\]|\w+")


def tokens(text: str) -> list[re.Match]:
    """Words (and placeholders), with their positions."""
    return list(TOKEN.finditer(text))


def kept_words(text: str, redacted: str) -> list[bool]:
    """For each word of ``text``, whether it survives in ``redacted`` (aligned, case-insensitively)."""
    before = [m.group(0).lower() for m in tokens(text)]
    after = [m.group(0).lower() for m in tokens(redacted) if m.group(0) not in PLACEHOLDERS]
    kept = [False] * len(before)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            kept[block.a + offset] = True
    return kept


def score(rows: list[dict]) -> dict:
    """Recall by kind, precision overall, and the cases that went wrong."""
    found, total = defaultdict(int), defaultdict(int)
    removed = wrongly = 0
    misses, over = [], []
    for row in rows:
        text, redacted = row["text"], redact(row["text"])
        words, kept = tokens(text), kept_words(text, redacted)
        inside = [False] * len(words)
        for detail in row["pii"]:
            start = text.find(detail["text"])
            if start < 0:
                raise ValueError(f"{detail['text']!r} is not in {text!r}")
            end = start + len(detail["text"])
            covered = [i for i, w in enumerate(words) if w.start() >= start and w.end() <= end]
            for i in covered:
                inside[i] = True
            total[detail["kind"]] += 1
            if covered and not any(kept[i] for i in covered):
                found[detail["kind"]] += 1
            else:
                misses.append((detail["kind"], text, redacted))
        for i, word in enumerate(words):
            if not kept[i]:
                removed += 1
                if not inside[i]:
                    wrongly += 1
                    over.append((word.group(0), text, redacted))
    contact = sum(found[k] for k in CONTACT_KINDS), sum(total[k] for k in CONTACT_KINDS)
    return {
        "messages": len(rows),
        "by_kind": {kind: (found[kind], total[kind]) for kind in sorted(total)},
        "contact_recall": contact[0] / contact[1] if contact[1] else 1.0,
        "name_recall": found["name"] / total["name"] if total["name"] else 1.0,
        "precision": (removed - wrongly) / removed if removed else 1.0,
        "words_removed": removed,
        "misses": misses,
        "over": over,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DATA, help="labelled JSONL set")
    parser.add_argument("--misses", action="store_true", help="list misses and over-redactions")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = score(rows)
    languages = sorted({row.get("lang", "?") for row in rows})
    print(f"{result['messages']} messages ({', '.join(languages)}), "
          f"{sum(t for _, t in result['by_kind'].values())} marked details")
    for kind, (found, total) in result["by_kind"].items():
        print(f"  {kind:8} {found}/{total} removed")
    print(f"recall, contact details: {result['contact_recall']:.1%}")
    print(f"recall, introduced names: {result['name_recall']:.1%}")
    print(f"precision: {result['precision']:.1%} ({result['words_removed']} words removed, "
          f"{len(result['over'])} outside a marked detail)")
    if args.misses:
        for kind, text, redacted in result["misses"]:
            print(f"MISS {kind}: {text!r} -> {redacted!r}")
        for word, text, redacted in result["over"]:
            print(f"OVER {word!r}: {text!r} -> {redacted!r}")
    ok = min(result["contact_recall"], result["name_recall"], result["precision"]) >= TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
