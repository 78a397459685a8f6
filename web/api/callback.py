"""POST /api/callback: a visitor asks the clinic to call or write back.

The widget (or kiosk) sends the visitor's name, a phone number or an email, a
preferred time, an explicit consent flag and optionally their own words; the
request lands in the staff queue with a summary of the conversation. A message
or conversation that screens as an emergency is refused with the emergency
instruction: a call-back is never offered in place of emergency care.
"""

from __future__ import annotations

import logging
import re

from flask import current_app, jsonify
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from bot import answers, triage
from bot.chat import triage_numbers
from bot.desk import guess_region
from bot.redact import redact
from bot.settings import localise
from store import callbacks
from web import db
from web.api.blueprint import CONTROL, VISITOR_CHANNELS, bp, channel_of, conversation_id_of, json_object
from web.clinic import bot_settings
from web.errors import ApiError
from web.i18n import current as current_language
from web.live import current_index

log = logging.getLogger(__name__)

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]{7,25}$")
MAX_WORDS = 2000


def _text(payload: dict, field: str, limit: int, required: bool = False) -> str | None:
    value = payload.get(field)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise ApiError(400, f"missing_{field}", f"The field '{field}' is required.")
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"invalid_{field}", f"The field '{field}' must be a string.")
    value = CONTROL.sub(" ", value).strip()
    if required and not value:
        raise ApiError(400, f"missing_{field}", f"The field '{field}' must not be empty.")
    if len(value) > limit:
        raise ApiError(400, f"invalid_{field}", f"The field '{field}' must be at most {limit} characters.")
    return value


def parse_callback(payload) -> dict:
    """Validate a call-back request; raise ApiError naming the first wrong field, with every wrong field
    in ``fields`` so the form can show them all at once."""
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    problems: list[ApiError] = []

    def checked(read):
        try:
            return read()
        except ApiError as exc:
            problems.append(exc)
            return None

    if payload.get("consent") is not True:
        problems.append(ApiError(400, "consent_required",
                                 "The field 'consent' must be true: we may only contact you with your permission."))
    name = checked(lambda: _text(payload, "name", 100, required=True))
    phone = checked(lambda: _text(payload, "phone", 25))
    email = checked(lambda: _text(payload, "email", 254))
    if phone is None and email is None and not any(p.code.endswith(("_phone", "_email")) for p in problems):
        problems.append(ApiError(400, "missing_contact",
                                 "Give a phone number or an email address so we can reach you."))
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not PHONE_CHARS.match(phone) or not 7 <= len(digits) <= 15:
            problems.append(ApiError(400, "invalid_phone",
                                     "The field 'phone' must be a phone number (7 to 15 digits)."))
    if email is not None and not EMAIL.match(email):
        problems.append(ApiError(400, "invalid_email", "The field 'email' must be an email address."))
    preferred_time = checked(lambda: _text(payload, "preferred_time", 200))
    message = checked(lambda: _text(payload, "message", MAX_WORDS))
    if problems:
        first = problems[0]
        raise ApiError(first.status, first.code, first.message,
                       fields=[{"code": p.code, "message": p.message} for p in problems])
    channel = channel_of(payload, VISITOR_CHANNELS, default="widget")
    conversation_id = conversation_id_of(payload)
    return {"name": name, "phone": phone, "email": email, "preferred_time": preferred_time,
            "message": message, "channel": channel, "conversation_id": conversation_id}


def reference_of(callback_id: int) -> str:
    """A reference a person can read out over the phone ("CB-0042"); the desk finds it by its number."""
    return f"CB-{callback_id:04d}"


def _region(message: str | None) -> str | None:
    """The region the visitor's own words name, when the conversation log has none."""
    region = guess_region(message) if message else None
    return region.id if region else None


def _emergency(instruction: str | None, settings) -> ApiError:
    """The 409 of a call-back request that needs emergency care: the screening's instruction, or ours."""
    return ApiError(409, "emergency", instruction
                    or _("This sounds like an emergency. Call %(number)s now or go to the nearest emergency "
                         "department; a call back would take too long.", number=settings.emergency_number))


def _not_saved(settings) -> ApiError:
    """The 503 of a call-back request the database did not take, counted; it tells the visitor to call."""
    db.record_failure("callback")
    phone = _("Please call us at %(phone)s.", phone=settings.phone) if settings.phone else _("Please call the clinic.")
    return ApiError(503, "unavailable", _("We could not save your request just now.") + " " + phone)


@bp.post("/callback")
def callback():
    """Queue a call-back request (201), or refuse one that needs emergency care (409)."""
    data = parse_callback(json_object())
    settings = bot_settings(current_app.config, current_index())
    screened = triage.screen(data["message"]) if data["message"] else triage.Triage("none")
    if screened.level == "emergency":  # before the database: an outage must not hide this instruction
        # In the language of the visitor's words (or, for words in neither, of the form's page).
        lang = i18n_lang(data["message"])
        safety = answers.compose(screened, data["message"], triage_numbers(settings), lang)
        raise _emergency(safety.text if safety is not None else screened.message, settings)
    if not db.answering():
        log.warning("could not store a call-back request: the database does not answer")
        raise _not_saved(settings)
    try:
        with db.session_scope() as session:
            summary = callbacks.conversation_summary(session, data["conversation_id"])
            if summary["triage_level"] == "emergency":
                raise _emergency(None, settings)
            created = callbacks.create(
                session, channel=data["channel"], conversation_id=data["conversation_id"], name=data["name"],
                phone=data["phone"], email=data["email"], preferred_time=data["preferred_time"], consent=True,
                words=redact(data["message"]) if data["message"] else None,
                region=_region(data["message"]) if not summary["region"] else None,
                triage_level=screened.level if screened.is_red_flag else None)
            session.flush()
            reference = created.id
    except SQLAlchemyError:
        log.exception("could not store a call-back request")
        raise _not_saved(settings) from None
    when = f" ({data['preferred_time']})" if data["preferred_time"] else ""
    return jsonify({"status": "received", "reference": reference_of(reference),
                    "message": _("Thank you. %(clinic)s will contact you%(when)s as soon as we can. If it gets "
                                 "worse or feels like an emergency, call %(number)s.", clinic=settings.clinic_name,
                                 when=when, number=settings.emergency_number),
                    "disclaimer": localise(settings, current_language()).disclaimer}), 201


def i18n_lang(message: str) -> str:
    """The language to answer an emergency in: the visitor's words', the page's when they read as neither."""
    from bot.chat import reply_language

    return reply_language(message, current_language(), tapped=False)
