"""The waiting-room kiosk: /kiosk, its QR hand-off images and the PIN-protected staff settings.

The kiosk page asks the same chat API as everyone else (channel "kiosk"); this
blueprint only serves the page, the regions and settings it draws, QR codes for
the links it may hand off, and the staff settings. It sets no cookie and keeps no
conversation: staff authority is a short-lived signed token held in the page's
memory, so an idle reset forgets it with everything else.
"""

from __future__ import annotations

import io
import os
import threading
from functools import partial

import numpy as np
import segno
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot import i18n as wording
from bot.kiosk_regions import load_regions, tap_paths
from bot.settings import BotSettings, in_language, localise
from index.sections import SECTION_FRAGMENT
from store.kiosk import (
    LEGACY_FILENAME,
    MAX_IDLE_SECONDS,
    MAX_MESSAGE_CHARS,
    MIN_IDLE_SECONDS,
    KioskStore,
    SettingsError,
    import_legacy_file,
)
from web import db, i18n
from web.api.blueprint import json_object
from web.clinic import bot_settings
from web.errors import ApiError
from web.live import current_index

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

EXTENSION = "clinicbot.kiosk"
TOKEN_HEADER = "X-Kiosk-Staff"
TOKEN_SALT = "clinicbot.kiosk.staff"
#: The warning countdown is never shorter than this: a patient needs time to notice and tap.
MIN_WARNING_SECONDS = 20
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class KioskState:
    """What the kiosk keeps per app: its regions, its store and a cache of QR-able links."""

    def __init__(self, app: Flask):
        """Load the regions file once; a bad file stops the app at start, not at a patient's tap."""
        path = app.config["KIOSK_REGIONS_FILE"]
        self.regions = load_regions(path) if path else load_regions()
        self.region_ids = [r.id for r in self.regions]
        self.store = KioskStore(partial(db.session_scope, app),
                                max_attempts=int(app.config["KIOSK_PIN_MAX_ATTEMPTS"]),
                                window_seconds=int(app.config["KIOSK_PIN_WINDOW_SECONDS"]),
                                lockout_seconds=int(app.config["KIOSK_PIN_LOCKOUT_SECONDS"]),
                                global_attempts=int(app.config["KIOSK_PIN_GLOBAL_ATTEMPTS"]))
        self._posts: tuple[str | None, dict[str, list[int]]] = (None, {})
        self._lock = threading.Lock()

    def defaults(self, config) -> dict:
        """Settings before staff change anything: from configuration."""
        return {"idle_seconds": int(config["KIOSK_IDLE_SECONDS"]), "regions": list(self.region_ids),
                "message": str(config["KIOSK_MESSAGE"] or "")}

    def publishes(self, index, url: str) -> bool:
        """Whether ``url`` is a post or section URL of the live index: the only article links the kiosk hands off.

        A section's URL is its post's URL, plus a text fragment (index.sections.Section.url), so
        only the sections of the post(s) with the URL's address are read. Reading every section's
        URL took 0.45 s of CPU at 100k sections on each worker's first QR code; this map reads one
        section a post.
        """
        if not url:
            return False
        with self._lock:
            version, posts = self._posts
            if version != index.version:
                numbers, first_rows = np.unique(np.asarray(index.section_posts), return_index=True)
                posts = {}
                for number, row in zip(numbers.tolist(), first_rows.tolist(), strict=True):
                    posts.setdefault(index.sections[row].get("post_url"), []).append(number)
                self._posts = (index.version, posts)
        return any(url in (section.get("section_url"), section.get("post_url"))
                   for post in posts.get(url.rsplit(SECTION_FRAGMENT, 1)[0], ())
                   for section in (index.sections[row] for row in index.rows_of_post(post)))


def state() -> KioskState:
    """The app's kiosk state."""
    return current_app.extensions[EXTENSION]


def current_settings() -> dict:
    """Settings in force: stored staff changes over configured defaults."""
    kiosk = state()
    return kiosk.store.settings(kiosk.defaults(current_app.config))


def page_config(clinic: BotSettings | None = None) -> dict:
    """Everything the kiosk script needs, for the page and for the refresh at each reset.

    ``clinic`` is the request's bot settings when the caller has built them already (the page).
    """
    kiosk = state()
    settings = current_settings()
    shown = set(settings["regions"])
    lang = i18n.current()
    clinic = clinic or bot_settings(current_app.config, current_index())
    return {
        "idleSeconds": settings["idle_seconds"],
        "warningSeconds": max(MIN_WARNING_SECONDS, int(current_app.config["KIOSK_WARNING_SECONDS"])),
        # Staff write the message in the clinic's language; CLINIC_TRANSLATIONS_FILE may translate it.
        "message": in_language(clinic, settings["message"], lang),
        "regions": [_in_language(r.public(), lang) for r in kiosk.regions if r.id in shown],
    }


def is_tap_path(channel: str, message: str) -> bool:
    """Whether a chat message is a kiosk tap path: the product's own keyword list, not a visitor's words.

    bot.chat.respond is told so (``keywords``): the red-flag rules screen it, the learned layer does not
    ("neck pain stiff neck turning head stiffness" is not meningitis), and it is answered in the page's language.
    """
    return channel == "kiosk" and message in tap_paths()


def _in_language(region: dict, lang: str) -> dict:
    """A region's label, questions and answers in the page's language; its query words stay English,
    the words the matcher and the red-flag rules read (tap paths, bot/kiosk_regions.py)."""
    def t(text: str) -> str:
        return wording.gettext(lang, text)

    return {**region, "label": t(region["label"]),
            "follow_ups": [{"question": t(f["question"]),
                            "options": [{**o, "label": t(o["label"])} for o in f["options"]]}
                           for f in region["follow_ups"]]}


