"""The one analyzer: same tokens for posts and messages, lexicon concept tokens, folding."""

from __future__ import annotations

from index import analysis


def test_analysis_lay_and_clinical_wordings_share_a_concept_token():
    lay = set(analysis.analyze("the pinky side of my elbow hurts when I carry groceries"))
    clinical = set(analysis.analyze("Medial epicondylitis is an overload of the common flexor tendon."))
    assert "@golfers_elbow" in lay & clinical


def test_analysis_is_deterministic_for_index_and_query_use():
    text = "Outside of my knee burns on downhills"
    assert analysis.analyze(text) == analysis.analyze(text)
    assert "@it_band" in analysis.analyze(text)


def test_analysis_it_band_survives_the_stop_word_it():
    assert "@it_band" in analysis.analyze("IT band pain")
    assert "band" in analysis.stems("IT band pain")


def test_analysis_words_analyzer_has_no_concept_tokens():
    assert not [t for t in analysis.analyze_words("tennis elbow") if t.startswith("@")]
    assert "tenni elbow" in analysis.analyze_words("tennis elbow")


def test_analysis_fold_unifies_quotes_and_accents():
    assert analysis.fold("Golfer’s Élbow") == "golfer's elbow"


def test_analysis_concepts_name_regions_in_spanish():
    assert "shoulder" in analysis.concepts("Me duele el hombro cuando levanto el brazo")
