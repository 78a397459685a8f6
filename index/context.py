"""What a section means in its post: repeated headings read through the title, and whole-post vectors.

Two build-time facts that no single section carries:

- A heading that many posts share ("Diagnosis", "Risk Factors", "Treatment",
  "Exercises"), and the text before a post's first heading, say nothing of
  the subject: "Treatment" under a knee post is knee treatment. Such sections
  get their post title's terms weighted like a heading (title_rows).
- A post is more than its best section: a question whose words are spread
  over a post's title and several of its sections ("my teenage daughter ...
  stiff neck", to a post on teenagers' health with a section on phones) meets
  the whole post better than any one section. post_matrix gives each post the
  normalised sum of its sections' vectors, so the matcher can add a post-level
  cosine to a post's best sections (bot/matcher.py).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

#: A heading shared by at least this many posts is generic: its sections read through their title.
REPEATED_HEADING_POSTS = 2
#: The title's weight in a generic section's vector, in place of DEFAULT_WEIGHTS["title"]: a heading's.
REPEATED_TITLE_WEIGHT = 1.0
#: Whether a post's intro (text before any h2/h3, and the passages of a post without headings)
#: counts as generic: it has no heading of its own, so its title is its heading.
INTRO_IS_GENERIC = False

_NON_WORD = re.compile(r"[\W_]+")


def heading_key(heading: str | None) -> str:
    """A heading as compared across posts: folded case, accents and punctuation ("Risk factors:" = "Risk Factors")."""
    text = unicodedata.normalize("NFKD", heading or "")
    return _NON_WORD.sub(" ", text.encode("ascii", "ignore").decode().lower()).strip()


def generic_rows(sections) -> np.ndarray:
    """True for each section whose own heading repeats across posts (or that has none, see INTRO_IS_GENERIC)."""
    posts_of: dict[str, set] = {}
    keys = []
    for section in sections:
        key = heading_key(section.get("heading"))
        keys.append(key)
        if key:
            posts_of.setdefault(key, set()).add(section["post_guid"])
    return np.array([len(posts_of.get(key, ())) >= REPEATED_HEADING_POSTS if key else INTRO_IS_GENERIC
                     for key in keys], dtype=bool)


def title_rows(sections, title_weight: float) -> np.ndarray | None:
    """Per-section multiplier of the title field: REPEATED_TITLE_WEIGHT / title_weight on generic rows, else 1.

    None when nothing changes (no generic rows, or the generic weight is the title's own).
    """
    if not title_weight or REPEATED_TITLE_WEIGHT == title_weight:
        return None
    generic = generic_rows(sections)
    if not generic.any():
        return None
    return np.where(generic, REPEATED_TITLE_WEIGHT / title_weight, 1.0).astype(np.float32)


def post_matrix(matrix, section_posts: np.ndarray, prior: np.ndarray | None = None) -> sp.csc_matrix:
    """Each post's vector: the sum of its sections' rows (each times its prior), L2-normalised (posts x terms).

    The prior keeps empty container sections' words out of a post's vector as it
    keeps them out of section scores; the post's topic prior is applied to its
    score (post_prior), since normalising cancels a factor shared by all its rows.
    """
    n_sections = matrix.shape[0]
    n_posts = int(section_posts.max()) + 1 if n_sections else 0
    weights = np.ones(n_sections, dtype=np.float32) if prior is None else np.asarray(prior, dtype=np.float32)
    members = sp.csr_matrix((weights, (np.asarray(section_posts), np.arange(n_sections))),
                            shape=(n_posts, n_sections))
    return normalize(members @ matrix.tocsr()).astype(np.float32).tocsc()


def post_prior(section_posts: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    """Each post's highest section prior: its topic prior (the length prior of its best section is 1).

    A post's vector is normalised, so an off-topic post's topic prior has to
    scale its post-level score here, as it scales its sections' scores.
    """
    n_posts = int(section_posts.max()) + 1 if len(section_posts) else 0
    if prior is None:
        return np.ones(n_posts, dtype=np.float32)
    out = np.zeros(n_posts, dtype=np.float32)
    np.maximum.at(out, section_posts, prior)
    return out
