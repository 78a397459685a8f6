"""Shared fixtures: an app over a temporary instance folder and a prebuilt index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app import BUNDLED_FEED, create_app
from index.feed import load_feed
from index.live import build_from_feed

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


@pytest.fixture
def index_dir(built_index_dir, tmp_path):
    """A private copy of the prebuilt index, for tests that may change it."""
    target = tmp_path / "index"
    shutil.copytree(built_index_dir, target)
    return target


@pytest.fixture
def app(tmp_path, index_dir):
    """The app over a temporary instance folder and the bundled index."""
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "INDEX_DIR": str(index_dir),
        "SECRET_KEY": "test-secret-key",
    })
    yield app


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner bound to the app."""
    return app.test_cli_runner()
