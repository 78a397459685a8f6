"""Section-to-post aggregation, diversity, and the honest 'no article' decision."""

from __future__ import annotations

import numpy as np
import pytest

from bot import cards, chat, matcher
from index import analysis, build, search


class FakeIndex:
    """Just enough of an Index for order() and uncovered()."""

    def __init__(self, posts, covered=()):
        self.sections = [{"post_guid": p} for p in posts]
        guids = list(dict.fromkeys(posts))
        self.section_posts = [guids.index(p) for p in posts]
        self._covered = set(covered)

    def covers(self, concept_id):
        return concept_id in self._covered


def test_matcher_order_interleaves_plausible_posts_before_second_sections():
    index = FakeIndex(["a", "a", "a", "b", "b"])
    candidates = [(0, 0.50), (1, 0.48), (2, 0.47), (3, 0.46), (4, 0.30)]
    ranked = [m.section_id for m in matcher.order(index, candidates, limit=5)]
    assert ranked[:2] == [0, 3]
    assert [index.sections[i]["post_guid"] for i in ranked].count("a") <= matcher.MAX_PER_POST


def test_matcher_order_gives_a_dominant_post_its_best_sections_first():
    index = FakeIndex(["a", "a", "a", "b", "c"])
    candidates = [(0, 0.60), (1, 0.55), (2, 0.50), (3, 0.25), (4, 0.20)]
    ranked = [m.section_id for m in matcher.order(index, candidates, limit=5)]
    assert ranked == [0, 1, 2, 3, 4]


def test_matcher_order_stops_where_relevance_stops():
    index = FakeIndex(["a", "b", "c", "d"])
    candidates = [(0, 0.60), (1, 0.40), (2, 0.12), (3, 0.05)]
    ranked = [m.section_id for m in matcher.order(index, candidates, limit=5)]
    assert ranked == [0, 1]


def test_matcher_order_caps_sections_per_post():
    index = FakeIndex(["a"] * 6)
    ranked = matcher.order(index, [(i, 0.9 - i / 100) for i in range(6)], limit=5)
    assert len(ranked) == matcher.MAX_PER_POST


def _shown(index, ranked):
    """Sections in the order a visitor sees them: one card per post, its other sections as links under it."""
    as_cards = [{"post_slug": index.sections[m.section_id]["post_guid"], "section_url": str(m.section_id),
                 "section_heading": str(m.section_id), "score": m.score} for m in ranked]
    return [int(card["section_url"]) for card in cards.flat(cards.group(as_cards))]


def test_matcher_order_shows_a_plausible_second_posts_best_section_among_the_first_three(monkeypatch):
    # Two posts within PLAUSIBLE of each other, three sections each: the first card's links would
    # otherwise fill the first three sections shown and push the second post's card to fourth.
    index = FakeIndex(["a", "a", "a", "b", "b", "b"])
    candidates = [(0, 0.50), (1, 0.49), (2, 0.48), (3, 0.47), (4, 0.46), (5, 0.45)]
    shown = _shown(index, matcher.order(index, candidates, limit=5))
    assert shown[:3] == [0, 1, 3]
    monkeypatch.setattr(matcher, "FIRST_SHOWN", 0)
    assert 3 not in _shown(index, matcher.order(index, candidates, limit=5))[:3]


def test_matcher_order_three_plausible_posts_each_lead_within_the_first_three_shown():
    index = FakeIndex(["a", "a", "b", "b", "c", "c"])
    candidates = [(0, 0.50), (2, 0.49), (4, 0.48), (1, 0.47), (3, 0.46), (5, 0.45)]
    shown = _shown(index, matcher.order(index, candidates, limit=5))
    assert shown[:3] == [0, 2, 4]


def test_matcher_order_keeps_a_dominant_posts_sections_together():
    # One post far ahead: its card keeps its links (no plausible second post to make room for).
    index = FakeIndex(["a", "a", "a", "b"])
    candidates = [(0, 0.60), (1, 0.55), (2, 0.50), (3, 0.20)]
    assert _shown(index, matcher.order(index, candidates, limit=5)) == [0, 1, 2, 3]


@pytest.mark.parametrize(("plausible", "budgets"), [(0, []), (1, []), (2, [2]), (3, [1, 1]), (6, [1, 1])])
def test_matcher_section_budgets(plausible, budgets):
    assert matcher.section_budgets(plausible) == budgets


