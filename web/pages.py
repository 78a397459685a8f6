"""HTML pages: the chat page."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from bot import i18n as wording
from bot import starters
from bot.settings import localise
from web import i18n
from web.clinic import bot_settings
from web.live import current_index

bp = Blueprint("pages", __name__)


def chat_panel_context(channel: str, **config) -> dict:
    """What templates/_chat_panel.html and chat.js need, for the full page and the widget frame alike.

    ``config`` adds surface-specific keys to the JSON the chat script reads (the
    widget's parent origin, accent and greeting).
    """
    index = current_index()
    lang = i18n.current()
    settings = localise(bot_settings(current_app.config, index), lang)
    max_chars = current_app.config["MAX_MESSAGE_CHARS"]
    return {
        "settings": settings,
        "max_chars": max_chars,
        # A chip in the page's language; tapped, it is read as the English it stands for (bot/chat.py).
        "starters": [wording.gettext(lang, text) for text in starters.pick(index, current_app.config["STARTERS"])],
        "chat_config": {
            "api": url_for("api.chat"),
            "forgetApi": url_for("api.forget_conversation", conversation_id="ID"),
            "eventApi": url_for("api.event"),
            "callbackApi": url_for("api.callback"),
            "emergencyNumber": settings.emergency_number,
            "maxChars": max_chars,
            "clinicName": settings.clinic_name,
            "channel": channel,
            **config,
        },
    }


@bp.get("/")
def chat_page():
    """The full-page chat."""
    return render_template("chat.html", **chat_panel_context("web"))


@bp.get("/favicon.ico")
def favicon():
    """Browsers and bookmarks ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
