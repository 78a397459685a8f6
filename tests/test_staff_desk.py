"""The triage desk: region, red flags, sections, logistics and a reply draft that follows corrections."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from bot.desk import RegionsError, guess_region, load_regions, logistics, region_by_id
from bot.drafts import compose_draft
from bot.settings import BotSettings
from index import analysis
from store.models import Turn
from tests.staffkit import csrf_token, login, make_account
from web import db

MARIA = ("Maria called, left knee pain going down stairs for three weeks, runner, wants to know if we can help, "
         "no referral. Her number is 424-555-0199.")


@pytest.fixture
def desk(app, client):
    """A logged-in client."""
    make_account(app)
    login(client)
    return client


def analyse(client, **fields):
    """Post the desk form and return (status, page text)."""
    data = {"csrf_token": csrf_token(client, "/staff/"), **fields}
    response = client.post("/staff/", data=data)
    return response.status_code, response.get_data(as_text=True)


def script_text(page: str) -> str:
    """The phone script in the page."""
    return html.unescape(re.search(r'<textarea id="script-text"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def draft_text(page: str) -> str:
    """The plain-text draft in the page."""
    return html.unescape(re.search(r'<textarea id="draft-text"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def checked_ids(page: str) -> list[str]:
    """Section ids ticked for the draft."""
    return re.findall(r'name="sections" value="(\d+)" id="sec-\d+" checked', page)


def test_desk_reads_a_phone_note(app, desk):
    status, page = analyse(desk, inquiry=MARIA)
    assert status == 200
    assert "Region: <strong>Knee</strong>" in page
    assert "Direct access (no referral)" in page and "First visit" in page
    text = draft_text(page)
    assert text.startswith("Hi Maria,")
    assert "your knee" in text
    assert "https://www.victoryperformancept.com/contact" in text
    assert "not medical advice" in text
    assert "424-555-0199" not in text
    links = re.findall(r"^  (https://\S+)$", text, re.M)  # one short link per post, on its own line
    assert 1 <= len(links) <= len(checked_ids(page)) <= 3
    assert "#:~:text=" not in text and "#" not in "".join(links)
    assert '<ul><li><a href="https://www.victoryperformancept.com/' in page
    with db.session_scope(app) as session:
        [turn] = session.scalars(select(Turn)).all()
    assert turn.channel == "desk" and turn.region == "knee"
    assert "Maria" not in turn.text and "0199" not in turn.text


def test_desk_emergency_shows_rule_and_no_articles(desk):
    status, page = analyse(desk, inquiry="Patient emailed: sudden crushing chest pain and short of breath")
    assert status == 200
    assert "EMERGENCY" in page
    assert "Rule fired: <strong>Cardiac: " in page  # the rule's readable name, its id beside it
    assert 'name="sections"' not in page
    assert 'id="draft-text"' not in page  # a phone script, not an email draft
    text = script_text(page)
    assert "hang up now and call 911" in text
    assert "https://www.victoryperformancept.com/blog" not in text


def test_desk_draft_follows_picked_sections(desk):
    _, page = analyse(desk, inquiry=MARIA)
    all_ids = re.findall(r'name="sections" value="(\d+)"', page)
    chosen = [i for i in all_ids if i not in checked_ids(page)][:1]
    assert chosen
    status, page2 = analyse(desk, inquiry=MARIA, refine="1", picked="1", sections=chosen, region="",
                            last_region="")
    assert status == 200
    assert checked_ids(page2) == chosen
    assert len(re.findall(r"^  https://\S+$", draft_text(page2), re.M)) == 1


def test_desk_region_correction_changes_draft_and_sections(desk):
    _, before = analyse(desk, inquiry="pain when I run downhill for a month")
    status, after = analyse(desk, inquiry="pain when I run downhill for a month", refine="1", picked="1",
                            region="heel_achilles", last_region="")
    assert status == 200
    assert "Region: <strong>Heel and Achilles</strong>" in after
    assert "your heel and Achilles" in draft_text(after)
    assert re.findall(r'name="sections" value="(\d+)"', after) != re.findall(r'name="sections" value="(\d+)"', before)


def test_desk_refinement_is_not_logged_again(app, desk):
    analyse(desk, inquiry=MARIA)
    analyse(desk, inquiry=MARIA, refine="1", picked="1", region="knee", last_region="")
    with db.session_scope(app) as session:
        assert len(session.scalars(select(Turn)).all()) == 1


def test_desk_empty_inquiry_is_a_form_error(desk):
    status, _ = analyse(desk, inquiry="   ")
    assert status == 400


def test_guess_region_prefers_earliest_mention():
    assert guess_region("knee pain that spreads down to the shin").id == "knee"
    assert guess_region("my shin hurts, not the knee").id == "shin"
    assert guess_region("headache") is None
    assert guess_region("pain", {"region": "elbow"}).id == "elbow"


@pytest.mark.parametrize(("message", "answer", "expected"), [
    ("my back hurts when I bend", None, "lower_back"),          # no desk term: the bot's region, main entry
    ("pain between my shoulder blades", None, "upper_back"),    # the desk's finer words win
    ("funny bone tingles", None, "elbow"),                      # lay phrase only the lexicon knows
    ("it aches", {"region": "lower leg"}, "shin"),             # the bot's label from a chat answer
    ("it aches", {"region": "heel and ankle"}, "ankle_foot"),
    ("it aches", {"region": "calf"}, "calf"),                   # a desk id staff picked stays
    ("I have a headache", None, None),
])
def test_guess_region_refines_the_bots_lexicon_region(message, answer, expected):
    guessed = guess_region(message, answer)
    assert (guessed.id if guessed else None) == expected


def test_earliest_region_pattern_finds_what_a_search_per_term_finds(bundled_posts):
    from bs4 import BeautifulSoup

    from bot.desk import _earliest
    from index.analysis import fold

    def per_term(text, regions):
        best = None
        for order, region in enumerate(regions):
            for term in region.terms:
                match = re.search(rf"\b{re.escape(term)}\b", text)
                if match and (best is None or (match.start(), order) < best[:2]):
                    best = (match.start(), order, region)
        return best[2] if best else None

    regions = load_regions()
    texts = [fold(sentence) for post in bundled_posts
             for sentence in re.split(r"(?<=[.!?])\s+", BeautifulSoup(post.html, "html.parser").get_text(" "))]
    texts += ["knee pain that spreads to the shin", "back of my knee", "lower back and hip", ""]
    assert sum(per_term(t, regions) is not None for t in texts) > 100
    assert [_earliest(t, regions) for t in texts] == [per_term(t, regions) for t in texts]


def test_desk_regions_cover_every_lexicon_region_and_name_only_real_ones(tmp_path):
    bot_regions = {c.id for c in analysis.lexicon().by_kind("region")}
    assert bot_regions <= {name for r in load_regions() for name in r.lexicon}
    bad = tmp_path / "regions.toml"
    bad.write_text('[[region]]\nid = "x"\nlexicon = ["nose"]\n[region.desk]\nlabel = "X"\nterms = ["x"]\nquery = "x"\n')
    with pytest.raises(RegionsError, match="nose is not a lexicon region"):
        load_regions(str(bad))
    bad.write_text('[[region]]\nid = "x"\nlexicon = ["knee"]\n[region.desk]\nlabel = "X"\nterms = ["x"]\nquery = "x"\n')
    with pytest.raises(RegionsError, match="have no desk region"):
        load_regions(str(bad))


def test_logistics_triggers():
    assert [t.id for t in logistics("do I need a referral? what does insurance cover")] == ["direct_access",
                                                                                          "insurance"]
    assert logistics("my knee hurts") == []


def test_desk_reads_a_message_once(monkeypatch):
    """Region and logistics take the message's Reading (analysis.read), not a second tokenising of it."""
    message = "my back hurts when I bend; do I need a referral?"
    analysis.read(message)

    def again(*args):
        raise AssertionError("the message was tokenised again")

    monkeypatch.setattr(analysis, "_tokens", again)
    monkeypatch.setattr(analysis, "fold", again)
    assert guess_region(message).id == "lower_back"
    assert [t.id for t in logistics(message)] == ["direct_access"]


