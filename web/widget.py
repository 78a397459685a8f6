"""The website widget: the loader script a clinic embeds and the chat frame it opens.

Only the frame route may be framed, and only by the origins listed in
``WIDGET_ORIGINS`` (``CLINICBOT_WIDGET_ORIGINS``); every other page keeps
``frame-ancestors 'none'`` from web.security. The loader is served at a stable
URL with a short cache life and at a versioned URL that is cacheable forever.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request, url_for

from web.config import ORIGIN
from web.i18n import script_catalog
from web.pages import chat_panel_context

bp = Blueprint("widget", __name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
LOADER = STATIC / "widget.js"
#: Where the loader's strings go (loader_source).
MESSAGES_SLOT = b"{} /* clinicbot:messages */"
#: The files whose content makes up one widget version: the loader and what the frame loads.
VERSIONED_FILES = ("widget.js", "dom.js", "i18n.js", "chat.js", "chat.css")
ACCENT = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_GREETING_CHARS = 300
LOADER_MAX_AGE = 3600
VERSIONED_MAX_AGE = 365 * 24 * 3600

FRAME_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors {ancestors}")


def origin_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    """Whether a concrete origin matches the allowlist (exactly, or under a "*." entry)."""
    origin = origin.lower()
    for entry in allowed:
        if entry == origin:
            return True
        if "://*." in entry:
            scheme, rest = entry.split("://*.", 1)
            host_port = origin.split("://", 1)[1] if origin.startswith(scheme + "://") else ""
            if host_port.endswith("." + rest) and ":" not in host_port[: -len(rest)]:
                return True
    return False


def widget_version(static_dir: Path = STATIC, extra: bytes = b"") -> str:
    """A short hash of the widget's files (and the loader's strings), so a change gets a new cacheable URL."""
    digest = hashlib.sha256()
    for name in VERSIONED_FILES:
        digest.update((static_dir / name).read_bytes())
    digest.update(extra)
    return digest.hexdigest()[:12]


def loader_source(languages: tuple[str, ...]) -> bytes:
    """static/widget.js with its own strings in every configured language (it runs on the clinic's site,
    before any page of ours can tell it the visitor's language)."""
    source = LOADER.read_bytes()
    if MESSAGES_SLOT not in source:
        raise RuntimeError(f"{LOADER} has lost its strings slot {MESSAGES_SLOT.decode()!r}")
    messages = {lang: script_catalog(lang, ("widget.js",)) for lang in languages if lang != "en"}
    return source.replace(MESSAGES_SLOT, json.dumps(messages, ensure_ascii=False).encode() + b" ", 1)


def _allowed() -> tuple[str, ...]:
    """The validated allowlist, parsed once at start so a request never re-reads config."""
    return current_app.extensions["clinicbot_widget"]["origins"]


def _version() -> str:
    """The widget version computed at start (files do not change under a running server)."""
    return current_app.extensions["clinicbot_widget"]["version"]


def _loader_response(max_age: int, immutable: bool = False):
    """The loader, conditional (ETag) and cacheable by the host's visitors.

    Served from memory: it is read once at start, like the version it is hashed into.
    """
    body = current_app.extensions["clinicbot_widget"]["loader"]
    response = Response(body, mimetype="text/javascript")
    response.set_etag(_version())
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if immutable:
        response.cache_control.immutable = True
    response.make_conditional(request)
    # The loader runs in the host page; it is fetched cross-origin (with or without CORS).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/widget.js")
def loader():
    """The embed URL clinics paste: cached for an hour so a fix reaches every site soon."""
    return _loader_response(LOADER_MAX_AGE)


@bp.get("/widget-<version>.js")
def versioned_loader(version: str):
    """The same loader under its content hash: cacheable for a year, never stale."""
    if version != _version():
        abort(404)
    return _loader_response(VERSIONED_MAX_AGE, immutable=True)


@bp.get("/widget/frame")
def frame():
    """The chat UI inside the widget's iframe; only allowlisted origins may frame it.

    The host page passes its origin (``origin``) so the frame knows where to post
    messages; an origin not on the allowlist gets no messaging at all (the CSP
    would stop the framing anyway). ``accent`` and ``greeting`` come from the
    embed's data- attributes and are validated here, then rendered as data.
    """
    allowed = _allowed()
    parent = (request.args.get("origin") or "").strip().lower()
    parent_origin = parent if parent and ORIGIN.match(parent) and origin_allowed(parent, allowed) else None
    accent = request.args.get("accent") or ""
    greeting = (request.args.get("greeting") or "").strip()[:MAX_GREETING_CHARS] or None
    accent = accent if ACCENT.match(accent) else None
    response = current_app.make_response(render_template(
        "widget_frame.html", parent_origin=parent_origin, greeting=greeting, version=_version(),
        **chat_panel_context("widget", parentOrigin=parent_origin, accent=accent, greeting=greeting),
    ))
    ancestors = " ".join(allowed) if allowed else "'none'"
    response.headers["Content-Security-Policy"] = FRAME_CSP.format(ancestors=ancestors)
    response.headers["Cache-Control"] = "no-store"
    return response


def versioned_static(filename: str) -> str:
    """A static URL carrying the widget version, so the frame never mixes old and new files."""
    return url_for("static", filename=filename, v=_version())


def init_app(app: Flask) -> None:
    """Keep the allowlist (checked in web/config.py), compute the version, register the routes."""
    loader = loader_source(app.config["LANGUAGES"])
    app.extensions["clinicbot_widget"] = {
        "origins": app.config["WIDGET_ORIGINS"],  # parsed and checked in web/config.py
        "version": widget_version(extra=loader),
        "loader": loader,
    }
    app.jinja_env.globals["versioned_static"] = versioned_static
    app.register_blueprint(bp)