@pytest.mark.parametrize(("concepts", "covered", "expected"), [
    (["acupuncture", "insurance"], {"insurance"}, ["acupuncture"]),
    (["plantar_wart", "foot"], {"foot"}, ["plantar_wart"]),
    (["flat_feet", "lower_leg", "shin_splints"], {"lower_leg", "shin_splints"}, []),
    (["calf_strain", "return_to_run"], {"return_to_run"}, []),
    (["plantar_fasciitis", "heel_ankle", "footwear"], {"heel_ankle", "footwear"}, []),
    (["plantar_fasciitis", "heel_ankle"], {"heel_ankle"}, ["plantar_fasciitis"]),
    (["golfers_elbow"], {"golfers_elbow"}, []),
    # A covered care topic is also named: "not discussed" never refuses it (issue 15).
    (["shop", "home_exercise"], {"home_exercise"}, []),
    (["acupuncture", "first_visit"], {"first_visit"}, []),
    (["sciatica", "back"], {"back"}, ["sciatica"]),
    # An operation behind the visitor never claims its region: the region's posts answer how it feels now.
    (["knee_replacement", "knee"], {"knee"}, []),
    (["hip_replacement", "hip"], {"hip"}, []),
    (["knee_replacement"], set(), ["knee_replacement"]),
])
def test_matcher_uncovered_reports_subjects_the_blog_lacks(concepts, covered, expected):
    assert matcher.uncovered(FakeIndex([], covered), concepts) == expected


@pytest.fixture(scope="module")
def index(built_index_dir):
    return search.load(built_index_dir)


@pytest.mark.parametrize("message", ["my jaw clicks when I chew", "do you take my insurance for acupuncture?",
                                     "do you sell gift cards?",
                                     # "pelvic" is also a hip word; the service it names is the subject
                                     "pelvic floor therapy after pregnancy"])
def test_matcher_rank_abstains_on_topics_the_blog_does_not_cover(index, message):
    assert matcher.rank(index, message).matched is False


def test_matcher_rank_shows_two_posts_when_both_are_asked_about(index):
    ranking = matcher.rank(index, "what's the difference between tennis elbow and golfer's elbow?")
    posts = [index.sections[m.section_id]["post_slug"] for m in ranking.matches[:2]]
    assert any("golfers" in p for p in posts) and any("tennis" in p for p in posts)


def test_matcher_rank_answers_a_long_description_that_names_a_covered_condition(index):
    ranking = matcher.rank(index, "so yesterday after a long walk around town with the family and the dog the "
                                  "outside of my knee started hurting again, it band maybe?")
    assert ranking.names_covered_condition is True
    assert ranking.matched is True
    assert "it-band" in index.sections[ranking.matches[0].section_id]["post_slug"]


ACHILLES = (
    "<p>Achilles tendinopathy is a common overuse problem in runners and active adults, and the Achilles "
    "tendon at the back of the heel is where it hurts.</p>"
    "<h2>What Is Achilles Tendinopathy?</h2><p>Achilles tendinopathy is irritation and thickening of the "
    "Achilles tendon. The Achilles tendon is stiff and sore in the morning, the Achilles aches on hills, "
    "and an irritated Achilles tendon is tender to pinch. Achilles pain is felt in the tendon itself.</p>"
    "<h2>Who Gets Achilles Tendinopathy?</h2><p>Runners who add hills or speed work quickly, jumpers and "
    "people returning to sport after a break load the Achilles tendon faster than it adapts, and the "
    "Achilles becomes painful after a few weeks of the new training.</p>"
    "<h2>What a Treatment Course Looks Like</h2><p>Your physical therapist starts with an assessment and "
    "a loading program you do at home every other day. Shockwave sessions are scheduled five to seven days "
    "apart, and most people complete three to six sessions alongside the exercises. Soreness for a day or "
    "two after each session is a normal tissue response and settles without treatment. The plan is "
    "adjusted every visit as the tendon settles, until you are back to full training.</p>"
)
KNEE = (
    "<p>Knee pain in runners often comes from the hips rather than the knee itself.</p>"
    "<h2>Why the Knee Hurts</h2><p>Weak hip muscles let the knee drift inward on every stride, which "
    "loads the kneecap and the tissues around it. Strengthening the hips is what settles it.</p>"
    "<h2>Exercises That Help</h2><p>Side planks, single leg squats and band walks two or three times a "
    "week build the hip strength that keeps the knee tracking straight while you run.</p>"
)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from index.feed import Post

    posts = [Post(guid=f"p{n}", title=title, link=f"https://clinic.example/blog/{slug}", published=None, html=html)
             for n, (title, slug, html) in enumerate([
                 ("Achilles Tendinopathy and Shockwave", "achilles", ACHILLES),
                 ("Knee Pain in Runners", "knee", KNEE)])]
    path = tmp_path_factory.mktemp("small-index")
    build.build(posts, path)
    return search.load(path)


