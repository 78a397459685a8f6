"""The triage desk: paste an inquiry, get region, red flags, sections, logistics and a reply draft or phone script."""

from __future__ import annotations

from flask import current_app, render_template, request

from bot import answers, matcher, snippets
from bot.chat import respond, result_card, triage_numbers
from bot.desk import compose_draft, guess_region, load_regions, logistics, region_by_id
from web.clinic import bot_settings
from web.inquiry_log import log_turn
from web.live import current_index
from web.staff.blueprint import bp
from web.staff.forms import DeskForm

CANDIDATES = 8
DEFAULT_PICKS = 3


def _candidates(index, query: str, stems: set[str]) -> list[dict]:
    """Sections staff can choose from, best first, each with its section id."""
    ranking = matcher.rank(index, query, limit=CANDIDATES)
    cards = []
    for match in ranking.matches:
        card = result_card(index, match, stems)
        card["id"] = str(match.section_id)
        card["weak"] = match.score < matcher.MIN_SCORE
        cards.append(card)
    return cards


def analyse(message: str, region_choice: str | None, picked: list[str] | None) -> dict:
    """Everything the desk shows for one inquiry (and the staff's corrections)."""
    index = current_index()
    settings = bot_settings(current_app.config, index)
    answer = respond(message, index, settings)
    triage = answer["triage"]
    chosen = region_by_id(region_choice) if region_choice else None
    guessed = guess_region(message, answer)
    region = chosen or guessed
    emergency = triage["level"] == "emergency"
    candidates: list[dict] = []
    if not emergency:
        query = f"{message} {chosen.query}" if chosen and chosen != guessed else message
        candidates = _candidates(index, query, snippets.query_stems(query))
    if picked is not None:
        selected = [c for c in candidates if c["id"] in set(picked)]
    else:
        selected = [c for c in candidates if not c["weak"]][:DEFAULT_PICKS]
    topics = [] if emergency else logistics(message)
    draft = compose_draft(message, region, triage, selected, topics, settings)
    script = answers.phone_script(triage, triage_numbers(settings))
    answer["region"] = region.id if region else None
    return {"answer": answer, "triage": triage, "region": region, "guessed": guessed, "candidates": candidates,
            "selected_ids": {c["id"] for c in selected}, "topics": topics, "draft": draft, "settings": settings,
            "script": "\n".join(script) if script else None, "flag_reason": answers.flag_reason(triage)}


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
            result = analyse(message, form.region.data or None, picked)
            if not refining:
                result["logged"] = log_turn(message, "desk", None, result["answer"])
        else:
            status = 400
    return render_template("staff/desk.html", form=form, result=result), status
