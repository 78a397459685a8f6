"""The public JSON API under /api: one blueprint (web/api/blueprint.py), one module per resource."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API's routes (imported here so each module adds its own to the blueprint)."""
    from web.api import callback, chat, events, openapi  # noqa: F401 - register routes
    from web.api.blueprint import bp

    app.register_blueprint(bp)
