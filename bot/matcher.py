"""Turn section scores into a short, diverse, ranked list of results."""

from __future__ import annotations

from dataclasses import dataclass

#: Below this cosine score the best section is not considered an answer.
#: Measured on the dev set (see bench/quality.py): unanswerable questions top out
#: well below the scores of answerable ones.
MIN_SCORE = 0.08
#: A post stays in the running when its best section scores at least this share
#: of the overall best.
RELATIVE_FLOOR = 0.35
MAX_PER_POST = 2


@dataclass(frozen=True)
class Match:
    """One ranked section."""

    section_id: int
    score: float


@dataclass(frozen=True)
class Ranking:
    """Ranked sections and whether they amount to an answer."""

    matches: list[Match]
    best_score: float

    @property
    def matched(self) -> bool:
        """True when the best section clears the answer threshold."""
        return bool(self.matches) and self.best_score >= MIN_SCORE


def rank(index, message: str, limit: int = 5) -> Ranking:
    """Rank sections for a message: best section per plausible post first, then more.

    The first pass takes each post's best section in post order, so two plausible
    posts both appear before a second section of either; the second pass fills
    the remaining places with further sections, at most MAX_PER_POST per post.
    """
    candidates = index.search(message, k=max(50, limit * 10))
    if not candidates:
        return Ranking([], 0.0)
    best = candidates[0][1]
    floor = best * RELATIVE_FLOOR
    per_post: dict[str, int] = {}
    first: list[Match] = []
    rest: list[Match] = []
    for section_id, score in candidates:
        if score < floor:
            break
        post = index.sections[section_id]["post_guid"]
        count = per_post.get(post, 0)
        if count >= MAX_PER_POST:
            continue
        per_post[post] = count + 1
        (first if count == 0 else rest).append(Match(section_id, score))
    return Ranking((first + rest)[:limit], best)
