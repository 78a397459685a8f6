"""Turn section scores into a short, diverse, ranked list of results, or an honest "nothing".

Three decisions live here:

1. Aggregation: sections are scored by the index (saturated term weights, so a short
   section dense with one of the message's words does not outrank a fuller one, see
   index/search.py saturate; the cosine is kept for thresholds); a post is as good as its best
   section plus a little for a second good one (a post with two relevant
   sections is more likely about the complaint than one with a passing mention).
2. Diversity: when two or more posts are plausible (their scores within
   PLAUSIBLE of the best) each gets its best section near the top, before a
   second section of any; when one post dominates, its best sections come first. An
   answer shows one card per post with its other sections as links (bot/cards.py), so
   the first plausible posts keep few enough sections that each plausible post's card
   starts within the first FIRST_SHOWN sections shown.
3. Abstention: a message is not answered when its best score is below
   MIN_SCORE, or when it names a condition or service the clinic's posts do
   not discuss and nothing they do (see ``uncovered``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from index import analysis

#: Below this (length-weighted cosine) score the best section is not considered an answer.
#: Calibrated on the dev set with bench/quality.py: answerable messages score above it,
#: off-topic ones ("do you sell gift cards?") below.
MIN_SCORE = 0.10
#: A post is plausible when its score is at least this share of the best post's.
PLAUSIBLE = 0.80
#: Sections of one post shown at most.
MAX_PER_POST = 3
#: Weight of a post's second-best section in its score.
SECOND_SECTION = 0.15
#: Weight of the within-post score (see within_post).
LOCAL_WEIGHT = 1.0
#: Weight of the cosine between the message and a section's own heading (within a post).
HEADING_BOOST = 1.0
#: Weight of the share of the message's telling terms a section contains at all (within a post).
PRESENCE_WEIGHT = 0.5
#: How many of the best posts get the within-post re-scoring (the rest are not shown first).
LOCAL_POSTS = 4
#: A section scoring below this share of the best one is not shown: a list stops where relevance
#: stops instead of padding to the limit with passing mentions ("propped up on your elbow").
RELEVANCE_FLOOR = 0.25
#: Weight of a post's whole-post cosine (index/context.py post_matrix) in its score: a question
#: whose words are spread over a post's title and several sections meets the post as a whole.
POST_SHARE = 0.25
#: Sections a visitor sees first. An answer shows one card per post, its other sections as links under
#: it (bot/cards.py), so a dominant first card's links would push a plausible second post's best
#: section down the page: when several posts are plausible, the first of them keep few enough
#: sections that each of the first FIRST_SHOWN plausible posts has its best section among the first
#: FIRST_SHOWN shown. 0 turns this off (the bench's ablation row).
FIRST_SHOWN = 3
#: Kinds of lexicon concept that name what a message is about.
SUBJECT_KINDS = ("condition", "service")


@dataclass(frozen=True)
class Match:
    """One ranked section."""

    section_id: int
    score: float


@dataclass(frozen=True)
class Ranking:
    """Ranked sections, whether they amount to an answer, and what the message was understood to name."""

    matches: list[Match]
    best_score: float
    concepts: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)

    #: True when the message names a condition or body region the clinic's posts cover.
    names_covered_condition: bool = False

    @property
    def matched(self) -> bool:
        """True when the subject is one the blog covers and the best section clears the threshold.

        A message that names a covered condition, or a region the posts have a
        heading about, is answered whatever its score ("my back hurts when I bend
        to pick things up", to a blog about backs): a long, chatty description ("on long hikes the outer side of my
        knee gets so sharp I have to limp back to the car") dilutes the cosine
        but still says what it is about.
        """
        if not self.matches or self.uncovered:
            return False
        return self.best_score >= MIN_SCORE or self.names_covered_condition


def uncovered(index, concepts: list[str], stems: Sequence[str] | None = None,
              best_section: int | None = None) -> list[str]:
    """The conditions and services a message names that the clinic's posts do not discuss.

    Only reported when nothing else in the message is covered either: "I have
    flat feet and my shins hurt when I run" still gets the shin-splints article,
    "do you make custom orthotics for flat feet?" does not get a random one. A
    region counts as covered evidence only when it is not the region of the
    uncovered condition itself ("plantar wart on the bottom of my foot" is about
    the wart, not about feet in general), never for an operation behind the visitor ("I had a
    knee replacement and my knee aches going downhill": the knee posts answer what it feels like
    now), and only when the visitor named the
    condition (``stems``, the message's corrected stems, say so): "my knee hurts
    on stairs" is read as patellofemoral pain, but the visitor described a knee,
    and a blog with a knee post answers it. A covered condition or care topic
    rescues anything (the "not discussed" answer never refuses a message that
    also names what the blog covers); a covered service rescues an uncovered
    condition, never another service.

    ``best_section``: the section that ranks first for the message. A condition it names is
    discussed there, however rarely elsewhere ("glutes" under a pelvic-health post's heading
    "Strengthen your gluteals"): saying the blog does not discuss it would be untrue, so the
    score threshold decides. Services still need a heading (``Index.covers``): a passing
    "I had tried acupuncture" is no offer.
    """
    lexicon = analysis.lexicon()
    named = [lexicon.concepts[c] for c in dict.fromkeys(concepts)]
    missing = [c for c in named if c.kind in SUBJECT_KINDS and not index.covers(c.id)
               and not (c.kind == "condition" and names_in_section(index, c, best_section))]
    if not missing:
        return []
    said = set(lexicon.names.match(stems)) if stems is not None and lexicon.names is not None else None
    own_regions = {c.region for c in missing
                   if c.region and not c.operation and (said is None or c.kind != "condition" or c.id in said)}
    # A visitor may name a condition the blog lacks while asking about something it covers
    # ("just got over a calf strain, how do I ease back into running", "flip-flops all summer
    # and now my heel hurts" to a blog with a post on flip-flops): any covered topic or service
    # rescues it. A service the clinic never mentions is rescued by a covered condition, region or
    # care topic ("exercises to do at home after dry needling" to a blog on home exercise), never by
    # another service ("insurance for acupuncture").
    only_conditions = all(c.kind == "condition" for c in missing)
    for concept in named:
        if concept in missing or not index.covers(concept.id):
            continue
        if concept.kind in ("condition", "topic") or (only_conditions and concept.kind == "service"):
            return []
        if concept.kind == "region" and concept.id not in own_regions:
            return []
    return [c.id for c in missing]


def names_in_section(index, concept, section_id: int | None) -> bool:
    """True when the section's own vector has the concept's token (its text names the concept)."""
    if section_id is None or not hasattr(index, "matrix_csc"):
        return False
    column = index.columns([concept.token])[0]
    return column is not None and index.matrix_csc[section_id, column] > 0


def order(index, candidates: list[tuple[int, float]], limit: int,
          adjusted: dict[int, float] | None = None, post_level: np.ndarray | None = None) -> list[Match]:
    """Aggregate sections into posts and interleave plausible posts; see the module docstring.

    Posts are ranked by their sections' own scores plus POST_SHARE x ``post_level``
    (each post's whole-post score); ``adjusted`` (from within_post) only reorders
    sections inside a post.
    """
    post_of = index.section_posts
    if candidates:
        floor = RELEVANCE_FLOOR * candidates[0][1]
        candidates = [pair for pair in candidates if pair[1] >= floor]
    by_post: dict[int, list[tuple[int, float]]] = {}
    for section_id, score in candidates:
        by_post.setdefault(int(post_of[section_id]), []).append((section_id, score))
    post_scores = {}
    for post, sections in by_post.items():
        second = sections[1][1] if len(sections) > 1 else 0.0
        post_scores[post] = sections[0][1] + SECOND_SECTION * second
        if post_level is not None:
            post_scores[post] += POST_SHARE * float(post_level[post])
        if adjusted:
            sections.sort(key=lambda pair: -adjusted.get(pair[0], pair[1]))

    def post_score(sections: list[tuple[int, float]]) -> float:
        return post_scores[int(post_of[sections[0][0]])]

    posts = sorted(by_post.values(), key=post_score, reverse=True)
    if not posts:
        return []
    top = post_score(posts[0])
    plausible = [p for p in posts if post_score(p) >= PLAUSIBLE * top]
    others = [p for p in posts if post_score(p) < PLAUSIBLE * top]
    plausible = leads_first(plausible)
    out: list[Match] = []
    # Round-robin over plausible posts: best sections first, then second sections, ...
    for depth in range(MAX_PER_POST):
        for sections in plausible:
            if depth < len(sections):
                out.append(Match(*sections[depth]))
    # The plausible posts' sections never fill the whole list while other posts match:
    # one dominant post leaves room for two alternatives, several plausible ones for one.
    if others:
        room = min(len(others), 2 if len(plausible) == 1 else 1)
        out = out[:max(len(plausible), limit - room)]
    out += [Match(*p[0]) for p in others]
    return out[:limit]


def section_budgets(plausible: int) -> list[int]:
    """How many sections each of the first plausible posts may keep so every plausible post's card starts
    within the first FIRST_SHOWN sections shown (one card per post, its links under it); the rest keep all.

    Two plausible posts: the first keeps 2 (its best and one link), the second's card is third.
    Three or more: the first two keep their best section only.
    """
    n = min(plausible, FIRST_SHOWN)
    if n < 2:
        return []
    budgets, used = [], 0
    for i in range(n - 1):
        budgets.append(max(1, FIRST_SHOWN - used - (n - 1 - i)))
        used += budgets[-1]
    return budgets


def leads_first(plausible: list[list[tuple[int, float]]]) -> list[list[tuple[int, float]]]:
    """The plausible posts' sections, the first ones cut to their budgets (section_budgets)."""
    budgets = section_budgets(len(plausible))
    return [sections[:budgets[i]] if i < len(budgets) else sections for i, sections in enumerate(plausible)]


def within_post(index, query, candidates: list[tuple[int, float]], base=None) -> dict[int, float]:
    """Re-score sections by the query words that tell a post's sections apart.

    Every section of the shin-splints post says "shin splints"; what picks
    "Can I keep running while treating shin splints?" out of them is "keep
    running". Each query term is weighted by the share of the post's sections
    that lack it (a term in every section weighs 0). With those "telling"
    weights a section earns three things, added to its own score (scaled by
    its length prior):

    - LOCAL_WEIGHT times the dot product of its vector with them;
    - HEADING_BOOST times the same over its own heading, so a heading that
      repeats the condition every heading of the post names earns nothing,
      one that names what the visitor asked ("Previous Injury") does;
    - PRESENCE_WEIGHT times the share of the telling weight whose terms it
      contains at all, so a long section that answers the question ("sessions
      ... 5 to 7 days apart") is not outscored by a definition that merely
      repeats the condition's name more densely.

    Post-level ranking is unaffected: only the order of sections inside a post changes.
    ``base``: each section's score under the concept reading alone (the candidates'
    own scores when None), what the within-post score is added to.
    """
    if query.nnz == 0:
        return {}
    cols, weights = query.indices, query.data
    columns = index.matrix_csc[:, cols].toarray()
    heading_columns = index.headings[:, cols].toarray() if index.headings is not None else None
    by_post: dict[int, None] = {}
    for section_id, _ in candidates:
        by_post.setdefault(int(index.section_posts[section_id]), None)
        if len(by_post) >= LOCAL_POSTS:
            break
    local: dict[int, float] = {}
    for post in by_post:
        rows = index.rows_of_post(post).tolist()
        block = columns[rows]
        share_without = 1.0 - (block > 0).mean(axis=0)
        telling = weights * share_without
        values = LOCAL_WEIGHT * (block @ telling)
        total = float(telling.sum())
        if total > 0:
            values += PRESENCE_WEIGHT * ((block > 0) @ telling) / total
        if heading_columns is not None:
            values += HEADING_BOOST * (heading_columns[rows] @ telling)
        local.update(zip(rows, values.tolist(), strict=True))
    adjusted = {}
    for sid, score in candidates:
        own = score if base is None else float(base[sid])
        adjusted[sid] = own + float(index.prior[sid]) * local.get(sid, 0.0)
    return adjusted


def one_passage_per_section(index, candidates: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The best passage of each long section, the others dropped (candidates come best first).

    Three passages of one long post are one answer, not three: the list shows
    the passage that matched best and leaves room for other sections.
    """
    groups = getattr(index, "section_groups", None)
    if groups is None:
        return candidates
    seen: set[int] = set()
    kept = []
    for section_id, score in candidates:
        group = int(groups[section_id])
        if group not in seen:
            seen.add(group)
            kept.append((section_id, score))
    return kept


def names_covered_subject(index, concept) -> bool:
    """A condition the posts cover, or a body region one of their headings names.

    A region needs a heading: a back-pain blog whose pregnancy posts mention
    swollen feet in passing has nothing to say about the bottom of the foot.
    """
    if concept.kind == "condition":
        return index.covers(concept.id)
    return concept.kind == "region" and bool(index.coverage.get(concept.id, {}).get("headed"))


def rank(index, message: str, limit: int = 5, reading: analysis.Reading | None = None) -> Ranking:
    """Rank sections for a message and decide whether that is an answer.

    ``reading``: the message already read against this index (analysis.read), so it is not read again.
    """
    reading = reading if reading is not None else analysis.read(message, index)
    query = index.terms_vector(reading.terms)
    concepts = list(query.concepts)
    # Which sections and posts: the concept reading blended with plain TF-IDF; which section of a
    # post: the concept reading alone (within_post), where the lexicon's reading tells sections apart.
    blended = index.blend(query)
    candidates = index.search_vector(blended, k=max(50, limit * 10))
    candidates = one_passage_per_section(index, candidates)
    missing = uncovered(index, concepts, reading.corrected_stems, candidates[0][0] if candidates else None)
    if not candidates:
        return Ranking([], 0.0, concepts, missing)
    # The saturated scores (index/search.py saturate) choose and order sections; every threshold
    # (MIN_SCORE here, the desk's and the conversation's) reads the plain cosine it was calibrated on.
    cosine = index.vector_scores(blended)
    best = float(cosine.max())
    adjusted = within_post(index, query, candidates, index.vector_scores(query))
    lexicon = analysis.lexicon()
    named = any(names_covered_subject(index, lexicon.concepts[c]) for c in concepts)
    post_level = index.post_scores(blended) if POST_SHARE else None
    matches = [Match(m.section_id, float(cosine[m.section_id]))
               for m in order(index, candidates, limit, adjusted, post_level)]
    return Ranking(matches, best, concepts, missing, named)

