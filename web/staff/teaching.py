"""Teach the bot: staff correct an answer (choose the right section) or add a phrase of the clinic's.

``GET /staff/teaching`` shows what the bot answers a message now (from the log,
the content-gap report, or typed), lets staff search the blog's sections and
pick the right one, add a phrase ("heel cord" means the concept Achilles, or a
post), and lists every lesson with who made it and when, and an Undo button.
Lessons are kept in the database (store/teaching.py) and applied to later
messages by bot/teaching.py through web/teaching.py. Every POST is CSRF-checked
and login-protected by the blueprint (web/staff/__init__.py).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from bot import teaching as lessons
from bot import triage
from bot.chat import respond, triage_numbers
from bot.redact import redact
from index import analysis
from store import teaching as store
from store.models import Turn
from web import db
from web import teaching as live_lessons
from web.api.blueprint import CONTROL
from web.clinic import bot_settings
from web.live import current_index
from web.retention import retention_days
from web.staff.blueprint import bp, sign_as_me

#: Sections offered from a search, and from the bot's own answer.
SEARCH_RESULTS = 12
ANSWER_SECTIONS = 5
MAX_MESSAGE = 2000
MAX_PHRASE = 80
LANGUAGES = [("en", "English"), ("es", "Spanish")]
KIND_LABELS = {"region": "Body regions", "condition": "Conditions", "symptom": "Symptoms",
               "activity": "Activities", "topic": "Care topics", "service": "Services"}
_POSTS: dict[str, list[tuple[str, str]]] = {}


class CorrectionForm(FlaskForm):
    """A message and the section that should answer it."""

    text = TextAreaField("Visitor's message", validators=[DataRequired(), Length(max=MAX_MESSAGE)])
    section_url = HiddenField(validators=[DataRequired(message="Choose the section that answers it.")])
    turn_id = HiddenField(validators=[Optional()])
    source = HiddenField(default="console")


class PhraseForm(FlaskForm):
    """A phrase of the clinic's and what it means."""

    phrase = StringField("Phrase", validators=[DataRequired(), Length(min=2, max=MAX_PHRASE)])
    # Plain fields: the template draws the selects (grouped options), the views check the values.
    lang = StringField("Language of the phrase", default="en",
                       validators=[AnyOf([code for code, _ in LANGUAGES], message="Choose English or Spanish.")])
    meaning = StringField("Means", validators=[DataRequired(message="Choose what the phrase means.")])


def _clean(text: str | None) -> str:
    return CONTROL.sub(" ", text or "").strip()


def posts_of(index) -> list[tuple[str, str]]:
    """(slug, title) of every post of the live index, in feed order (worked out once per version)."""
    found = _POSTS.get(index.version)
    if found is None:
        seen: dict[str, str] = {}
        for section in index.sections:
            seen.setdefault(section["post_slug"], section["post_title"])
        found = list(seen.items())
        _POSTS.clear()
        _POSTS[index.version] = found
    return found


def meaning_choices(index) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a phrase can mean, grouped: the lexicon's concepts by kind, then the blog's posts."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for concept in analysis.lexicon().concepts.values():
        by_kind.setdefault(concept.kind, []).append((f"concept:{concept.id}", concept.label))
    groups = [(KIND_LABELS.get(kind, kind), sorted(items, key=lambda i: i[1].lower()))
              for kind, items in by_kind.items()]
    return groups + [("Posts of the blog", [(f"post:{slug}", title) for slug, title in posts_of(index)])]


def section_by_url(index, url: str) -> tuple[int, dict] | None:
    """The live index's section with this link."""
    for number, section in enumerate(index.sections):
        if section["section_url"] == url:
            return number, section
    return None


def _card(index, number: int, why: str) -> dict:
    section = index.sections[number]
    return {"section_url": section["section_url"], "post_title": section["post_title"],
            "heading": section["heading"], "parent_heading": section["parent_heading"],
            "preview": " ".join((section["text"] or "").split()[:30]), "why": why}


def candidates(index, answer: dict | None, query: str) -> list[dict]:
    """Sections to choose from: those the bot answers with now, then the search's (one per section)."""
    found: dict[str, dict] = {}
    if answer:
        for card in answer.get("results", [])[:ANSWER_SECTIONS]:
            located = section_by_url(index, card["section_url"])
            if located:
                found.setdefault(card["section_url"], _card(index, located[0], "in the bot's answer"))
    if query:
        groups = getattr(index, "section_groups", None)
        seen: set[int] = set()
        for number, _ in index.search(index.correct(query), k=SEARCH_RESULTS * 3):
            group = int(groups[number]) if groups is not None else number
            if group in seen:  # passages of one long section are one choice
                continue
            seen.add(group)
            card = _card(index, number, "search")
            found.setdefault(card["section_url"], card)
            if len(found) >= SEARCH_RESULTS + ANSWER_SECTIONS:
                break
    return list(found.values())


def _turn_text(turn_id: str | None) -> tuple[str, int | None]:
    """The stored (redacted) text of a logged turn and its id; empty when gone."""
    if not turn_id or not turn_id.isdigit():
        return "", None
    with db.session_scope() as session:
        turn = session.get(Turn, int(turn_id))
        return ((turn.text or "") if turn else ""), (turn.id if turn else None)


