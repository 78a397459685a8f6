"""Shared material for the adversarial tests: the XSS payloads and a feed with them planted.

The payloads are read in place from ../shared/extern/xss-payloads.txt (never
copied into the project). ``write_planted_feed`` puts every payload into its own
post: in the title, a heading, the body (as raw HTML and as text) and the
links, next to enough ordinary English about knee pain that the post is indexed
and can be asked for by its unique marker word (``marker(i)``).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from tests.conftest import shared_path

#: Only these tags may appear in snippet_html; everything else must arrive escaped.
ALLOWED_SNIPPET_TAGS = re.compile(r"</?mark>")
SAFE_SCHEMES = ("http://", "https://")
ADVICE = ("Knee pain when running downhill is often an irritated tendon at the front of the knee. "
          "Easing the load for a week, strengthening the hips and thighs, and returning to hills "
          "slowly helps most runners, and a physical therapist can check how your knee moves.")


def load_payloads() -> list[str]:
    """Every payload line (UTF-8, blank lines dropped); skips, or fails under CI, when absent."""
    path = shared_path("extern", "xss-payloads.txt")
    return [line for line in path.read_bytes().decode("utf-8").splitlines() if line.strip()]


def marker(number: int) -> str:
    """A word that appears in post ``number`` only, so a question can pull that post up."""
    return f"case{number:03d}"


def planted_item(number: int, payload: str) -> str:
    """One RSS item with the payload in its title, headings, body text, raw body HTML and links."""
    word = marker(number)
    body = (
        f"<p>{ADVICE} Reference {word}.</p>"
        f"<h2>Knee stretches {word} {payload}</h2>"
        f"<p>Knee pain {word}: {payload} {ADVICE}</p>"
        f"<p>{escape(payload)} knee {word}</p>"
        f"<h3>{escape(payload)}</h3>"
        f"<p>Book your knee assessment {word} <a href=\"{escape(payload, quote=True)}\">here</a>, "
        f"read <a href=\"javascript:alert('{word}')\">more</a> or "
        f"<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">this</a>.</p>"
        # Booking prompts are harvested into the call-to-action: plant the payload there too.
        f"<p>Call <a href=\"tel:{escape(payload, quote=True)}\">{escape(payload)}</a> today.</p>"
        f"<p><a href=\"https://clinic.example/book?c={quote(payload, safe='')}\">Book an appointment</a></p>"
    )
    link = f"javascript:alert('{word}')" if number % 7 == 0 else f"https://clinic.example/blog/{word}"
    return (
        "<item>"
        f"<title>{escape(f'Knee pain {word} {payload}')}</title>"
        f"<link>{escape(link)}</link>"
        f"<guid isPermaLink=\"false\">{word}</guid>"
        f"<content:encoded>{escape(body)}</content:encoded>"
        "</item>"
    )


def write_planted_feed(path: Path, payloads: list[str]) -> Path:
    """Write an RSS 2.0 feed with one planted post per payload."""
    items = "".join(planted_item(number, payload) for number, payload in enumerate(payloads))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Planted clinic blog</title><link>https://clinic.example/blog</link>"
        f"<description>Adversarial test feed</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def unsafe_snippet_markup(snippet_html: str) -> str | None:
    """The first markup in snippet_html other than <mark>, or None when it is inert text."""
    bare = ALLOWED_SNIPPET_TAGS.sub("", snippet_html)
    match = re.search(r"[<>]", bare)
    return bare[max(0, match.start() - 20):match.end() + 20] if match else None


def answer_problems(answer: dict, payload: str | None = None) -> list[str]:
    """Everything in one chat answer that could carry an injection to a page."""
    problems = []
    for result in answer.get("results", []):
        markup = unsafe_snippet_markup(result["snippet_html"])
        if markup:
            problems.append(f"snippet_html carries markup: {markup!r}")
        for key in ("post_url", "section_url"):
            if result[key] and not result[key].lower().startswith(SAFE_SCHEMES):
                problems.append(f"{key} is not http(s): {result[key]!r}")
    cta_url = (answer.get("cta") or {}).get("url")
    if cta_url and not cta_url.lower().startswith(SAFE_SCHEMES + ("tel:",)):
        problems.append(f"cta url is not http(s)/tel: {cta_url!r}")
    if payload and "<" in payload:
        for key in ("reply", "disclaimer"):
            if payload in (answer.get(key) or ""):
                problems.append(f"{key} echoes the payload")
    return problems
