"""The triage desk: paste an inquiry, get region, red flags, sections, logistics and a reply draft or phone script."""

from __future__ import annotations

from flask import current_app, render_template, request

from bot import answers, matcher, snippets
from bot.chat import english_reading, respond, result_card, triage_numbers
from bot.desk import guess_region, load_regions, logistics, region_by_id
from bot.drafts import answering, compose_draft
from index import analysis
from web.clinic import bot_settings
from web.inquiry_log import log_turn
from web.live import current_index
from web.staff.alerts import rule_name
from web.staff.blueprint import bp
from web.staff.forms import DeskForm

CANDIDATES = 8
#: Languages a reply can be drafted in, as the console names them.
REPLY_LANGUAGES = {"en": "English", "es": "Spanish (español)"}


def _candidates(index, query: str) -> list[dict]:
    """Sections staff can choose from, best first, each with its section id (and its text, to pick from)."""
    # Read once against the index (analysis.read): ranked, and its corrected words mark the snippets.
    heard = analysis.read(query, index)
    ranking = matcher.rank(index, query, limit=CANDIDATES, reading=heard)
    stems = snippets.query_stems(heard)
    cards = []
    for match in ranking.matches:
        card = result_card(index, match, stems)
        card["id"] = str(match.section_id)
        card["weak"] = match.score < matcher.MIN_SCORE
        card["text"] = index.sections[match.section_id]["text"] or ""
        cards.append(card)
    return cards


def analyse(message: str, region_choice: str | None, picked: list[str] | None, reply_lang: str | None = None) -> dict:
    """Everything the desk shows for one inquiry (and the staff's corrections).

    A Spanish inquiry is matched through its English reading, as the chat does,
    and drafted in Spanish unless staff choose English (``reply_lang``).
    """
    index = current_index()
    settings = bot_settings(current_app.config, index)
    answer = respond(message, index, settings)
    triage = answer["triage"]
    lang = answer.get("lang") or "en"
    chosen = region_by_id(region_choice) if region_choice else None
    guessed = guess_region(message, answer)
    region = chosen or guessed
    emergency = triage["level"] == "emergency"
    candidates: list[dict] = []
    if not emergency:
        read = english_reading(message, index) if lang == "es" else message
        query = f"{read} {chosen.query}" if chosen and chosen != guessed else read
        candidates = _candidates(index, query)
    topics = [] if emergency else logistics(message, lang)
    if picked is not None:
        selected = [c for c in candidates if c["id"] in set(picked)]
    else:
        selected = answering(candidates, region, topics)
    reply_lang = reply_lang if reply_lang in REPLY_LANGUAGES else lang
    draft = compose_draft(message, region, triage, selected, topics, settings, reply_lang)
    script = answers.phone_script(triage, triage_numbers(settings))
    answer["region"] = region.id if region else None
    return {"answer": answer, "triage": triage, "region": region, "guessed": guessed, "candidates": candidates,
            "selected_ids": {c["id"] for c in selected}, "topics": topics, "draft": draft, "settings": settings,
            "script": "\n".join(script) if script else None, "flag_reason": answers.flag_reason(triage),
            "lang": lang, "reply_lang": reply_lang, "reply_languages": REPLY_LANGUAGES,
            "rule_names": [rule_name(r) for r in triage.get("rule_ids") or []]}


@bp.route("/", methods=["GET", "POST"])
def desk():
    """The desk form; a POST analyses the inquiry (and logs it once, as channel 'desk')."""
    form = DeskForm()
    form.region.choices = [("", "Detected automatically")] + [(r.id, r.label) for r in load_regions()]
    result = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            message = form.inquiry.data.strip()
            refining = request.form.get("refine") == "1"
            picked = request.form.getlist("sections") if request.form.get("picked") == "1" else None
            if request.form.get("last_region", "") != (form.region.data or ""):
                picked = None
            result = analyse(message, form.region.data or None, picked, request.form.get("reply_lang"))
            if not refining:
                result["logged"] = log_turn(message, "desk", None, result["answer"])
        else:
            status = 400
    return render_template("staff/desk.html", form=form, result=result), status