def _no_store(response: Response) -> Response:
    """Nothing the kiosk shows may be kept by the browser's cache for the next person."""
    response.headers.update(NO_STORE)
    return response


@bp.get("")
def kiosk_page():
    """The kiosk page."""
    clinic = bot_settings(current_app.config, current_index())
    settings = localise(clinic, i18n.current())
    config = page_config(clinic)
    config.update({
        "api": url_for("api.chat"),
        "configUrl": url_for("kiosk.kiosk_config"),
        "qrUrl": url_for("kiosk.qr_code"),
        "unlockUrl": url_for("kiosk.staff_unlock"),
        "settingsUrl": url_for("kiosk.staff_settings"),
        "maxChars": current_app.config["MAX_MESSAGE_CHARS"],
        "booking": {"text": settings.cta_text, "url": settings.booking_url, "phone": settings.phone},
        "emergencyNumber": settings.emergency_number,
        # The language every visitor starts in; a switch is undone at the next reset (static/kiosk.js).
        "homeLang": i18n.choose(explicit=False),
    })
    html = render_template("kiosk.html", settings=settings, config=config)
    return _no_store(Response(html, mimetype="text/html"))


@bp.get("/config.json")
def kiosk_config():
    """Settings and regions in force, re-read by the page at every reset so staff changes apply."""
    return _no_store(jsonify(page_config()))


@bp.get("/qr.svg")
def qr_code():
    """A QR code, drawn here, for a link the kiosk may hand off: a section or post of the index, or booking.

    Any other URL is refused, so the clinic's tablet can never be made to show a
    code that leads somewhere the clinic did not publish.
    """
    url = request.args.get("url", "")
    index = current_index()
    booking = bot_settings(current_app.config, index).booking_url
    if not url or (url != booking and not state().publishes(index, url)):
        raise ApiError(404, "unknown_link", "Only the clinic's own articles and booking page have QR codes.")
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=1, border=4, dark="#000", light="#fff", xmldecl=False,
            svgns=True, title=None, desc=None, svgclass="qr-svg", lineclass=None, omitsize=True)
    return _no_store(Response(out.getvalue(), mimetype="image/svg+xml"))


def _serializer() -> URLSafeTimedSerializer:
    """Signs staff tokens with the app's secret key."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _client() -> str:
    """Who is guessing: the client address (the real one when a proxy fix is installed)."""
    return request.remote_addr or "unknown"


def _json_body() -> dict:
    """The JSON object body, or the pinned 400/415 (one reader for every JSON endpoint: web.api.blueprint)."""
    return json_object()


def _staff_view() -> dict:
    """What the settings panel shows: settings in force and every region to choose from."""
    kiosk = state()
    return {"settings": current_settings(),
            "regions": [{"id": r.id, "label": r.label} for r in kiosk.regions],
            "limits": {"min_idle_seconds": MIN_IDLE_SECONDS, "max_idle_seconds": MAX_IDLE_SECONDS,
                       "max_message_chars": MAX_MESSAGE_CHARS}}


@bp.post("/staff/unlock")
def staff_unlock():
    """Check a staff PIN server-side; answer with a short-lived token for the settings call."""
    pin = _json_body().get("pin")
    if not isinstance(pin, str):
        raise ApiError(400, "invalid_pin", "The field 'pin' must be a string of digits.")
    result = state().store.check_pin(_client(), pin)
    if result.no_pin:
        raise ApiError(409, "no_pin", "No staff PIN is set. Run `clinicbot kiosk set-pin` on the server.")
    if result.locked:
        response = jsonify({"error": {"code": "locked", "message":
                                      f"Too many wrong PINs. Try again in {result.retry_after} seconds."}})
        response.status_code = 429
        response.headers["Retry-After"] = str(result.retry_after)
        return _no_store(response)
    if not result.ok:
        left = result.attempts_left
        raise ApiError(403, "wrong_pin", f"Wrong PIN. {left} attempt{'s' if left != 1 else ''} left.")
    token = _serializer().dumps({"pin": state().store.pin_fingerprint()})
    return _no_store(jsonify({"token": token, **_staff_view()}))


def _require_staff() -> None:
    """Refuse a settings call without a valid, fresh token for the current PIN."""
    token = request.headers.get(TOKEN_HEADER, "")
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["KIOSK_STAFF_TOKEN_SECONDS"]))
    except SignatureExpired as exc:
        raise ApiError(401, "staff_expired", "The staff session has expired. Enter the PIN again.") from exc
    except BadSignature as exc:
        raise ApiError(401, "staff_required", "Enter the staff PIN first.") from exc
    if not isinstance(data, dict) or data.get("pin") != state().store.pin_fingerprint():
        raise ApiError(401, "staff_required", "Enter the staff PIN first.")


@bp.get("/staff/settings")
def staff_settings():
    """The settings panel's data (staff only)."""
    _require_staff()
    return _no_store(jsonify(_staff_view()))


@bp.put("/staff/settings")
def save_staff_settings():
    """Change idle time, shown regions or the clinic message (staff only)."""
    _require_staff()
    kiosk = state()
    try:
        kiosk.store.save_settings(_json_body(), kiosk.region_ids, kiosk.defaults(current_app.config))
    except SettingsError as exc:
        raise ApiError(400, "invalid_settings", str(exc)) from exc
    return _no_store(jsonify({**_staff_view(), "config": page_config()}))




def init_app(app: Flask) -> None:
    """Regions, store, blueprint and the `clinicbot kiosk` commands (after web.db: the store is its tables)."""
    app.extensions[EXTENSION] = KioskState(app)
    import_legacy_file(app.extensions[EXTENSION].store, os.path.join(app.instance_path, LEGACY_FILENAME))
    app.register_blueprint(bp)