def test_compose_draft_html_escapes_visitor_controlled_text():
    section = {"post_title": "<script>x</script>", "section_heading": None, "section_url": "https://e.x/a\"b"}
    draft = compose_draft("my name is <b>", region_by_id("knee"), {"level": "routine"}, [section], [],
                          BotSettings(booking_url="https://e.x/book"))
    assert "<script>" not in str(draft.html)
    assert 'href="https://e.x/a&#34;b"' in str(draft.html)
    assert draft.text.startswith("Hello,")


def test_desk_spanish_emergency_script_is_in_spanish(desk):
    status, page = analyse(desk, inquiry="Llamo por mi papa: se le cayo la cara de un lado y habla raro")
    assert status == 200
    assert "EMERGENCY" in page and 'id="draft-text"' not in page
    text = script_text(page)
    assert "Por favor, cuelgue ahora y llame al 911" in text
    assert "Spanish-speaking caller" in text


def test_desk_crisis_gets_a_phone_script_with_the_crisis_line(desk):
    status, page = analyse(desk, inquiry="I have been saving up my pills and I plan to take them all tonight")
    assert status == 200
    text = script_text(page)
    assert "You're not alone" in text and "call or text 988" in text
    assert "Flagged by: <strong>rule suicide-plan" in page


@pytest.mark.parametrize("triage, expected", [
    ({"rule_ids": [], "learned_score": 0.934}, "learned screen, 0.93"),
    ({"rule_ids": ["self-harm"], "learned_score": 0.5}, "rule self-harm; learned screen, 0.50"),
    ({"rule_ids": ["stroke-face"]}, "rule stroke-face"),
    ({"rule_ids": []}, None),
])
def test_flag_reason_names_the_rule_and_the_learned_score(triage, expected):
    from bot.answers import flag_reason
    assert flag_reason(triage) == expected


