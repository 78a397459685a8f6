"""Attach the live index to the app (app.extensions["clinicbot.index"])."""

from __future__ import annotations

from flask import Flask, current_app

from index.live import LiveIndex
from web.lifecycle import on_close

KEY = "clinicbot.index"


def init_app(app: Flask) -> None:
    """Create the holder; load (or first build) the index unless told to wait."""
    holder = LiveIndex(app.config["INDEX_DIR"], check_seconds=float(app.config["INDEX_CHECK_SECONDS"]))
    app.extensions[KEY] = holder
    on_close(app, holder.close)
    if app.config["LOAD_INDEX_AT_START"]:
        holder.ensure(app.config["FEED"])


def holder(app: Flask | None = None) -> LiveIndex:
    """The app's LiveIndex."""
    return (app or current_app).extensions[KEY]


def current_index():
    """The index version to answer the current request with."""
    return holder().get()