def _view(row) -> dict:
    if row.kind == "correction":
        target = f"{row.post_title}: {row.section_heading}" if row.section_heading else (row.post_title or "")
    elif row.concept_id:
        concept = analysis.lexicon().concepts.get(row.concept_id)
        target = f"the topic “{concept.label if concept else row.concept_id}”"
    else:
        target = f"the post “{row.post_title}”"
    return {"id": row.id, "kind": row.kind, "text": row.text, "target": target, "url": row.section_url,
            "lang": dict(LANGUAGES).get(row.lang, row.lang), "created_at": row.created_at,
            "created_by": row.created_by, "source": row.source, "was": row.was_answer,
            "undone_at": row.undone_at, "undone_by": row.undone_by}


def render(correction: CorrectionForm | None = None, phrase: PhraseForm | None = None, status: int = 200):
    """The teaching page for the request's message, search and forms."""
    index = current_index()
    correction = correction or CorrectionForm(formdata=None)
    phrase = phrase or PhraseForm(formdata=None)
    source = request.values.get("source", correction.source.data or "console")
    text = _clean(request.values.get("text") or correction.text.data)
    turn_id = request.values.get("turn") or correction.turn_id.data
    if turn_id and not text:
        text, found = _turn_text(turn_id)
        turn_id = str(found) if found else None
        source = "log"
    text = text[:MAX_MESSAGE]
    query = _clean(request.args.get("q"))[:200]
    answer = None
    if text:
        answer = live_lessons.responder()(text, index, bot_settings(current_app.config, index))
    correction.text.data = text
    correction.turn_id.data = turn_id or ""
    correction.source.data = source if source in store.SOURCES else "console"
    with db.session_scope() as session:
        rows = [_view(row) for row in store.listing(session)]
    red_flag = bool(answer) and answer["triage"]["level"] in ("emergency", "urgent")
    return render_template("staff/teaching.html", correction=correction, phrase=phrase, text=text, query=query,
                           answer=answer, red_flag=red_flag,
                           candidates=candidates(index, answer, query or text) if text and not red_flag else [],
                           lessons=rows, turn_id=turn_id or "", source=correction.source.data,
                           meanings=meaning_choices(index), languages=LANGUAGES), status


@bp.get("/teaching")
def teaching_page():
    """Lessons so far, and the forms to make new ones (``?text=``, ``?turn=`` from the log, ``?q=`` to search)."""
    return render()


@bp.post("/teaching/corrections")
def teaching_correct():
    """Record that a message (and messages meaning the same) should be answered with the chosen section."""
    form = CorrectionForm()
    if not form.validate():
        return render(correction=form, status=400)
    index = current_index()
    located = section_by_url(index, form.section_url.data)
    if located is None:
        form.section_url.errors = ["That section is not in the blog any more; choose another."]
        return render(correction=form, status=400)
    redacted = redact(_clean(form.text.data))
    settings = bot_settings(current_app.config, index)
    if triage.screen(redacted, numbers=triage_numbers(settings)).is_red_flag:
        form.text.errors = ["This message gets red-flag guidance. Lessons never change that answer."]
        return render(correction=form, status=400)
    lang, terms, concepts = lessons.read_message(index, redacted)
    before = live_lessons.responder(respond)(redacted, index, settings)["results"]
    was = f"{before[0]['post_title']}: {before[0]['section_heading'] or '(intro)'}" if before else "no answer"
    turn_id = int(form.turn_id.data) if (form.turn_id.data or "").isdigit() else None
    # A clinic that keeps no visitor text (RETENTION_DAYS = 0) keeps none here either: only the reading.
    kept = redacted if retention_days(current_app.config) > 0 else ""
    with db.session_scope() as session:
        store.add_correction(session, who=current_user.email, redacted_text=kept, lang=lang, terms=terms,
                             concepts=concepts, section=located[1], was_answer=was, turn_id=turn_id,
                             source=form.source.data or "console")
    live_lessons.invalidate()
    heading = located[1]["heading"] or "introduction"
    flash(f"Saved. Messages like this one now get “{located[1]['post_title']}: {heading}” first.", "info")
    return redirect(url_for("staff.teaching_page") + "#lessons", code=303)


@bp.post("/teaching/phrases")
def teaching_phrase():
    """Record that a phrase of the clinic's means a lexicon concept or a post."""
    form = PhraseForm()
    index = current_index()
    if not form.validate():
        return render(phrase=form, status=400)
    redacted = redact(_clean(form.phrase.data))
    try:
        lessons.check_phrase(redacted)
    except lessons.TeachingError as exc:
        form.phrase.errors = [str(exc)[:1].upper() + str(exc)[1:] + "."]
        return render(phrase=form, status=400)
    kind, _, value = form.meaning.data.partition(":")
    concept_id, post = None, None
    if kind == "concept" and value in analysis.lexicon().concepts:
        concept_id = value
    elif kind == "post":
        title = dict(posts_of(index)).get(value)
        post = {"post_slug": value, "post_title": title} if title else None
    if concept_id is None and post is None:
        form.meaning.errors = ["Choose a topic or a post from the list."]
        return render(phrase=form, status=400)
    with db.session_scope() as session:
        store.add_phrase(session, who=current_user.email, redacted_phrase=redacted, lang=form.lang.data,
                         concept_id=concept_id, post=post)
    live_lessons.invalidate()
    flash(f"Saved. “{redacted}” is now read as you said.", "info")
    return redirect(url_for("staff.teaching_page") + "#lessons", code=303)


@bp.post("/teaching/<int:teaching_id>/undo")
def teaching_undo(teaching_id: int):
    """Stop a lesson applying; who and when are recorded and the lesson stays listed."""
    sign_as_me(store.undo, teaching_id)
    live_lessons.invalidate()
    flash("Undone. The bot no longer applies that lesson.", "info")
    return redirect(url_for("staff.teaching_page") + "#lessons", code=303)
