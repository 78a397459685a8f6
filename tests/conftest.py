"""Shared fixtures: an app over a temporary instance folder and a prebuilt index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from app import BUNDLED_FEED
from index.feed import load_feed
from index.live import build_from_feed
from tests import appkit
from tests.appkit import make_app
from tests.services import postgres_url, redis_prefix, shared_postgres_url  # noqa: F401 - fixtures

# Under CI=true hypothesis draws the same examples on every run (derandomize) and keeps no
# example database, so a red CI run is the code's doing and re-runs the same; a local run
# explores new examples and remembers failing ones in .hypothesis/ (git-ignored).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skip (or fail under CI) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must run with ../shared beside the project")
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(autouse=True)
def close_apps():
    """Close every app a test opened (tests/appkit.py) once it is done: an app is freed only by a full
    garbage collection, and until then it held its database files and index maps open (1,000+
    descriptors late in a session). Apps of module- or session-scoped fixtures are opened before
    this mark and closed by their own fixture."""
    mark = appkit.opened()
    yield
    appkit.close_opened(mark)


@pytest.fixture(scope="session")
def bundled_posts():
    """Posts of the bundled feed, parsed once."""
    return load_feed(str(BUNDLED_FEED)).posts


@pytest.fixture(scope="session")
def built_index_dir(tmp_path_factory):
    """An index of the bundled feed, built once per test session."""
    index_dir = tmp_path_factory.mktemp("index")
    build_from_feed(str(BUNDLED_FEED), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def kibworth_index(tmp_path_factory):
    """The Kibworth osteopaths' blog (UK wording, read in place from ../shared), indexed once."""
    from index import search

    folder = tmp_path_factory.mktemp("kibworth-es") / "index"
    build_from_feed(str(shared_path("eval", "corpora", "kibworth-osteo", "feed.rss.xml")), folder)
    return search.load(folder)


@pytest.fixture
def index_dir(built_index_dir, tmp_path):
    """A private copy of the prebuilt index, for tests that may change it."""
    target = tmp_path / "index"
    shutil.copytree(built_index_dir, target)
    return target


@pytest.fixture
def app(tmp_path, index_dir):
    """The app over a temporary instance folder and the bundled index."""
    yield make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir)})


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner bound to the app."""
    return app.test_cli_runner()


# --- Databases for the inquiry log and staff console (tests run against SQLite and PostgreSQL) ---


@pytest.fixture(params=["sqlite", "postgresql"])
def db_app(request, tmp_path, index_dir):
    """The app on each database; PostgreSQL tables are emptied after each test."""
    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir)}
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("shared_postgres_url")
    app = make_app(config)
    yield app
    from web import db

    engine = db.database(app).engine
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        from store.models import Base

        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_client(db_app):
    """A test client of db_app."""
    return db_app.test_client()
