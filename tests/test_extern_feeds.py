"""Real-world feeds nobody on the team wrote go through ingestion (../shared/extern).

feedparser's own corpus (ill-formed XML, odd encodings, entities, sanitiser
cases): each file yields sections or a clear FeedError/ArtifactError, within a
time bound, never a javascript: or data: link, and a failure leaves the previous
index serving. The AT Surgical WordPress feeds index cleanly, and the two posts
a compromised site filled with pharma spam are kept out with a warning, so a
foot-pain question is never answered with spam.
"""

from __future__ import annotations

import json
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from index import quality_check, search, versions
from index.feed import FeedError
from index.live import build_from_feed
from index.versions import ArtifactError
from tests import appkit
from tests.appkit import make_app
from tests.conftest import SHARED, shared_path

CORPUS = SHARED / "extern" / "feedparser-feeds"
OTHER = SHARED / "extern" / "other-feeds"
CORPUS_FILES = (sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
                       if p.is_file() and p.name not in ("SOURCE.md", "MANIFEST.tsv"))
                if CORPUS.is_dir() else ["(corpus absent)"])
WORDPRESS = ["atsurgical-category-back-pain.rss.xml", "atsurgical-category-guides-primers.rss.xml",
             "atsurgical-category-sports-injuries.rss.xml"]
SPAM_TITLES = {"Common Misconceptions with a Metatarsal Injury", "The Risk of Inguinal Hernia During Strength Training"}
#: Per-file bound for parse + section + build; generous for a shared 2-core CI machine.
SECONDS_PER_FEED = 15


class Hang(Exception):
    """Ingestion of one file ran past its time bound."""


@contextmanager
def time_limit(seconds: float):
    """Interrupt the block with Hang after ``seconds`` (SIGALRM; tests run in the main thread)."""
    def _raise(signum, frame):
        raise Hang(f"still running after {seconds}s")
    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def safe_link(url) -> bool:
    """Empty, or http(s): the only links that may reach a page."""
    return url in (None, "") or str(url).lower().startswith(("http://", "https://"))


def assert_safe_index(index) -> None:
    """No stored link of the version may be anything but http(s)."""
    for section in index.sections:
        for key in ("post_url", "section_url"):
            assert safe_link(section[key]), (key, section[key])
    for post in index.posts:
        assert safe_link(post["link"]), post["link"]
    assert safe_link((index.manifest.get("booking") or {}).get("url"))


@pytest.fixture(scope="module")
def corpus_index_dir(tmp_path_factory, built_index_dir):
    """One index folder for the corpus run, starting from the bundled feed's index."""
    target = tmp_path_factory.mktemp("corpus") / "index"
    shutil.copytree(built_index_dir, target)
    return target


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_ingest_feedparser_corpus_file_gives_sections_or_clear_error(name, corpus_index_dir):
    path = shared_path("extern", "feedparser-feeds", name)
    before = versions.current_version(corpus_index_dir)
    try:
        with time_limit(SECONDS_PER_FEED):
            result = build_from_feed(str(path), corpus_index_dir)
    except (FeedError, ArtifactError) as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        assert versions.current_version(corpus_index_dir) == before, "a failed build must not switch versions"
        assert_safe_index(search.load(corpus_index_dir))
        return
    assert result.n_sections > 0
    index = search.load(corpus_index_dir)
    assert index.manifest["n_sections"] == result.n_sections
    assert_safe_index(index)


@pytest.fixture(scope="module")
def wordpress_builds(tmp_path_factory):
    """Each WordPress feed indexed into its own folder: name -> (BuildResult, index folder)."""
    builds = {}
    for name in WORDPRESS:
        if not (OTHER / name).is_file():
            continue
        folder = tmp_path_factory.mktemp("wp") / "index"
        builds[name] = (build_from_feed(str(OTHER / name), folder), folder)
    return builds


@pytest.mark.parametrize("name", WORDPRESS)
def test_ingest_wordpress_feed_indexes_cleanly(name, wordpress_builds):
    shared_path("extern", "other-feeds", name)
    result, folder = wordpress_builds[name]
    index = search.load(folder)
    assert result.n_posts >= 6 and result.n_sections >= result.n_posts
    assert_safe_index(index)
    headings = [s["heading"] for s in index.sections if s["heading"]]
    assert len(headings) >= result.n_posts, "content:encoded headings should become sections"
    for section in index.sections:
        assert "<" not in section["text"] or "&lt;" not in section["text"]
        assert "wp-image" not in section["text"] and "<img" not in section["text"]
    spam_posts = {p["title"] for p in index.posts} & SPAM_TITLES
    assert not spam_posts


