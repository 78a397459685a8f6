"""The one analyzer: same tokens for posts and messages, lexicon concept tokens, folding."""

from __future__ import annotations

import weakref

import pytest

from index import analysis
from tests import oracles


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


@pytest.mark.parametrize(("text", "token"), [
    ("I'm 52 and keep getting injured", "age50"),
    ("im 47", "age40"),
    ("a 63-year-old runner", "age60"),
    ("she is 71 years old", "age70"),
    ("my 15yo son", "age10"),
    ("aged 38", "age30"),
    ("just turned 40", "age40"),
    ("since I hit 50 every tweak takes forever", "age50"),
    ("a woman in my 50s", "age50"),
    ("in his late 60's", "age60"),
    ("in my early fifties", "age50"),
    ("runners in their forties", "age40"),
])
def test_analysis_reads_an_age_as_its_decade(text, token):
    assert token in analysis.stems(text)


@pytest.mark.parametrize("text", ["I'm 12 weeks postpartum", "I'm 50% better", "I'm 30 minutes away",
                                  "I run 45 miles a week", "I'm 10 days out from surgery",
                                  "I hit 20 miles last week"])
def test_analysis_leaves_numbers_that_are_not_ages(text):
    assert not any(s.startswith("age") for s in analysis.stems(text))


@pytest.mark.parametrize(("text", "older"), [
    ("I'm 52 and my knees ache", True), ("I'm 38 and new to running", False), ("I'm 67", True),
    ("in my sixties and still racing", True), ("I'm 25 and training for a 10k", False),
])
def test_analysis_ages_from_40_name_the_masters_athlete_concept(text, older):
    assert ("masters_athlete" in analysis.concepts(text)) is older


@pytest.mark.parametrize("text", ["for months", "for 6 months", "for several months", "for over a year",
                                  "for the past two years", "for years", "for ages", "since last year",
                                  "for well over a year", "for about 4 months"])
def test_analysis_reads_three_months_or_more_as_one_duration_token(text):
    assert analysis.stems(text) == [analysis.stem("over3months")]


@pytest.mark.parametrize("text", ["for 2 months", "for a couple of months", "for about a month", "for a few weeks",
                                  "in 3 months I race", "a 52 year old", "last year I ran a marathon",
                                  "classes for ages 5 to 12"])
def test_analysis_leaves_shorter_or_other_times_alone(text):
    assert analysis.stem("over3months") not in analysis.stems(text)


@pytest.mark.parametrize("text", ["my back has been hurting on and off for 5 years",
                                  "my back has been hurting off-and-on for 5 years"])
def test_analysis_on_and_off_does_not_part_a_pain_from_its_duration(text):
    assert analysis.stems(text) == ["back", "hurt", analysis.stem("over3months")]
    assert "chronic_pain" in analysis.concepts(text)


def test_analysis_keeps_off_outside_on_and_off():
    assert "off" in analysis.stems("I took two weeks off running")


@pytest.mark.parametrize(("text", "persistent"), [
    ("my neck has been bothering me for over a year", True),
    ("knee pain for 6 months now", True),
    ("my hip has hurt since last year", True),
    ("I have been training for a year and my knee hurts", False),  # the year is the training's
    ("my knee hurt for 2 weeks", False),
])
def test_analysis_pain_lasting_three_months_names_chronic_pain(text, persistent):
    assert ("chronic_pain" in analysis.concepts(text)) is persistent


@pytest.mark.parametrize("text", ["my 12 year old has scoliosis", "my 8-year-old limps", "is 6 yo too young for PT"])
def test_analysis_a_child_s_age_names_pediatrics(text):
    assert "pediatrics" in analysis.concepts(text)


def test_analysis_since_is_kept_so_a_complaint_since_an_injury_is_not_any_complaint():
    assert "previous_injury" in analysis.concepts("my ankle has been weak ever since I injured it")
    assert "previous_injury" in analysis.concepts("stiff since the accident")
    assert "previous_injury" not in analysis.concepts("my knee hurts when I jump")


SHORTCUT_TEXTS = [
    "IT band pain", "my i.t.-BAND hurts", "it band", "the Back of my KNEE", "back of the left heel and my back",
    "BACK OF THE KNEE", "bacK of my knee (Kelvin sign)", "Golfer’s Élbow, naïve café – ﬁne", "Ｆｕｌｌ ＷＩＤＴＨ",
    "I'm 52", "in my early fifties", "runners in their forties", "activities and difficulties", "age 7 and 70 yo",
    "a\u0301\u0300 e\u0327 combining marks only", "ß İstanbul ı ſ", "don't can't it's the clinic's", "",
    "knee " * 500, "tennis elbow " * 300 + "IT band",
]


