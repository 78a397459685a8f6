"""Clean a post's HTML and split it into the sections a visitor is sent to.

A section starts at each h2 or h3. An h3 keeps its h2 as ``parent_heading`` so
"Phase 1" under "Treatment" still reads in context. The text before the first
heading is the intro (``heading`` None). A section too long to read as one
answer (many blogs write whole posts with no h2/h3) is cut into passages: at
h4-h6 and bold-paragraph "headings" (kept as ``subheading``), else at paragraph
boundaries; passages keep their section's heading, so they are still "the
section under this heading" to a reader and to the labels. Booking boilerplate ("Call today:
424-...", "Book Your Appointment") is removed from section text but harvested,
so the clinic's booking URL and phone can come from its own feed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, fields
from itertools import islice
from urllib.parse import quote

from bs4 import BeautifulSoup, NavigableString, Tag

#: What joins a post's URL and a section's text fragment in a section URL.
SECTION_FRAGMENT = "#:~:text="
#: Elements that never carry article text.
DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "figure",
    "figcaption", "img", "picture", "video", "audio", "source", "svg", "canvas", "form",
    "input", "button", "select", "textarea", "nav", "aside", "footer", "header", "meta", "link",
)
#: Class fragments of CMS layout wrappers whose text is not article text.
CRUFT_CLASS = re.compile(r"caption|image-|gallery|share|social|newsletter|sqs-block-button", re.I)
BLOCK_TAGS = ("p", "li", "blockquote", "pre", "td", "dd", "dt")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NESTED = frozenset(BLOCK_TAGS + HEADINGS)
_DROP = frozenset(DROP_TAGS)

PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
BOOKING_WORDS = re.compile(r"\b(book|booking|appointment|schedule|reserve|contact us)\b", re.I)
#: Words that open a booking prompt ("Call today: ...", "📅 Book Your Appointment").
PROMPT_START = {"call", "book", "schedule", "text", "phone", "tel", "contact", "request", "reserve"}
#: What makes a short block a booking prompt rather than advice that mentions booking.
PROMPT_OBJECT = re.compile(
    r"\b(appointment|assessment|evaluation|consultation|visit|session|online|today|now)\b"
    r"|\b[\w-]+\.(?:com|org|net|co|us|ca|uk|au|health|clinic)\b",
    re.I,
)
MAX_PROMPT_WORDS = 12
_LETTER_WORD = re.compile(r"[a-z']+")
#: A block that names a phone number as one: its numbers are harvested.
CALL_WORD = re.compile(r"\b(call|phone|tel)\b|📞", re.I)
#: Headings of a post's source list: a list of citations answers no visitor's question, so the
#: section is left out of the index (its text stays on the post itself).
REFERENCE_HEADING = re.compile(r"^\W*(?:references?|bibliography|sources?|citations?|works cited|further reading|"
                               r"literature|footnotes?|notes and references)\W*$", re.I)
#: A section longer than this (words) is cut into passages (see passages()).
PASSAGE_SPLIT_WORDS = 300
#: A passage closes at the first paragraph boundary after this many words...
PASSAGE_WORDS = 150
#: ...and a last passage shorter than this joins the one before it.
PASSAGE_MIN_WORDS = 40
#: A paragraph of at most this many words, all of it bold, is a heading in disguise.
BOLD_HEADING_WORDS = 12
#: C0 controls (but tab/newline/CR), DEL and lone surrogates: meaningless in an article,
#: and a surrogate cannot even be encoded to UTF-8 (the section store, a URL fragment).
UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass
class Section:
    """One addressable part of a post."""

    post_guid: str
    post_slug: str
    post_title: str
    post_url: str
    heading: str | None
    parent_heading: str | None
    level: int
    position: int
    text: str
    anchor_text: str = ""
    #: The h4-h6 or bold-paragraph heading a passage starts under, when it was cut from a long section.
    subheading: str | None = None

    @property
    def url(self) -> str:
        """The post link opened at this section, via a text fragment."""
        if not self.post_url:
            return ""
        if not self.anchor_text:
            return self.post_url
        return f"{self.post_url}{SECTION_FRAGMENT}{quote(self.anchor_text, safe='')}"

    def to_dict(self) -> dict:
        """Plain data for the section store, with the computed URL."""
        # Every field is a str, int or None: no deep copy needed (asdict's cost a build 1 s per 10k sections).
        data = {name: getattr(self, name) for name in _SECTION_FIELDS}
        data["section_url"] = self.url
        return data


_SECTION_FIELDS = tuple(f.name for f in fields(Section))


@dataclass
class Booking:
    """Booking contact details found in a feed's posts."""

    urls: Counter = field(default_factory=Counter)
    phones: Counter = field(default_factory=Counter)

    def best_url(self) -> str | None:
        """The booking link the posts use most."""
        return self.urls.most_common(1)[0][0] if self.urls else None

    def best_phone(self) -> str | None:
        """The phone number the posts give most."""
        return self.phones.most_common(1)[0][0] if self.phones else None


