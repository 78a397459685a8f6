"""Screen outcomes saved before a speed change and compared after it: a speed-up must change no verdict.

Run from the project root (after `clinicbot train-redflags`):

    .venv/bin/python -m bench.screen_snapshot save /tmp/before.json   # on the code before the change
    .venv/bin/python -m bench.screen_snapshot check /tmp/before.json  # after it: exit 1 on any difference

Every corpus row (data/redflag_corpus/*.jsonl), the test phrasings and
look-alikes (tests/data/redflag_{families,ordinary,phrasings}.jsonl, never a
held-out set), each corpus row placed inside a 2,000-character story of
routine rows, and 600 stories mixed from both, are screened by the rules alone
and with the bundled model; level, rule ids, categories, lead, family, source,
learned score and message must all be equal. A few minutes on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from bot import redflag_model as rm
from bot import triage

ROOT = Path(__file__).resolve().parent.parent
PHRASINGS = [ROOT / "tests" / "data" / f"redflag_{name}.jsonl" for name in ("families", "ordinary", "phrasings")]


def messages() -> list[str]:
    """The messages screened: corpus and test rows as written, then long stories built from them (seeded)."""
    rows = rm.load_corpus(rm.corpus_files([rm.CORPUS_DIR]))
    corpus = [r["text"] for r in rows]
    routine = [r["text"] for r in rows if r["label"] == "routine"]
    tests = [json.loads(line)["text"] for path in PHRASINGS if path.exists()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    stories = []
    for text in corpus:  # each row somewhere inside a routine story
        parts: list[str] = []
        while sum(map(len, parts)) < 1900 - len(text):
            parts.append(rng.choice(routine))
        parts.insert(rng.randrange(len(parts) + 1), text)
        stories.append(" ".join(parts))
    for _ in range(600):
        parts = []
        while sum(map(len, parts)) < 2000:
            parts.append(rng.choice(routine if rng.random() < 0.7 else corpus))
        stories.append(" ".join(parts)[:2000])
    return list(dict.fromkeys(corpus + tests)) + stories


def outcome(result: triage.Triage) -> list:
    """Everything a Triage says, as JSON."""
    return [result.level, result.rule_ids, result.categories, result.lead, result.family, result.source,
            result.learned_score, result.message]


def main(argv: list[str] | None = None) -> int:
    """Save the outcomes, or compare them with saved ones; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("save", "check"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    model = rm.load_default()
    texts = messages()
    got = [[outcome(triage.screen(t, learned=False)), outcome(triage.screen(t, learned=model or False))]
           for t in texts]
    if args.mode == "save":
        args.path.write_text(json.dumps({"messages": texts, "outcomes": got}), encoding="utf-8")
        print(f"{len(texts)} messages saved to {args.path}")
        return 0
    saved = json.loads(args.path.read_text(encoding="utf-8"))
    if saved["messages"] != texts:
        print("the message list differs from the saved one: save again on the old code")
        return 1
    differ = [i for i, (old, new) in enumerate(zip(saved["outcomes"], got, strict=True)) if old != new]
    print(f"{len(texts)} messages, {len(differ)} differences")
    for i in differ[:10]:
        print(f"  {texts[i][:100]!r}\n    before {saved['outcomes'][i]}\n    after  {got[i]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
