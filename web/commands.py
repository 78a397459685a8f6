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

from bot import redflag_model, redflag_train
from bot.chat import respond
from index.feed import FeedError
from index.live import build_from_feed
from index.versions import ArtifactError
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


@click.command("train-redflags")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of labelled *.jsonl messages (repeatable; default data/redflag_corpus).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=redflag_model.MODEL_DIR,
              show_default=True, help="Where the artifact is written.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@click.option("--min-recall", type=float, default=redflag_model.TARGETS["min_recall"], show_default=True,
              help="Fail below this cross-validated red-flag recall (rules and model together).")
@click.option("--max-false-alarms", type=float, default=redflag_model.TARGETS["max_false_alarms"],
              show_default=True, help="Fail above this cross-validated false-alarm rate on routine rows.")
def train_redflags_command(corpus: tuple[Path, ...], out: Path, folds: int, min_recall: float,
                           max_false_alarms: float) -> None:
    """Train the learned red-flag layer; fail when its cross-validation misses the targets."""
    targets = {"min_recall": min_recall, "max_false_alarms": max_false_alarms}
    try:
        report = redflag_train.train(list(corpus) or [redflag_model.CORPUS_DIR], out, folds, targets)
    except redflag_model.ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    cv = report["cv"]
    for name in ("rules", "model", "both"):
        f = cv[name]
        click.echo(f"{name:6s} red-flag recall {f['recall']:.3f}  exact level {f['exact']:.3f}  "
                   f"false alarms {f['false_alarms']:.3f}  ({f['red_flags']} red flags, {f['routine']} routine)")
    click.echo(f"threshold {cv['threshold']}, emergency cut {cv['emergency_cut']}; {report['rows']} rows -> {out}")


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    app.cli.add_command(build_index_command)
    app.cli.add_command(ask_command)
    app.cli.add_command(train_redflags_command)