def scrub(text: str) -> str:
    """Replace characters no article needs and UTF-8 cannot carry with spaces."""
    return UNSAFE_CHARS.sub(" ", text)


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (including nbsp) to single spaces."""
    # str.split() splits on exactly the characters re's \s matches (both use Py_UNICODE_ISSPACE).
    return " ".join(text.replace("\u00a0", " ").split())


def is_boilerplate(text: str) -> bool:
    """True for short blocks that only prompt to call or book.

    Judged by shape, not by one clinic's wording: a phone number on its own, or
    a short line that opens with call/book/schedule and names a phone number,
    a website or an appointment.
    """
    text = normalise_space(text)
    # A phone number holds no letters and sits between word boundaries, so the
    # letter-words are the same with or without it: long paragraphs (nearly all)
    # are ruled out before the costly phone pattern runs.
    # Only the first MAX_PROMPT_WORDS + 1 words are needed to rule a paragraph out.
    words = [found.group() for found in islice(_LETTER_WORD.finditer(text.lower()), MAX_PROMPT_WORDS + 1)]
    if len(words) > MAX_PROMPT_WORDS or (words and words[0] not in PROMPT_START):
        return False
    without_phone = PHONE.sub(" ", text)
    words = re.findall(r"[a-z']+", without_phone.lower())
    if not words:
        return bool(PHONE.search(text))
    if len(words) > MAX_PROMPT_WORDS or words[0] not in PROMPT_START:
        return False
    return bool(PHONE.search(text) or PROMPT_OBJECT.search(without_phone))


def _strip_cruft(soup: BeautifulSoup) -> None:
    """Remove non-article elements in one walk (bs4's find_all per rule was most of sectioning time)."""
    for tag in [t for t in soup.descendants if isinstance(t, Tag)]:
        # The flag itself, not Tag.decomposed: that reads it with getattr(), which on a Tag
        # without it falls back to searching the subtree for a <_decomposed> element.
        if tag.__dict__.get("_decomposed"):
            continue
        if tag.name in _DROP:
            tag.decompose()
            continue
        classes = " ".join(tag.get("class") or [])
        if classes and CRUFT_CLASS.search(classes):
            tag.decompose()


def _harvest(block: Tag, text: str, booking: Booking | None) -> None:
    if booking is None:
        return
    anchors = (d for d in block.descendants if getattr(d, "name", None) == "a" and d.get("href") is not None)
    for anchor in anchors:
        href = anchor["href"].strip()
        label = anchor.get_text(" ", strip=True)
        if href.lower().startswith("tel:"):
            booking.phones[normalise_space(href[4:])] += 1
        elif href.lower().startswith(("http://", "https://")) and BOOKING_WORDS.search(label):
            booking.urls[href] += 1
    lowered = text.lower()  # (no other character matches these letters under re.I)
    if ("call" in lowered or "phone" in lowered or "tel" in lowered or "📞" in text) and CALL_WORD.search(text):
        for number in PHONE.findall(text):
            booking.phones[normalise_space(number)] += 1


def _blocks(soup: BeautifulSoup):
    """Yield ('h', level, text) and ('p', tag, text) in document order.

    Only the innermost text blocks are yielded, so a <li><p>..</p></li> is read once.
    """
    for element in soup.descendants:
        if not isinstance(element, Tag):
            continue
        if element.name in HEADINGS:
            text = normalise_space(element.get_text(" "))
            if text:
                yield "h", int(element.name[1]), text, element
        elif element.name in BLOCK_TAGS:
            # Plain loops, not find()/find_parent(): bs4 builds a filter object per call,
            # which dominated sectioning time on large archives (bench/scale.py).
            if any(getattr(d, "name", None) in _NESTED for d in element.descendants):
                continue
            if any(parent.name in HEADINGS for parent in element.parents):
                continue
            text = normalise_space(element.get_text(" "))
            if text:
                prefix = "• " if element.name == "li" else ""
                yield "p", 0, prefix + text, element
    # Text sitting directly in the body without a block wrapper (plain-text feeds).
    loose = [normalise_space(s) for s in soup.find_all(string=True, recursive=False)
             if isinstance(s, NavigableString)]
    loose_text = normalise_space(" ".join(s for s in loose if s))
    if loose_text:
        yield "p", 0, loose_text, None


def _anchor_for(text: str, max_words: int = 6) -> str:
    """A short, distinctive phrase to target with a #:~:text= fragment."""
    words = re.sub(r"^[•\W]+", "", text).split()
    return " ".join(words[:max_words])


def parse(html: str) -> BeautifulSoup:
    """A post body's tree, as split_post reads it."""
    return BeautifulSoup(scrub(html), "html.parser")


def _is_bold_heading(element: Tag | None, text: str) -> bool:
    """A short paragraph whose whole text is bold: how many editors write a sub-heading."""
    if element is None or element.name != "p" or len(text.split()) > BOLD_HEADING_WORDS:
        return False
    bold = [b for b in element.find_all(("strong", "b")) if not b.find_parent(("strong", "b"))]
    return bool(bold) and normalise_space(" ".join(b.get_text(" ") for b in bold)) == text


def passages(lines: list[str], marks: set[int]) -> list[tuple[str | None, list[str]]]:
    """A long section's lines as (subheading, lines) passages; see the module docstring.

    A marked line (h4-h6, bold paragraph) always opens a passage and names it and
    the passages that continue under it; otherwise a passage closes at the first
    paragraph boundary past PASSAGE_WORDS. A short tail joins the passage before it.
    """
    if sum(len(line.split()) for line in lines) <= PASSAGE_SPLIT_WORDS:
        return [(None, lines)]
    groups: list[tuple[str | None, list[str]]] = []
    current: list[str] = []
    sub: str | None = None
    count = 0
    for number, line in enumerate(lines):
        if current and (number in marks or count >= PASSAGE_WORDS):
            groups.append((sub, current))
            current, count = [], 0
        if number in marks:
            sub = line
        current.append(line)
        count += len(line.split())
    if current:
        if groups and count < PASSAGE_MIN_WORDS and sub == groups[-1][0]:
            groups[-1][1].extend(current)
        else:
            groups.append((sub, current))
    return groups


def split_post(post, booking: Booking | None = None, soup: BeautifulSoup | None = None) -> list[Section]:
    """Cut one post into sections; empty sections are dropped.

    ``soup``: parse(post.html) already made (the build shares one parse with the
    quality check, see index/buildpool.py); it is changed in place.
    """
    soup = parse(post.html) if soup is None else soup
    _strip_cruft(soup)
    sections: list[Section] = []
    current_h2: str | None = None
    heading: str | None = None
    parent: str | None = None
    level = 0
    body: list[str] = []
    #: Lines of body that are sub-headings (h4-h6, bold paragraphs): where passages may start.
    marks: set[int] = set()

    def close() -> None:
        if heading is None and not body:
            return
        if heading is not None and REFERENCE_HEADING.match(heading):
            return
        for number, (sub, lines) in enumerate(passages(body, marks) if body else [(None, body)]):
            first = number == 0 and heading
            sections.append(Section(
                post_guid=post.guid, post_slug=post.slug, post_title=post.title, post_url=post.link,
                heading=heading, parent_heading=parent, level=level, position=len(sections),
                text="\n".join(lines),
                anchor_text=heading if first or not lines else (sub or _anchor_for(lines[0])),
                subheading=sub,
            ))

    for kind, hlevel, text, element in _blocks(soup):
        if kind == "h":
            if hlevel in (2, 3):
                close()
                body, marks = [], set()
                heading, level = text, hlevel
                if hlevel == 2:
                    current_h2, parent = text, None
                else:
                    parent = current_h2
            elif hlevel == 1:
                continue  # the post title repeated in the body
            else:
                marks.add(len(body))  # h4-h6 stay inside their section, where a passage may start
                body.append(text)
            continue
        if element is not None:
            _harvest(element, text, booking)
        if is_boilerplate(text):
            continue
        if _is_bold_heading(element, text):
            marks.add(len(body))
        body.append(text)
    close()
    return sections


def split_posts(posts) -> tuple[list[Section], Booking]:
    """Sections for every post plus the booking details the posts advertise."""
    booking = Booking()
    sections: list[Section] = []
    for post in posts:
        sections.extend(split_post(post, booking))
    return sections, booking