def test_ingest_wordpress_spam_posts_are_excluded_with_warnings(wordpress_builds):
    name = "atsurgical-category-sports-injuries.rss.xml"
    shared_path("extern", "other-feeds", name)
    result, folder = wordpress_builds[name]
    index = search.load(folder)
    excluded = {p["title"] for p in index.manifest["excluded_posts"]}
    assert excluded == SPAM_TITLES
    assert result.n_posts == 7
    for title in SPAM_TITLES:
        assert any(title in w and "excluded as spam" in w for w in result.warnings), title
        assert any(title in w for w in index.manifest["ingestion_warnings"])
    assert all(p["reasons"] for p in index.manifest["excluded_posts"])


def test_ingest_wordpress_clean_feeds_exclude_nothing(wordpress_builds):
    for name in WORDPRESS[:2]:
        shared_path("extern", "other-feeds", name)
        result, folder = wordpress_builds[name]
        assert search.load(folder).manifest["excluded_posts"] == []
        assert not any("excluded" in w for w in result.warnings)


FOOT_QUESTIONS = [
    "my foot hurts after running",
    "pain in the ball of my foot",
    "metatarsal pain when I walk",
    "I think I broke a bone in my foot",
    "groin pain when lifting weights",
    "hernia from strength training",
]


@pytest.fixture(scope="module")
def spam_feed_client(wordpress_builds, tmp_path_factory):
    """The chat API over the poisoned sports-injuries feed."""
    name = "atsurgical-category-sports-injuries.rss.xml"
    if name not in wordpress_builds:
        yield None
        return
    _, folder = wordpress_builds[name]
    root = tmp_path_factory.mktemp("spam-app")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(root), "INDEX_DIR": str(folder),
                    "FEED": str(OTHER / name), "SECRET_KEY": "spam"})
    yield app.test_client()
    appkit.close(app)


@pytest.mark.parametrize("question", FOOT_QUESTIONS)
def test_chat_foot_pain_is_never_answered_with_spam(question, spam_feed_client):
    shared_path("extern", "other-feeds", "atsurgical-category-sports-injuries.rss.xml")
    response = spam_feed_client.post("/api/chat", json={"message": question})
    assert response.status_code == 200
    body = response.get_json()
    rules = quality_check.load_rules()
    for result in body["results"]:
        assert result["post_title"] not in SPAM_TITLES
        words = set(quality_check.LETTERS.findall(result["snippet"].lower()))
        assert not words & rules.spam_terms, result["snippet"]
    if question == "my foot hurts after running":
        assert body["matched"], "the clean foot articles (plantar fasciitis) should answer"


def test_chat_without_quality_check_spam_would_answer(monkeypatch, tmp_path):
    """The threat is real: with the check bypassed, a hernia question gets the spam post.

    (The ranking's topic prior now keeps the metatarsal spam post, whose body is not clinical text,
    below real posts for a metatarsal question; the hernia one still wins its topic.)"""
    feed = shared_path("extern", "other-feeds", "atsurgical-category-sports-injuries.rss.xml")
    monkeypatch.setattr(quality_check, "screen_posts", lambda posts, rules=None, verdicts=None: (list(posts), [], []))
    build_from_feed(str(feed), tmp_path / "index")
    index = search.load(tmp_path / "index")
    top = index.sections[index.search("inguinal hernia", k=1)[0][0]]
    assert top["post_title"] in SPAM_TITLES


def test_cli_build_index_reports_excluded_spam(tmp_path):
    feed = shared_path("extern", "other-feeds", "atsurgical-category-sports-injuries.rss.xml")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "INDEX_DIR": str(tmp_path / "index"), "SECRET_KEY": "cli", "LOAD_INDEX_AT_START": False})
    result = app.test_cli_runner().invoke(args=["build-index", "--feed", str(feed)])
    assert result.exit_code == 0, result.output
    assert "indexed 7 posts" in result.output
    assert result.output.count("excluded as spam or foreign-language content") == 2
    manifest = json.loads((Path(tmp_path / "index") / versions.current_version(tmp_path / "index")
                           / "manifest.json").read_text())
    assert len(manifest["excluded_posts"]) == 2


def test_cli_build_index_failing_corpus_feed_keeps_serving_previous_index(app, client, runner):
    feed = shared_path("extern", "feedparser-feeds", "illformed", "chardet", "big5.xml")
    before = client.post("/api/chat", json={"message": "outer knee pain running downhill"}).get_json()
    version = versions.current_version(app.config["INDEX_DIR"])
    result = runner.invoke(args=["build-index", "--feed", str(feed)])
    assert result.exit_code != 0
    assert "the live index was not changed" in result.output
    assert "Traceback" not in result.output
    assert versions.current_version(app.config["INDEX_DIR"]) == version
    response = client.post("/api/chat", json={"message": "outer knee pain running downhill"})
    assert response.status_code == 200
    assert response.get_json()["results"] == before["results"]
