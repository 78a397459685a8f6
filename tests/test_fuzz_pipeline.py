"""Property tests on the text pipeline: cleaning and sectioning, the analyzer, triage, snippets.

Each unit gets arbitrary unicode (controls, NUL, lone surrogates, emoji, RTL,
punctuation only), HTML-shaped noise and very large inputs, and must return its
documented type within a bounded time, never raise.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import snippets, triage
from index import analysis, quality_check
from index.feed import Post
from index.sections import normalise_space, split_post

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ANY_CHAR = st.characters(exclude_categories=())
ODD = st.sampled_from(["\x00", "\x0b", "\x1b", "\x7f", "\ud800", "\udfff", "\u200f", "\u202e", "\ufeff",
                       "\u00a0", "🦵", "👩🏽‍⚕️", "ألم", "כאב", "…", "’", "ﬁ", "İ", "ß"])
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=400),
    st.lists(st.one_of(ODD, st.text(max_size=12), st.sampled_from(["knee", "pain", ".", "!", "?", "\n"])),
             max_size=60).map("".join),
    st.text(alphabet=st.sampled_from(list(".,;:!?-—()[]{}<>\"'/\\|*&^%$#@~`")), max_size=200),
)
TAGS = ["h1", "h2", "h3", "h4", "p", "li", "ul", "ol", "div", "span", "a", "script", "style", "table", "td",
        "blockquote", "pre", "figure", "iframe", "svg", "br", "b", "i"]
HTML_PIECE = st.one_of(
    TEXT,
    st.builds(lambda tag, inner: f"<{tag}>{inner}</{tag}>", st.sampled_from(TAGS), TEXT),
    st.builds(lambda tag: f"<{tag}>", st.sampled_from(TAGS)),
    st.builds(lambda tag: f"</{tag}>", st.sampled_from(TAGS)),
    st.builds(lambda href, text: f'<a href="{href}">{text}</a>',
              st.sampled_from(["javascript:alert(1)", "data:text/html,x", "tel:555-123-4567",
                               "https://example.org/book", "//evil", "\x00javascript:x"]), TEXT),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#xD800;", "&nbsp;", "<", ">", "&"]),
)
HTML = st.lists(HTML_PIECE, max_size=30).map("".join)
#: The 2 MB case: big enough to expose quadratic behaviour, built once.
BIG = ("Knee pain when running downhill. " * 64_000)[: 2 * 1024 * 1024]


def bounded(seconds: float):
    """Fail a block that takes too long: a pathological input (runaway backtracking), not a slow machine.

    The bound is on this process's CPU time, which other processes on a loaded machine do not add to;
    the module's first screen loads the learned model, so the screen is warmed first (warm_screen).
    """
    class Timer:
        def __enter__(self):
            self.started = time.process_time()
            return self

        def __exit__(self, *exc):
            elapsed = time.process_time() - self.started
            assert exc[0] is not None or elapsed < seconds, f"took {elapsed:.2f}s (bound {seconds}s)"
    return Timer()


@pytest.fixture(autouse=True, scope="module")
def warm_screen():
    """Load the rules and the learned model before any timed block (loading took 1.2 s under load)."""
    triage.screen("warm: knee pain after a run")


def post(body: str, title: str = "Knee pain") -> Post:
    """A post around a fuzzed body."""
    return Post(guid="g", title=title, link="https://example.org/blog/knee", published=None, html=body)


@FUZZ
@given(body=HTML, title=TEXT)
@example(body="<h2>\x00</h2><p>\ud800</p>", title="\x00")
@example(body="<li><p><li>" * 50, title="x")
def test_split_post_fuzzed_html_yields_sections_or_nothing(body, title):
    with bounded(2):
        sections = split_post(post(body, title or "t"))
    for section in sections:
        assert isinstance(section.text, str)
        assert section.heading is None or section.heading.strip()
        assert section.url.startswith("https://example.org/blog/knee")
        for text in (section.text, section.heading or ""):
            assert "<script" not in text.lower() or "<script" in html.unescape(body).lower()


@FUZZ
@given(text=TEXT)
def test_normalise_space_is_idempotent_and_trimmed(text):
    once = normalise_space(text)
    assert normalise_space(once) == once
    assert once == once.strip()
    assert "  " not in once


@FUZZ
@given(text=TEXT)
@example(text="\ud800\udfff\x00")
@example(text="Golfer’s ELBOW é ﬁ İ")
def test_analyze_fuzzed_text_gives_bounded_ascii_terms(text):
    with bounded(1):
        terms = analysis.analyze(text)
    # words, their bigrams, and lexicon concept tokens: each at most MAX_TOKENS
    assert len(terms) <= 3 * analysis.MAX_TOKENS
    for term in terms:
        assert re.fullmatch(r"[a-z0-9']+( [a-z0-9']+)?|@[a-z0-9_]+", term), term


def test_analyze_two_megabytes_is_bounded():
    with bounded(5):
        terms = analysis.analyze(BIG)
    assert "knee" in terms and len(terms) <= 3 * analysis.MAX_TOKENS


@FUZZ
@given(text=TEXT)
@example(text="no chest pain " * 200)
@example(text="(" * 2000)
def test_triage_screen_fuzzed_text_gives_a_level(text):
    with bounded(1):
        result = triage.screen(text)
    assert result.level in triage.LEVELS
    # A red flag names its rules, or else it is the learned layer's alone (bot/redflag_model.py).
    assert (result.level == "none") == (not result.rule_ids and result.source != "learned")
    if result.is_red_flag:
        assert result.message


@pytest.mark.parametrize("text", [BIG, "chest " * 400_000, "a" * 2_000_000, "no " * 700_000 + "chest pain"])
def test_triage_screen_two_megabytes_is_bounded(text):
    with bounded(20):
        assert triage.screen(text).level in triage.LEVELS


def test_triage_screen_red_flag_survives_noise_around_it():
    noise = "\x00\u202e🦵 ألم ... "
    result = triage.screen(noise * 20 + "crushing chest pain and short of breath" + noise * 20)
    assert result.level == "emergency"


@FUZZ
@given(text=TEXT, query=TEXT)
@example(text="<script>alert(1)</script> knee pain.", query="knee script")
@example(text="a & b < c > d \" ' knee", query="knee")
def test_snippets_fuzzed_text_is_escaped_with_only_mark_tags(text, query):
    stems = snippets.query_stems(query)
    with bounded(1):
        snippet = snippets.best_sentences(text, stems)
        marked = str(snippets.mark(snippet, stems))
    assert len(snippet) <= snippets.MAX_CHARS + 1
    bare = marked.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare
    assert html.unescape(bare) == snippet


def test_snippets_two_megabytes_is_bounded():
    stems = snippets.query_stems("knee pain downhill")
    with bounded(20):
        snippet = snippets.best_sentences(BIG, stems)
    assert "Knee" in snippet and len(snippet) <= snippets.MAX_CHARS + 1


@FUZZ
@given(body=HTML, title=TEXT)
def test_quality_check_fuzzed_post_gets_a_verdict(body, title):
    with bounded(2):
        verdict = quality_check.judge(post(body, title or "t"))
    assert 0 <= verdict.english_ratio <= 1
    assert verdict.excluded == bool(verdict.reasons)


XML_TEXT = st.one_of(TEXT, HTML, st.sampled_from(["&#xD800;", "&#0;", "&#1;", "&bogus;", "&amp;lt;script&amp;gt;",
                                                   "<![CDATA[<script>alert(1)</script>]]>", "]]>", "<?xml?>"]))
RSS_ITEM = st.builds(
    lambda title, body, link: f"<item><title>{title}</title><link>{link}</link>"
                              f"<description>{body}</description></item>",
    XML_TEXT, XML_TEXT, st.one_of(XML_TEXT, st.just("https://clinic.example/a"), st.just("javascript:alert(1)")))
FEED_BYTES = st.one_of(
    st.binary(max_size=500),
    st.builds(lambda items, encoding: (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
                                       f'<title>t</title>{"".join(items)}</channel></rss>')
              .encode("utf-8", "surrogatepass"),
              st.lists(RSS_ITEM, max_size=4), st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus", "big5"])),
)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=FEED_BYTES)
@example(data=b'<rss version="2.0" broken><channel><item><title>&#xD800;</title></item></channel></rss>')
def test_parse_and_build_fuzzed_feed_gives_index_or_clear_error(data, tmp_path_factory):
    from index.build import build
    from index.feed import FeedError, parse_feed
    from index.versions import ArtifactError

    with bounded(5):
        try:
            feed = parse_feed(data, "fuzz.xml")
            result = build(feed.posts, tmp_path_factory.mktemp("fuzz-build") / "index")
        except (FeedError, ArtifactError) as exc:
            assert str(exc)
            return
    assert result.n_sections > 0
    for post in feed.posts:
        assert post.link == "" or post.link.lower().startswith(("http://", "https://"))
        post.title.encode("utf-8")
        post.html.encode("utf-8")


@pytest.mark.parametrize("body", ["\ud800", "knee \udfff pain", "\x00<p>\ud83d</p>"])
def test_quality_check_body_with_lone_surrogates_gets_a_verdict(body):
    from index.feed import Post

    verdict = quality_check.judge(Post(guid="g", title="Knee pain", link="https://x.example/p", published=None,
                                       html=body))
    assert isinstance(verdict.excluded, bool)