ACHILLES = "Caller wants to know about achilles pain and whether she needs a referral, also do you take insurance"
SPANISH = "Hola, me duele la rodilla cuando bajo las escaleras desde hace un mes. ¿Aceptan seguro? Soy Lucía"


def test_desk_draft_has_only_sections_about_the_complaint(desk):
    _, page = analyse(desk, inquiry=ACHILLES)
    text = draft_text(page)
    assert "Direct access" in page and "Insurance and cost" in page  # answered by the topics' own sentences
    headings = re.findall(r"^  See (.+)\.$", text, re.M)
    assert headings and all("referral" not in h.lower() and "insurance" not in h.lower() for h in headings)
    assert "Achilles" in " ".join(headings)


def test_desk_draft_links_are_short_and_the_draft_is_editable(desk):
    _, page = analyse(desk, inquiry=MARIA)
    text = draft_text(page)
    assert "#:~:text=" not in text and "%20" not in text
    assert "#:~:text=" not in re.search(r'<div id="draft-html".*?</div>', page, re.S).group(0)
    assert re.search(r'<textarea id="draft-text"(?![^>]*readonly)[^>]*>', page)


def test_desk_draft_ends_with_an_email_footer(desk):
    _, page = analyse(desk, inquiry=MARIA)
    text = draft_text(page)
    sign_off, footer = text.split("\n--\n")
    assert "Best wishes,\nThe team at Victory Performance and Physical Therapy" in sign_off
    assert footer.startswith("You are receiving this email because you contacted")
    assert "This chat" not in text  # the chat's notice is written for the chat


def test_desk_spanish_inquiry_gets_a_spanish_draft_with_english_articles(app, desk):
    status, page = analyse(desk, inquiry=SPANISH)
    assert status == 200
    assert 'class="inquiry-lang">Spanish' in page and "Region: <strong>Knee</strong>" in page
    text = draft_text(page)
    assert text.startswith("Hola, Lucía:") and "su rodilla" in text
    assert "(artículo en inglés)" in text and re.search(r"^  https://www\.victoryperformancept\.com/blog/", text, re.M)
    assert "Knee" in text  # the articles keep their English titles
    assert "tarjeta del seguro" in text  # the insurance topic, answered in Spanish
    assert "Recibe este correo" in text and "Best wishes" not in text
    with db.session_scope(app) as session:
        [turn] = session.scalars(select(Turn)).all()
    assert turn.lang == "es" and "Lucía" not in turn.text


def test_desk_spanish_inquiry_can_be_answered_in_english(desk):
    status, page = analyse(desk, inquiry=SPANISH, refine="1", picked="0", region="", last_region="",
                           reply_lang="en")
    assert status == 200
    text = draft_text(page)
    assert text.startswith("Hi Lucía,") and "artículo en inglés" not in text and "your knee" in text


def test_desk_note_names_are_redacted_before_storage(app, desk):
    analyse(desk, inquiry="Caller (Bob, 67) says his knee hurts on stairs; spoke with Mrs. Lopez, call 310-555-0199")
    with db.session_scope(app) as session:
        [turn] = session.scalars(select(Turn)).all()
    assert turn.text == "Caller ([name], 67) says his knee hurts on stairs; spoke with [name], call [phone]"


def test_answering_keeps_region_sections_and_drops_logistics_and_weak_ones():
    from bot.drafts import answering

    knee = region_by_id("knee")
    cards = [
        {"post_title": "Knee pain in runners", "section_heading": "Runner's knee", "score": 0.30, "post_url": "a"},
        {"post_title": "Choosing a PT", "section_heading": "What about insurance and cost?", "score": 0.29,
         "post_url": "b"},
        {"post_title": "Knee pain in runners", "section_heading": "Hills", "score": 0.25, "post_url": "a"},
        {"post_title": "Knee pain in runners", "section_heading": "Strength", "score": 0.24, "post_url": "a"},
        {"post_title": "Hip flexors", "section_heading": "Tight hips", "score": 0.24, "post_url": "c",
         "text": "tight hip flexors can pull on the knee"},
        {"post_title": "Shoulder pain", "section_heading": "Rotator cuff", "score": 0.28, "post_url": "d"},
        {"post_title": "Knee pain", "section_heading": "Patella", "score": 0.10, "post_url": "e"},
        {"post_title": "Knee pain", "section_heading": "Weak", "score": 0.29, "post_url": "f", "weak": True},
    ]
    picked = answering(cards, knee, [], limit=4)
    assert [c["section_heading"] for c in picked] == ["Runner's knee", "Hills", "Strength", "Tight hips"]
    assert len(answering(cards, knee, [])) == 3
    anywhere = answering(cards, None, [])  # no region known: region words are not required
    assert "Rotator cuff" in [c["section_heading"] for c in anywhere]


def test_short_link_drops_fragments_and_tracking_only():
    from bot.drafts import short_link

    assert short_link("https://x.example/blog/a-post#:~:text=Runner%27s%20Knee") == "https://x.example/blog/a-post"
    assert short_link("https://x.example/?p=12&utm_source=rss#top") == "https://x.example/?p=12"
