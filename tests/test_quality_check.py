"""The ingestion quality check: spam and foreign-language bodies stay out of the index, loudly."""

from __future__ import annotations

import json

import pytest

from index import build, quality_check, search, versions
from index.feed import Post
from index.versions import ArtifactError

ENGLISH = ("<h2>Why the heel hurts</h2><p>Plantar fasciitis is irritation of the thick band of tissue under "
           "the foot. It is often worst with the first steps in the morning and after long periods of standing. "
           "Calf stretching, load management and a gradual return to running help most people recover within a "
           "few months, and a physical therapist can check your footwear and your running form.</p>") * 2
GERMAN_SPAM = ("<p>Cialis rezeptfrei kaufen. Das kostet mich Geld. Obwohl die Generika nicht gleich heissen "
               "dürfen, bei dem man die Seite gar nicht verlassen muss. Viagra und Sport: das Date verlief super, "
               "wir schaffen Transparenz in Sachen medizinische Hilfe bei Erektionsstörungen und bieten Levitra "
               "und Kamagra günstig in unserer Apotheke an, ohne Rezept und mit schneller Lieferung nach Hause. "
               "Das ermöglicht es vielen zum ersten Mal, ohne Arzt und ohne Wartezeit zu bestellen.</p>")


def make_post(title: str, html: str, number: int = 1) -> Post:
    """A post with a unique guid and link."""
    return Post(guid=f"p{number}", title=title, link=f"https://clinic.example/blog/p{number}",
                published=None, html=html)


def test_judge_keeps_english_clinic_post():
    verdict = quality_check.judge(make_post("Plantar fasciitis and heel pain", ENGLISH))
    assert not verdict.excluded
    assert verdict.english_ratio > 0.3 and verdict.title_support >= 0.75 and verdict.spam_terms == []


def test_judge_excludes_foreign_spam_under_medical_title():
    verdict = quality_check.judge(make_post("Common Misconceptions with a Metatarsal Injury", GERMAN_SPAM))
    assert verdict.excluded
    assert any("not English" in r for r in verdict.reasons)
    assert any("spam vocabulary" in r for r in verdict.reasons)


def test_judge_excludes_english_spam_vocabulary():
    body = ("<p>" + "Buy cheap viagra and cialis online from our trusted pharmacy with fast shipping and the "
            "best prices for every customer who orders today. " * 6 + "</p>")
    verdict = quality_check.judge(make_post("Knee pain after running", body))
    assert verdict.excluded and verdict.english_ratio > 0.15
    assert verdict.spam_terms == ["cialis", "viagra"]


def test_judge_excludes_body_unrelated_to_title():
    body = "<p>" + "The quarterly earnings of the company grew as the market for widgets expanded. " * 12 + "</p>"
    verdict = quality_check.judge(make_post("Shoulder impingement exercises", body))
    assert verdict.reasons == ["the body never mentions any word of its title"]


def test_judge_short_body_is_not_judged_on_language():
    verdict = quality_check.judge(make_post("Knie", "<p>Knieschmerzen beim Laufen.</p>"))
    assert not verdict.excluded


def test_judge_notes_off_topic_post_but_keeps_it():
    body = "<p>" + "Our team enjoyed the annual picnic with music, games and a barbecue for the whole family. " * 8
    verdict = quality_check.judge(make_post("Annual picnic with the team", body + "</p>"))
    assert not verdict.excluded and verdict.notes


def test_screen_posts_bundled_feed_keeps_every_post(bundled_posts):
    kept, excluded, warnings = quality_check.screen_posts(bundled_posts)
    assert len(kept) == len(bundled_posts) and excluded == [] and warnings == []


def test_build_excludes_spam_and_records_it_in_manifest(tmp_path):
    posts = [make_post("Plantar fasciitis and heel pain", ENGLISH, 1),
             make_post("Common Misconceptions with a Metatarsal Injury", GERMAN_SPAM, 2)]
    result = build.build(posts, tmp_path / "index", source="test")
    assert result.n_posts == 1
    assert len(result.warnings) == 1 and "Metatarsal" in result.warnings[0]
    index = search.load(tmp_path / "index")
    assert {s["post_title"] for s in index.sections} == {"Plantar fasciitis and heel pain"}
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert [p["guid"] for p in manifest["excluded_posts"]] == ["p2"]
    assert manifest["ingestion_warnings"] == result.warnings


def test_build_all_spam_fails_and_keeps_previous_version(index_dir):
    before = versions.current_version(index_dir)
    with pytest.raises(ArtifactError, match="every post was excluded"):
        build.build([make_post("Metatarsal injury", GERMAN_SPAM)], index_dir)
    assert versions.current_version(index_dir) == before


def test_load_rules_malformed_file_raises_clear_error(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[thresholds]\nmin_words = 'many'\n")
    with pytest.raises(quality_check.QualityRulesError, match="rules.toml"):
        quality_check.load_rules(str(bad))
