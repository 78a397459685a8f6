"""HTML pages: the chat page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from bot import starters
from web.clinic import bot_settings
from web.live import current_index

bp = Blueprint("pages", __name__)


@bp.get("/")
def chat_page():
    """The full-page chat."""
    index = current_index()
    return render_template("chat.html", settings=bot_settings(current_app.config, index),
                           max_chars=current_app.config["MAX_MESSAGE_CHARS"],
                           starters=starters.pick(index, current_app.config.get("STARTERS")))
