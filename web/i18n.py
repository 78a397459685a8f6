"""The visitor's language for pages and API messages: Flask-Babel over the catalogs in translations/.

Which language a visitor's pages are in, first that applies:

1. an explicit choice: the page's language switch (``?lang=es``, then remembered in the
   ``clinicbot_lang`` cookie and the page's storage), or ``"lang"`` in a JSON request body;
2. the surface's own setting: the widget's ``data-lang`` (passed to the frame as
   ``site_lang``), the kiosk's ``KIOSK_LANGUAGE``;
3. the browser's Accept-Language;
4. ``DEFAULT_LANGUAGE``.

The kiosk ignores the cookie: a shared tablet starts every visitor in its own language.
The answers' wording follows the message's language (bot/chat.py, bot/i18n.py); this
module only decides the interface's. Staff pages stay English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract
from flask import Flask, current_app, request, url_for
from flask_babel import Babel, get_locale
from werkzeug.exceptions import HTTPException

from bot import i18n

STATIC = Path(__file__).resolve().parent.parent / "static"
COOKIE = "clinicbot_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The scripts whose _("...") strings the pages hand them as a JSON catalog.
SCRIPTS = ("chat.js", "kiosk.js", "widget.js")
#: Names of the languages in their own language, for the switch.
NAMES = {"en": "English", "es": "Español"}


def supported() -> tuple[str, ...]:
    """The configured languages (web/config.py checks each has a catalog)."""
    return current_app.config["LANGUAGES"]


def _body_lang() -> str | None:
    """``lang`` of a JSON request body (the chat and call-back APIs), if it is a string."""
    if not request.is_json:
        return None
    try:
        body = request.get_json(silent=True)
    except (RecursionError, HTTPException):  # too deep or too large: the API answers it with a clear error
        return None
    value = body.get("lang") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def choose(explicit: bool = True) -> str:
    """The request's interface language (module docstring has the order); without ``explicit``,
    the language the surface starts in before anyone chooses (the kiosk's, after each reset)."""
    langs = supported()
    if request.path.startswith("/staff"):
        return "en"  # the staff console is English
    kiosk = request.blueprint == "kiosk"
    chosen = (request.args.get("lang") or _body_lang()) if explicit else None
    if chosen in langs:
        return chosen
    if not kiosk and request.cookies.get(COOKIE) in langs:
        return request.cookies[COOKIE]
    surface = current_app.config["KIOSK_LANGUAGE"] if kiosk else request.args.get("site_lang")
    if surface in langs:
        return surface
    return request.accept_languages.best_match(langs) or current_app.config["DEFAULT_LANGUAGE"]


def current() -> str:
    """The language of this request's interface, as a bare code ("es")."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LANGUAGE"]


@lru_cache(maxsize=8)
def script_messages(scripts: tuple[str, ...] = SCRIPTS) -> tuple[str, ...]:
    """The msgids the scripts pass to _(), read from the files once (as pybabel extract reads them)."""
    found: list[str] = []
    for name in scripts:
        with open(STATIC / name, "rb") as fh:
            for _lineno, message, _comments, _context in extract("javascript", fh, keywords={"_": None}):
                found.append(message if isinstance(message, str) else message[0])
    return tuple(dict.fromkeys(found))


def script_catalog(lang: str | None = None, scripts: tuple[str, ...] = SCRIPTS) -> dict[str, str]:
    """The scripts' strings in ``lang`` (default: this request's), only those that differ from English."""
    lang = lang or current()
    out = {}
    for message in script_messages(scripts):
        translated = i18n.gettext(lang, message)
        if translated != message:
            out[message] = translated
    return out


def switch_links() -> list[dict]:
    """The language switch: each supported language with its own name and whether it is the current one."""
    here = current()
    return [{"code": lang, "name": NAMES.get(lang, lang), "current": lang == here} for lang in supported()]


def switch_url(lang: str) -> str:
    """This page in ``lang``: the same route and query (the widget frame's origin, accent...) with ?lang=."""
    args = {key: value for key, value in request.args.items() if key != "lang"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, lang=lang)


def _remember(response):
    """An explicit ?lang= on a page is remembered for the conversation (not on the kiosk: it is shared)."""
    lang = request.args.get("lang")
    if lang in supported() and request.blueprint != "kiosk" and request.method == "GET" \
            and response.mimetype == "text/html":
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure, httponly=True)
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel with our selector; warn (and answer in English) for a language whose .mo is missing."""
    Babel(app, locale_selector=choose, default_locale=app.config["DEFAULT_LANGUAGE"],
          default_translation_directories=str(i18n.TRANSLATIONS_DIR))
    for lang in app.config["LANGUAGES"]:
        i18n.catalog(lang)  # logs once when the compiled catalog is missing
    app.jinja_env.globals.update(ui_lang=current, language_switch=switch_links,
                                 switch_url=switch_url, script_catalog=script_catalog)
    app.after_request(_remember)

