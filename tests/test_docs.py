"""The README and docs/ name only real things: routes, commands, make targets, files, pages
(datasette's tests/test_docs.py). Settings are checked in tests/test_config.py."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests import appkit
from tests.appkit import make_app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: The manual pages written beside the README (docs/quality.md, safety.md and benchmarks.md
#: are their owners' measured reports).
MANUAL = [ROOT / "docs" / name for name in ("configuration.md", "api.md", "surfaces.md", "operations.md",
                                              "testing.md", "teaching.md")]
PAGES = [README, *MANUAL]
README_MAX_BYTES = 12 * 1024
ROUTE = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH) (/[^\s`?)\"']*)")
COMMAND = re.compile(r"(?:`|bin/)clinicbot ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")
FILE = re.compile(r"`((?:app|gunicorn\.conf)\.py|(?:bot|index|web|store|tests|bench|data|docs|static|templates|"
                  r"migrations)/[\w./-]+\.(?:py|toml|md|js|css|html|jsonl|xml))`")
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


@pytest.fixture(scope="module")
def doc_app(tmp_path_factory):
    """The app with every blueprint, without an index (routes and commands only)."""
    app = make_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("docs-instance")), "LOAD_INDEX_AT_START": False})
    yield app
    appkit.close(app)


def _commands(group: click.Group, prefix=()) -> set[tuple[str, ...]]:
    """Every leaf command of the CLI as a tuple of words (("kiosk", "set-pin"), ("purge",))."""
    found = set()
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found |= _commands(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found - {("run",), ("shell",), ("routes",)}  # Flask's own


def _table_after(text: str, heading: str) -> list[str]:
    """The rows of the first table under a heading: the run of '|' lines that follows it, unbroken."""
    after = text.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(after) if line.startswith("|"))
    rows = []
    for line in after[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_docs_readme_is_a_front_door():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; the manual belongs in docs/"
    text = README.read_text()
    assert "    make serve\n" in text and "    make test\n" in text
    assert "Bugs found and fixed" not in text


def test_docs_readme_command_table_lists_every_command_in_one_table(doc_app):
    rows = "\n".join(_table_after(README.read_text(), "## Command line"))
    listed = {tuple(filter(None, match)) for match in COMMAND.findall(rows)}
    assert listed == _commands(doc_app.cli), "the README's command table (one unbroken table) and the CLI differ"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_name_only_real_commands(doc_app, page):
    commands = _commands(doc_app.cli)
    named = {tuple(filter(None, match)) for match in COMMAND.findall(page.read_text())}
    unknown = {" ".join(words) for words in named if words not in commands and words[:1] not in commands}
    assert not unknown, f"{page.name} names commands that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_name_only_real_routes(doc_app, page):
    adapter = doc_app.url_map.bind("localhost")
    unknown = []
    for method, path in ROUTE.findall(page.read_text()):
        try:
            adapter.match(re.sub(r"<[^>]+>", "1", path), method=method)
        except (NotFound, MethodNotAllowed):
            unknown.append(f"{method} {path}")
    assert not unknown, f"{page.name} names routes the app does not have: {unknown}"


def test_docs_api_page_covers_every_api_route(doc_app):
    text = (ROOT / "docs" / "api.md").read_text()
    missing = [f"{method} {rule.rule}" for rule in doc_app.url_map.iter_rules() if rule.rule.startswith("/api/")
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"}) if f"{method} {rule.rule}" not in text]
    assert not missing, f"docs/api.md does not describe {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_name_only_real_files_make_targets_and_pages(page):
    text = page.read_text()
    missing = [name for name in FILE.findall(text) if not (ROOT / name).exists()]
    missing += [f"docs link {link}" for link in LINK.findall(text) if not (page.parent / link).exists()]
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    made = re.findall(r"(?:`|^    )make ([a-z][a-z-]*)", text, flags=re.M)
    missing += [f"make {target}" for target in made if target not in targets]
    missing += [f"bench.{name}" for name in re.findall(r"-m bench\.([a-z_]+)", text)
                if not (ROOT / "bench" / f"{name}.py").exists()]
    assert not missing, f"{page.name} names what does not exist: {missing}"