def best_section_heading(index, message):
    ranking = matcher.rank(index, message)
    return index.sections[ranking.matches[0].section_id]["heading"]


def test_matcher_within_post_prefers_the_section_holding_the_question_over_a_denser_definition(small_index):
    message = "how far apart are the shockwave sessions for my achilles"
    assert best_section_heading(small_index, message) == "What a Treatment Course Looks Like"


def test_matcher_within_post_presence_is_what_lifts_the_answering_section(small_index, monkeypatch):
    message = "how far apart are the shockwave sessions for my achilles"
    query = small_index.query_vector(message)
    candidates = small_index.search_vector(query, k=20)
    with_presence = matcher.within_post(small_index, query, candidates)
    monkeypatch.setattr(matcher, "PRESENCE_WEIGHT", 0.0)
    without = matcher.within_post(small_index, query, candidates)
    course = next(i for i, s in enumerate(small_index.sections) if s["heading"] == "What a Treatment Course Looks Like")
    definition = next(i for i, s in enumerate(small_index.sections) if s["heading"] == "What Is Achilles Tendinopathy?")
    assert with_presence[course] - with_presence[definition] > without[course] - without[definition]


def test_matcher_within_post_heading_naming_the_posts_condition_earns_nothing(small_index, monkeypatch):
    # "achilles" is in every section of its post, so a heading that only repeats it tells nothing.
    monkeypatch.setattr(matcher, "LOCAL_WEIGHT", 0.0)
    monkeypatch.setattr(matcher, "PRESENCE_WEIGHT", 0.0)
    query = small_index.query_vector("achilles tendinopathy")
    candidates = small_index.search_vector(query, k=20)
    adjusted = matcher.within_post(small_index, query, candidates)
    assert all(adjusted[sid] == pytest.approx(score) for sid, score in candidates)


def test_matcher_rank_reads_a_bare_age_as_an_older_athlete(index):
    for message in ("I'm 58 and keep getting injured training for a marathon",
                    "keep getting hurt running now that I'm in my late forties"):
        ranking = matcher.rank(index, message)
        assert "masters_athlete" in ranking.concepts
        slugs = [index.sections[m.section_id]["post_slug"] for m in ranking.matches[:3]]
        assert any("over-40" in s for s in slugs), slugs


BOOK_REVIEW = (
    "<p>Our book club read a novel this month about a marathon. The story follows a young woman in a small "
    "seaside town who decides to enter the city marathon after her father dies. The marathon gives the plot "
    "its shape: every chapter is a week of the months before the marathon, with her family, her friends at "
    "the bakery, a dog called Biscuit, an old radio, letters from her brother abroad and a long wet autumn. "
    "The writing is warm and funny, the town feels real, and the ending made half of us cry. Her knee "
    "barely features beyond a knee brace in chapter two. We gave it four stars out of five and recommend it "
    "for a winter evening with tea.</p>")


def review_and_knee_index(folder):
    from index.feed import Post

    posts = [Post(guid="p0", title="Knee Pain in Runners", link="https://clinic.example/blog/knee", published=None,
                  html=KNEE),
             Post(guid="p1", title="Book Club: A Marathon Novel", link="https://clinic.example/blog/book-club",
                  published=None, html=BOOK_REVIEW)]
    build.build(posts, folder)
    return search.load(folder)


def test_matcher_off_topic_post_never_outranks_the_clinical_one(tmp_path, monkeypatch):
    """Issue 15 item 5: a book review sharing the visitor's words ("marathon", "knee") comes after every
    section of the clinical post; without the topic prior (build.TOPIC_PIVOT) it is interleaved ahead."""
    message = "knee sore after every marathon training week"

    def slugs(index):
        return [index.sections[m.section_id]["post_slug"] for m in matcher.rank(index, message).matches]

    ranked = slugs(review_and_knee_index(tmp_path / "with-prior"))
    assert ranked[0] == "knee" and "book-club" not in ranked[:ranked.count("knee")]
    monkeypatch.setattr(build, "TOPIC_PIVOT", 0.0)
    unguarded = slugs(review_and_knee_index(tmp_path / "without-prior"))
    assert unguarded.index("book-club") < len(unguarded) - 1


