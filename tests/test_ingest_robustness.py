"""Bugs the adversarial suite found in ingestion and the API, pinned so they stay fixed."""

from __future__ import annotations

import json

import pytest

from index import build, search, versions
from index.feed import FeedError, Post, parse_feed
from index.sections import scrub, split_post

RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Clinic</title>'
       '<link>https://clinic.example/</link>{items}</channel></rss>')


def item(title: str, body: str, link: str = "https://clinic.example/blog/a") -> str:
    """One RSS item with an escaped HTML body."""
    return f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid><description>{body}</description></item>"


def test_parse_feed_surrogate_character_reference_is_a_feed_error():
    # feedparser's lenient parser raises UnicodeEncodeError on &#xD800; ; it used to escape as a crash.
    data = RSS.format(items=item("Knee &#xD800; pain", "&lt;p&gt;Knee pain text&lt;/p&gt;")).encode()
    data = data.replace(b"<rss", b"<rss broken", 1)  # ill-formed, so feedparser takes the lenient path
    with pytest.raises(FeedError, match="could not be parsed"):
        parse_feed(data, "bad.xml")


def test_parse_feed_control_characters_are_scrubbed():
    data = RSS.format(items=item("Knee\x01 pain\x1f", "&lt;p&gt;Knee\x0b pain when running.&lt;/p&gt;")).encode()
    result = parse_feed(data, "ctl.xml")
    post = result.posts[0]
    assert post.title == "Knee  pain"
    assert "\x0b" not in post.html


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\x00\x01\x7f"])
def test_scrub_removes_lone_surrogates_and_controls(text):
    cleaned = scrub(text)
    cleaned.encode("utf-8")
    assert len(cleaned) == len(text)


def test_split_post_lone_surrogate_in_body_does_not_crash():
    post = Post(guid="g", title="Knee", link="https://clinic.example/blog/k", published=None,
                html="<h2>Knee \ud800 pain</h2><p>\udfff Running downhill hurts.</p>")
    sections = split_post(post)
    assert [s.heading for s in sections] == ["Knee pain"]
    assert sections[0].url.startswith("https://clinic.example/blog/k#:~:text=Knee")


def test_build_from_posts_with_surrogates_writes_utf8_store(tmp_path):
    post = Post(guid="g", title="Knee pain", link="https://clinic.example/blog/k", published=None,
                html="<p>Knee \ud800 pain when running downhill.</p>")
    build.build([post], tmp_path / "index")
    assert search.load(tmp_path / "index").sections[0]["text"] == "Knee pain when running downhill."


@pytest.mark.parametrize("depth", [2000, 20000])
def test_chat_deeply_nested_json_is_400_not_500(client, depth):
    response = client.post("/api/chat", data="[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("body", ["<p>the and of it is</p>", "<p>膝の痛み、ランニングの後。</p>", "<p>… — !!! ???</p>"])
def test_build_posts_without_indexable_words_is_artifact_error_and_keeps_live(index_dir, body):
    # scikit-learn raised ValueError("empty vocabulary"), which escaped build-index and app start.
    before = versions.current_version(index_dir)
    post = Post(guid="g", title="—", link="https://clinic.example/blog/x", published=None, html=body)
    with pytest.raises(versions.ArtifactError, match="no indexable words"):
        build.build([post], index_dir)
    assert versions.current_version(index_dir) == before


def _corrupt_matrix(index_dir):
    version = versions.current_version(index_dir)
    (index_dir / version / "matrix.npz").write_bytes(b"not a matrix")
    return version


def _old_format(index_dir):
    version = versions.current_version(index_dir)
    manifest_path = index_dir / version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = min(versions.READABLE_FORMATS) - 1
    manifest_path.write_text(json.dumps(manifest))
    return version


@pytest.mark.parametrize("damage", [_corrupt_matrix, _old_format])
def test_live_index_unusable_live_version_is_rebuilt_at_start(index_dir, damage):
    # It used to raise ArtifactError out of create_app, so no worker could boot.
    from app import BUNDLED_FEED
    from index.live import LiveIndex

    damaged = damage(index_dir)
    index = LiveIndex(index_dir).ensure(str(BUNDLED_FEED))
    assert index.version != damaged
    assert index.search("outer knee pain running downhill", k=1)


def test_app_starts_and_answers_over_a_damaged_live_version(index_dir, tmp_path):
    from tests.appkit import make_app

    _corrupt_matrix(index_dir)
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "INDEX_DIR": str(index_dir), "SECRET_KEY": "damaged"})
    response = app.test_client().post("/api/chat", json={"message": "outer knee pain running downhill"})
    assert response.status_code == 200
    assert response.get_json()["matched"] is True
