"""Keep spam and foreign-language bodies out of the index, and say so.

A compromised CMS can publish pharma spam under a real medical title ("Common
Misconceptions with a Metatarsal Injury"); a chatbot that quotes the clinic's
blog must never send a patient there. Each post is judged on its own with three
cheap, explainable checks whose word lists and thresholds live in
data/ingest_quality.toml: the share of English function words in the body, whether
the body mentions its own title at all, and distinct spam-vocabulary terms.
Excluded posts are reported as warnings (CLI and manifest), never silently
dropped. Pure: no Flask, no IO beyond reading the rules file once.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from index.analysis import STOP_WORDS, fold, stem
from index.datafile import read_toml
from index.sections import UNSAFE_CHARS

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "ingest_quality.toml"
#: Letters-only tokens for the language check (digits and symbols say nothing about language).
LETTERS = re.compile(r"[^\W\d_]+")
#: Elements whose text is not visible.
HIDDEN = frozenset(("script", "style", "template", "noscript"))
#: Only this much of a body is read: enough to judge, bounded for hostile feeds.
MAX_CHARS = 200_000


class QualityRulesError(Exception):
    """The quality rules file is missing or malformed."""


@dataclass(frozen=True)
class Rules:
    """Word lists and thresholds from data/ingest_quality.toml."""

    min_words: int
    min_english_ratio: float
    min_title_words: int
    min_words_for_title_check: int
    max_spam_terms: int
    min_domain_ratio: float
    function_words: frozenset[str]
    spam_terms: frozenset[str]
    domain_stems: frozenset[str]


@dataclass
class Verdict:
    """What the checks found in one post; ``excluded`` when any strong reason holds."""

    guid: str
    title: str
    link: str
    n_words: int
    english_ratio: float
    title_support: float | None
    spam_terms: list[str]
    domain_ratio: float
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> bool:
        """A post with any exclusion reason stays out of the index."""
        return bool(self.reasons)

    def to_dict(self) -> dict:
        """Plain data for the manifest."""
        return asdict(self)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """Read and validate the rules file once per process."""
    path = Path(path) if path else RULES_PATH
    data = read_toml(path, QualityRulesError, "ingestion quality rules")
    try:
        limits = data["thresholds"]
        return Rules(
            min_words=int(limits["min_words"]),
            min_english_ratio=float(limits["min_english_ratio"]),
            min_title_words=int(limits["min_title_words"]),
            min_words_for_title_check=int(limits["min_words_for_title_check"]),
            max_spam_terms=int(limits["max_spam_terms"]),
            min_domain_ratio=float(limits["min_domain_ratio"]),
            function_words=frozenset(w.lower() for w in data["english"]["function_words"]),
            spam_terms=frozenset(fold(w) for w in data["spam"]["terms"]),
            domain_stems=frozenset(data["domain"]["stems"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise QualityRulesError(f"cannot read ingestion quality rules {path}: {exc}") from exc


def body_text(html: str) -> str:
    """The visible text of a post body (markup, scripts and styles removed)."""
    # Lone surrogates and control characters cannot even be encoded; bs4 chokes on them.
    return visible_text(BeautifulSoup(UNSAFE_CHARS.sub(" ", html[:MAX_CHARS]), "html.parser"))


def visible_text(soup: BeautifulSoup) -> str:
    """body_text of a body already parsed; removes the scripts and styles from ``soup``.

    The build parses each post once (index/buildpool.py): sectioning drops these
    elements anyway, so it can go on with the same tree.
    """
    # A plain walk rather than find_all(names): bs4's filter objects cost more than the walk.
    for tag in [t for t in soup.descendants if isinstance(t, Tag) and t.name in HIDDEN]:
        tag.decompose()
    return soup.get_text(" ")


def content_stems(tokens: list[str]) -> set[str]:
    """Stems of the content words among letter tokens (the whole body, not the analyzer's first 400)."""
    return {stem(t) for t in set(tokens) if len(t) > 1 and t not in STOP_WORDS}


def judge(post, rules: Rules | None = None, text: str | None = None) -> Verdict:
    """Run every check on one post and collect the reasons to exclude it.

    ``text``: body_text(post.html), when the caller has it already.
    """
    rules = rules or load_rules()
    text = body_text(post.html) if text is None else text
    tokens = LETTERS.findall(fold(text))
    n_words = len(tokens)
    english = sum(map(rules.function_words.__contains__, tokens)) / n_words if n_words else 0.0
    body_stems = content_stems(tokens)
    title_stems = content_stems(LETTERS.findall(fold(post.title)))
    support = len(title_stems & body_stems) / len(title_stems) if title_stems else None
    spam = sorted(rules.spam_terms.intersection(tokens))
    domain = (sum(1 for s in body_stems if s in rules.domain_stems) / len(body_stems)) if body_stems else 0.0
    verdict = Verdict(post.guid, post.title, post.link, n_words, round(english, 3),
                      None if support is None else round(support, 3), spam, round(domain, 3))
    if n_words >= rules.min_words and english < rules.min_english_ratio:
        verdict.reasons.append(f"the body is not English prose ({english:.0%} English function words, "
                               f"expected at least {rules.min_english_ratio:.0%})")
    if len(spam) > rules.max_spam_terms:
        verdict.reasons.append(f"the body uses spam vocabulary ({', '.join(spam[:6])})")
    if (support == 0 and len(title_stems) >= rules.min_title_words
            and n_words >= rules.min_words_for_title_check):
        verdict.reasons.append("the body never mentions any word of its title")
    if not verdict.reasons and n_words >= rules.min_words and domain < rules.min_domain_ratio:
        verdict.notes.append(f"few words from the clinic's domain ({domain:.1%}); kept, check it is on topic")
    return verdict


def screen_posts(posts, rules: Rules | None = None,
                 verdicts: list[Verdict] | None = None) -> tuple[list, list[Verdict], list[str]]:
    """Split posts into kept and excluded; return (kept, excluded verdicts, warnings).

    Warnings name the post and the reason so the operator can fix the CMS.
    ``verdicts``: judge() of each post, already made (index/buildpool.py does it on every core).
    """
    rules = rules or load_rules()
    kept, excluded, warnings = [], [], []
    for number, post in enumerate(posts):
        verdict = judge(post, rules) if verdicts is None else verdicts[number]
        if verdict.excluded:
            excluded.append(verdict)
            warnings.append(f"post {post.title!r} ({post.link or post.guid}) excluded as spam or "
                            f"foreign-language content: {'; '.join(verdict.reasons)}")
        else:
            kept.append(post)
            warnings.extend(f"post {post.title!r}: {note}" for note in verdict.notes)
    return kept, excluded, warnings
