"""Spanish vocabulary coverage: the share of content words the Spanish gloss drops (issue 19).

    .venv/bin/python -m bench.coverage_es [--list] [--corpus FILE]

Reads bench/data/coverage_es.txt, everyday Spanish messages to a PT/osteopathy
clinic over the topics its posts cover (written for this bench, unlabelled; '#'
lines are topic headers). A content word (not a stop word) that index/spanish.py
``understood`` says ``gloss`` drops is counted; ``--list`` prints them by frequency,
then the words the corrector read as another (a typo put right, or a wrong guess).
bench/data/coverage_es_b.txt was written after words were added from the first
corpus's misses; bench/data/coverage_es_c.txt was written after that and is never
added from (nor listed: run it without ``--list``): it checks that they generalise.
bench/data/coverage_es_d.txt (session 10) was written by a helper who read no vocabulary
or corpus file, and nobody watched it while the vocabulary grew: the honest figure.
``--corpus`` also takes a tuning file (``.jsonl``, e.g. bench/data/tuning_es_kibworth_2.jsonl).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bot.evaluate import load_queries
from index import spanish

CORPUS = Path(__file__).resolve().parent / "data" / "coverage_es.txt"


def messages(path: Path = CORPUS) -> list[str]:
    """The corpus's messages, headers and blank lines left out; of a ``.jsonl`` queries file, its rows' queries."""
    if path.suffix == ".jsonl":
        return [row["query"] for row in load_queries(path)]
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def dropped(texts: list[str]) -> tuple[int, Counter, Counter]:
    """Number of content words in ``texts``, the ones the gloss drops and the ones it reads as another
    word (misspellings put right, but also unknown words "corrected" into a known one: review these)."""
    stop, content, lost, changed = spanish.stop_words(), 0, Counter(), Counter()
    for text in texts:
        names = spanish.proper_names(text)
        for word in spanish.read_tokens(text):
            if word in stop or word in spanish.times.ENGLISH_TIME:
                continue
            content += 1
            if not spanish.understood(word, names=names):
                lost[word] += 1
            elif (corrected := spanish.corrected(word, names)) != word:
                changed[f"{word}->{corrected}"] += 1
    return content, lost, changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the dropped words by frequency")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="messages to read (default: %(default)s)")
    args = parser.parse_args(argv)
    texts = messages(args.corpus)
    content, lost, changed = dropped(texts)
    total = sum(lost.values())
    print(f"{len(texts)} messages, {content} content words, {total} dropped "
          f"({total / max(content, 1):.1%}), {len(lost)} distinct; {sum(changed.values())} read as another word")
    if args.list:
        for word, count in [*lost.most_common(), *changed.most_common()]:
            print(f"{count:4d}  {word}")


if __name__ == "__main__":
    main()
