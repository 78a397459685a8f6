"""Synthetic corpora for the scale benchmarks, made by recombining the bundled blog's real sections.

Each synthetic post has 4 sections; each section takes a real heading and 3-6
real sentences drawn from different real sections, so vocabulary, sentence
length and heading style are the blog's own while every section is new text.
Deterministic for a given size (seeded).
"""

from __future__ import annotations

import random
import re
from html import escape

from app import BUNDLED_FEED
from index.feed import Post, load_feed
from index.sections import split_posts

SECTIONS_PER_POST = 4


def real_material() -> tuple[list[str], list[str], list[str]]:
    """(titles, headings, sentences) of the bundled feed."""
    posts = load_feed(str(BUNDLED_FEED)).posts
    sections, _ = split_posts(posts)
    titles = [p.title for p in posts]
    headings = [s.heading for s in sections if s.heading]
    sentences = [s for section in sections for s in re.split(r"(?<=[.!?])\s+", section.text) if len(s) > 30]
    return titles, headings, sentences


def synthetic_posts(n_sections: int, seed: int = 7) -> list[Post]:
    """Posts holding ``n_sections`` sections in total."""
    rng = random.Random(seed)
    titles, headings, sentences = real_material()
    posts = []
    for number in range((n_sections + SECTIONS_PER_POST - 1) // SECTIONS_PER_POST):
        parts = []
        for _ in range(SECTIONS_PER_POST):
            body = " ".join(rng.sample(sentences, rng.randint(3, 6)))
            parts.append(f"<h2>{escape(rng.choice(headings))}</h2><p>{escape(body)}</p>")
        title = f"{rng.choice(titles)} ({number})"
        posts.append(Post(guid=f"synthetic-{number}", title=title, link=f"https://clinic.example/blog/s-{number}",
                          published=None, html="".join(parts)))
    return posts


def queries(n: int, seed: int = 11) -> list[str]:
    """Visitor-like messages: 3-8 words cut from real sentences, plus a few lay phrasings."""
    rng = random.Random(seed)
    _, _, sentences = real_material()
    lay = ["inner elbow pain when I grip", "my shins ache since I started running more", "knee hurts on stairs",
           "lower back stiff in the morning", "shoulder pain reaching overhead", "heel pain first steps"]
    out = []
    for _ in range(n):
        if rng.random() < 0.2:
            out.append(rng.choice(lay))
            continue
        words = rng.choice(sentences).split()
        start = rng.randrange(max(1, len(words) - 8))
        out.append(" ".join(words[start:start + rng.randint(3, 8)]))
    return out
