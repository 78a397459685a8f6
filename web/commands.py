"""The `clinicbot` subcommands: build-index and ask.

Domain errors become ClickException so the operator sees one clear line, never
a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from bot.chat import respond
from index.artifact import ArtifactError
from index.feed import FeedError
from index.live import build_from_feed
from web.clinic import bot_settings
from web.live import holder


@click.command("build-index")
@click.option("--feed", "feed", default=None, metavar="PATH_OR_URL",
              help="Feed to index (default: the configured CLINICBOT_FEED, else the bundled feed).")
@with_appcontext
def build_index_command(feed: str | None) -> None:
    """Build a new index version from a feed and make it live."""
    source = feed or current_app.config["FEED"]
    try:
        result = build_from_feed(source, Path(current_app.config["INDEX_DIR"]))
    except (FeedError, ArtifactError) as exc:
        raise click.ClickException(f"{exc} (the live index was not changed)") from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"indexed {result.n_posts} posts as {result.n_sections} sections -> {result.path}")


@click.command("ask")
@click.argument("message")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
@with_appcontext
def ask_command(message: str, as_json: bool) -> None:
    """Answer MESSAGE as the chat API would, without a server."""
    message = message.strip()
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if not message or len(message) > limit:
        raise click.ClickException(f"the message must be 1 to {limit} characters")
    try:
        index = holder().ensure(current_app.config["FEED"])
    except (FeedError, ArtifactError) as exc:
        raise click.ClickException(str(exc)) from exc
    answer = respond(message, index, bot_settings(current_app.config, index))
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
        return
    click.echo(answer["reply"])
    for number, result in enumerate(answer["results"], 1):
        heading = result["section_heading"] or "(introduction)"
        click.echo(f"{number}. {result['post_title']} — {heading}  [{result['score']:.3f}]")
        click.echo(f"   {result['section_url']}")
    cta = answer["cta"]
    click.echo(f"{cta['text']}: {cta['url'] or ''} {cta['phone'] or ''}".rstrip())
    click.echo(answer["disclaimer"])


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    app.cli.add_command(build_index_command)
    app.cli.add_command(ask_command)