@pytest.mark.parametrize("message", ["my knee hurts going down stairs", "pain at the front of my knee after running"])
def test_matcher_a_described_condition_is_answered_from_its_covered_region(kibworth_index, message):
    """The lexicon reads these as patellofemoral pain, which the Kibworth blog never names; the visitor
    described a knee, and the blog's knee post answers them (the 'not discussed' answer is for names)."""
    ranking = matcher.rank(kibworth_index, message)
    assert "patellofemoral" in ranking.concepts
    assert ranking.uncovered == [] and ranking.matched
    assert kibworth_index.sections[ranking.matches[0].section_id]["post_slug"] == "knee-pain"


@pytest.mark.parametrize("message", ["I had a knee replacement last year and my knee aches going downhill",
                                     "me pusieron una prótesis de rodilla y me duele la rodilla al bajar escaleras"])
def test_matcher_a_replaced_joint_is_answered_from_its_region(kibworth_index, message):
    """An operation the blog never names is history; the knee post answers the knee it left."""
    ranking = matcher.rank(kibworth_index, chat.english_reading(message, kibworth_index))
    assert "knee_replacement" in ranking.concepts
    assert ranking.uncovered == [] and ranking.matched
    assert kibworth_index.sections[ranking.matches[0].section_id]["post_slug"] == "knee-pain"


@pytest.mark.parametrize("message", ["I have a plantar wart on the bottom of my foot", "do you treat runner's knee?"])
def test_matcher_a_named_uncovered_condition_is_not_rescued_by_its_own_region(kibworth_index, message):
    """Named outright, a condition the blog does not discuss still gets the honest 'not discussed'."""
    ranking = matcher.rank(kibworth_index, message)
    assert ranking.uncovered and not ranking.matched


@pytest.mark.parametrize("message", ["should I use ice or heat on a sprained ankle",
                                     "heating pad or ice pack for my sore back",
                                     "is it better to ice or heat a pulled hamstring"])
def test_matcher_ice_or_heat_reaches_a_post_on_ice_and_heat(kibworth_index, message):
    """Cold and heat at home is a care topic (lexicon ice_heat): the blog's post on it answers, even
    when the message also names a sprain the blog has no post on."""
    ranking = matcher.rank(kibworth_index, message)
    assert "ice_heat" in ranking.concepts and ranking.matched
    assert kibworth_index.sections[ranking.matches[0].section_id]["post_slug"] == "ice-and-heat"


@pytest.mark.parametrize("message", ["do epsom salt baths help sore muscles",
                                     "do you sell bath salts for aching muscles?"])
def test_matcher_bath_salts_reach_the_post_on_them(kibworth_index, message):
    """Rubs and soaks are a care topic (lexicon rubs_and_soaks) the blog covers: a question about them,
    even one asking to buy them (a shop service the blog has no heading for), gets the post on them."""
    ranking = matcher.rank(kibworth_index, message)
    assert "rubs_and_soaks" in ranking.concepts and ranking.matched
    assert kibworth_index.sections[ranking.matches[0].section_id]["post_slug"] == "jones-the-bones"


# Issue 19: a short section made of the message's one word ("Exercise Classes" over a few lines) against
# a fuller section that answers the question and shares more of its words. Wordings written for this test.
CLASSES = (
    "<p>Our summer timetable is out: classes run every weekday at the clinic, with a new teacher on Thursdays "
    "and a longer session on Saturday mornings for anyone who wants it.</p>"
    "<h2>Exercise Classes</h2><p>Exercise classes are back: gentle exercise on Mondays, circuits on Wednesdays "
    "and a stretch class on Fridays. Book a place at reception or by phone, and bring water, a towel and "
    "comfortable shoes.</p>")