@pytest.mark.parametrize("text", SHORTCUT_TEXTS)
def test_analysis_words_and_stems_equal_the_plain_passes(text):
    want = oracles.words(text)
    assert analysis.words(text) == want
    assert analysis.stems(text) == [analysis.stem(w) for w in want]


def test_analysis_token_cache_gives_the_same_words_when_full(monkeypatch):
    monkeypatch.setattr(analysis, "_TOKEN_CACHE", {})
    monkeypatch.setattr(analysis, "TOKEN_CACHE_SIZE", 3)
    most = max(len(set(analysis._tokens(text))) for text in SHORTCUT_TEXTS)
    for text in SHORTCUT_TEXTS * 2:
        assert analysis.stems(text) == [analysis.stem(w) for w in oracles.words(text)]
        # emptied before a text's new tokens are added whenever it had passed the bound
        assert len(analysis._TOKEN_CACHE) <= 3 + most


@pytest.mark.parametrize("text", ["Golfer’s Élbow", "Ｆｕｌｌ", "a\u0301b\u0327", "—–…“”", "ﬁ ½ Ⅻ ²", "Ὀδυσσεύς",
                                  "ascii"])
def test_analysis_fold_drops_every_combining_mark_and_nothing_else(text):
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    want = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'").replace("\u2018", "'")
    assert analysis.fold(text) == (text.lower() if text.isascii() else want.lower())


@pytest.mark.parametrize("text", ["I'm 52 and my Knee has hurt for 6 months", "the back of my knee aches",
                                  "IT band pain on long runs", "Dolor en la rodilla", "it hurts", ""])
def test_analysis_read_agrees_with_the_separate_functions(text):
    reading = analysis.read(text)
    assert list(reading.words) == analysis.words(text)
    assert list(reading.stems) == analysis.stems(text)
    assert list(reading.terms) == analysis.analyze(text)
    assert list(reading.concepts) == analysis.concepts(text)
    assert reading.folded == analysis.fold(text)
    assert reading.corrected == text and reading.corrections == ()


def test_analysis_read_against_an_index_corrects_typos_once(built_index_dir):
    from index import search

    index = search.load(built_index_dir)
    text = "my sholder hurts for 6 months"
    reading = analysis.read(text, index)
    corrected = index.correct(text)
    assert reading.corrected == corrected and ("sholder", "shoulder") in reading.corrections
    assert list(reading.corrected_stems) == analysis.stems(corrected)
    assert list(reading.terms) == index.analyzer(corrected)
    assert list(reading.stems) == analysis.stems(text)  # the visitor's own words, uncorrected
    assert "over3months" in reading.specials
    assert analysis.read(text, index) is reading  # cached per message


@pytest.mark.parametrize("message", ["knee hurts going down stairs", "my sholder hurts when I lift my arm",
                                     "elbow pain", "it hurts", "golfer's elbow"])
def test_chat_request_reads_the_message_once(built_index_dir, monkeypatch, message):
    """bot/chat.respond tokenises and corrects each text of a message once, however many layers use it."""
    from bot.chat import respond
    from bot.settings import BotSettings
    from index import search

    index = search.load(built_index_dir)
    respond(message, index, BotSettings())  # data files read, per-text caches of sections filled
    monkeypatch.setattr(analysis, "_PLAIN_READINGS", {})
    monkeypatch.setattr(analysis, "_READINGS", weakref.WeakKeyDictionary())
    tokenised: list[str] = []
    real_tokens = analysis._tokens

    def counting_tokens(text):
        tokenised.append(text)
        return real_tokens(text)

    corrected: list[str] = []
    real_correct = index.correct

    def counting_correct(text):
        corrected.append(text)
        return real_correct(text)

    monkeypatch.setattr(analysis, "_tokens", counting_tokens)
    monkeypatch.setattr(index, "correct", counting_correct)
    answer = respond(message, index, BotSettings())
    assert answer["results"] or answer["follow_up"] or answer["intent"]
    of_message = [t for t in tokenised if analysis.fold(t) in (analysis.fold(message), real_correct(message))]
    assert len(of_message) == len(set(of_message)) <= 2, of_message
    assert analysis.fold(message) in {analysis.fold(t) for t in of_message} or not of_message
    assert corrected.count(message) <= 1, corrected