LATER_LIFE = (
    "<p>Many people in their sixties and seventies tell us they feel too old to start. It is never too late to "
    "start moving more. Joints with arthritis often feel less stiff once they move, and muscles and bones keep "
    "responding to training at any age, so exercise helps. Begin gently: a short daily walk, standing up from a "
    "chair ten times, climbing the stairs a little faster. Add a little more each week, and if a joint is sore "
    "the next morning do a little less, not nothing. A physical therapist can check your balance and your heart "
    "history and write a plan that starts where you are, so that you can keep walking, gardening and playing "
    "with your grandchildren for years.</p>")
OTHER_POSTS = [
    ("Back Pain at Work", "back-pain", "<p>Sitting at a desk all day loads the lower back. Stand up every half "
     "hour, set the screen at eye level and keep your feet flat on the floor. Back pain at work usually settles "
     "with movement, not rest.</p>"),
    ("Sleep and Recovery", "sleep", "<p>Sleep is when tissues repair. Most adults need seven to nine hours; a "
     "cool dark room, no screens before bed and a regular wake time help recovery after injury and training.</p>"),
    ("Running Shoes", "shoes", "<p>Running shoes wear out after about five hundred miles. Replace them when the "
     "midsole creases, choose comfort over fashion and change shoes gradually to avoid calf and shin pain.</p>"),
]
LATE_START = "is it too late to start exercise at 70?"


def dense_and_full_index(folder):
    from index.feed import Post

    posts = [Post(guid=slug, title=title, link=f"https://clinic.example/blog/{slug}", published=None, html=html)
             for title, slug, html in [*OTHER_POSTS, ("Summer Timetable", "timetable", CLASSES),
                                       ("Never Too Late", "never-too-late", LATER_LIFE)]]
    build.build(posts, folder)
    return search.load(folder)


def test_search_saturate_keeps_small_weights_and_bounds_large_ones():
    weights = np.array([0.02, 0.1, 0.3, 0.6, 1.0], dtype=np.float32)
    out = search.saturate(weights, 0.3)
    assert out[0] == pytest.approx(0.02, rel=0.01)
    assert np.all(np.diff(out) > 0) and np.all(out < 0.3) and np.all(out <= weights)
    assert search.saturate(weights, None) is weights


def test_matcher_short_section_dense_with_one_word_does_not_outrank_the_fuller_answer(tmp_path, monkeypatch):
    """Without saturation (search.SECTION_SATURATION) the four-line "Exercise Classes" section, all about the
    message's one word, comes first; with it the section that answers the question does."""
    def first_post(index):
        ranking = matcher.rank(index, LATE_START)
        return index.sections[ranking.matches[0].section_id]["post_slug"]

    index = dense_and_full_index(tmp_path / "saturated")
    assert first_post(index) == "never-too-late"
    monkeypatch.setattr(search, "SECTION_SATURATION", None)
    assert first_post(index) == "timetable"


def test_matcher_thresholds_read_the_plain_cosine(tmp_path):
    """Saturation only orders sections: the best score and each match's score stay the cosine MIN_SCORE,
    the desk and the conversation were calibrated on."""
    index = dense_and_full_index(tmp_path / "index")
    ranking = matcher.rank(index, LATE_START)
    query = index.blend(index.terms_vector(analysis.read(LATE_START, index).terms))
    cosine = index.vector_scores(query)
    assert ranking.best_score == pytest.approx(float(cosine.max()))
    assert all(m.score == pytest.approx(float(cosine[m.section_id])) for m in ranking.matches)
    assert index.vector_scores(query, saturated=True).max() < cosine.max()


class _Columns:
    """An index whose one section names the concept token in column 0."""

    def __init__(self, named):
        from scipy import sparse
        self.matrix_csc = sparse.csc_matrix(np.array([[1.0 if named else 0.0]]))

    def columns(self, terms):
        return [0 for _ in terms]

    def covers(self, concept_id):
        return False


@pytest.mark.parametrize(("named", "expected"), [(True, []), (False, ["weak_hips"])])
def test_matcher_a_condition_the_best_section_names_is_not_reported_undiscussed(named, expected):
    # The coverage rule (a heading or 3+ sections) misses a condition a single section discusses;
    # when that section is the best match, "not discussed" would be untrue.
    assert matcher.uncovered(_Columns(named), ["weak_hips"], best_section=0) == expected


def test_matcher_a_service_the_best_section_mentions_still_needs_a_heading():
    assert matcher.uncovered(_Columns(True), ["acupuncture"], best_section=0) == ["acupuncture"]
