"""web/config.py: one list of settings, each typed, checked and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.appkit import make_app
from web import config
from web.config import SETTINGS, ConfigError, parse_origins, split_list

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "configuration.md"
PRODUCT = [ROOT / "app.py", *sorted(p for d in ("web", "bot", "index", "store") for p in (ROOT / d).rglob("*.py"))]
#: Names documented beside the settings that are not app settings: read by gunicorn.conf.py or the tests.
OTHER_VARIABLES = re.compile(r"CLINICBOT_TEST_\w+|CLINICBOT_CHROMIUM")


def _app(tmp_path, index_dir, **settings):
    return make_app({"INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir), **settings})


@pytest.mark.parametrize("text,expected", [
    ("true", True), ("True", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("FALSE", False), ("0", False), ("no", False), ("off", False),
])
def test_config_booleans_from_environment_mean_what_they_say(tmp_path, index_dir, monkeypatch, text, expected):
    monkeypatch.setenv("CLINICBOT_INQUIRY_LOG", text)
    monkeypatch.setenv("CLINICBOT_METRICS_ENABLED", text)
    app = _app(tmp_path, index_dir)
    assert app.config["INQUIRY_LOG"] is expected
    assert app.config["METRICS_ENABLED"] is expected


def test_config_false_in_capitals_turns_logging_and_metrics_off(tmp_path, index_dir, monkeypatch):
    """Issue 17 F13: "False" was read as a non-empty string, so logging and /metrics stayed on."""
    from sqlalchemy import func, select

    from store.models import Turn
    from web import db

    monkeypatch.setenv("CLINICBOT_INQUIRY_LOG", "False")
    monkeypatch.setenv("CLINICBOT_METRICS_ENABLED", "False")
    app = _app(tmp_path, index_dir)
    client = app.test_client()
    assert client.post("/api/chat", json={"message": "knee pain when running"}).status_code == 200
    assert client.get("/metrics").status_code == 404
    with app.app_context(), db.session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 0


@pytest.mark.parametrize("name,value,words", [
    ("INQUIRY_LOG", "maybe", "is not a boolean"),
    ("HSTS", "2", "is not a boolean"),
    ("RETENTION_DAYS", "thirty", "is not a whole number"),
    ("RETENTION_DAYS", "-1", "below the least allowed"),
    ("INDEX_CHECK_SECONDS", "soon", "is not a number"),
    ("PROXY_COUNT", "-1", "below the least allowed"),
    ("FEED_PAGINATION", "blogger", "is not one of auto, none, squarespace, wordpress"),
    ("CORS_ORIGINS", "https://a.example/path", "is not an origin"),
])
def test_config_bad_value_stops_the_start_naming_the_variable(tmp_path, index_dir, monkeypatch, name, value, words):
    monkeypatch.setenv(f"CLINICBOT_{name}", value)
    with pytest.raises(ConfigError, match=f"CLINICBOT_{name}.*{words}"):
        _app(tmp_path, index_dir)


def test_config_environment_numbers_and_lists_are_typed(tmp_path, index_dir, monkeypatch):
    monkeypatch.setenv("CLINICBOT_RETENTION_DAYS", "7")
    monkeypatch.setenv("CLINICBOT_INDEX_CHECK_SECONDS", "0.5")
    monkeypatch.setenv("CLINICBOT_EMERGENCY_NUMBER", "112")
    monkeypatch.setenv("CLINICBOT_TRUSTED_HOSTS", "bot.example, www.bot.example")
    monkeypatch.setenv("CLINICBOT_CORS_ORIGINS", "https://A.example/ https://b.example")
    app = _app(tmp_path, index_dir)
    assert app.config["RETENTION_DAYS"] == 7
    assert app.config["INDEX_CHECK_SECONDS"] == 0.5
    assert app.config["EMERGENCY_NUMBER"] == "112"  # text, though it looks like a number
    assert app.config["TRUSTED_HOSTS"] == ["bot.example", "www.bot.example"]
    assert app.config["CORS_ORIGINS"] == ("https://a.example", "https://b.example")


def test_config_empty_variable_means_the_default(tmp_path, index_dir, monkeypatch):
    monkeypatch.setenv("CLINICBOT_DISCLAIMER", "")
    monkeypatch.setenv("CLINICBOT_RETENTION_DAYS", " ")
    app = _app(tmp_path, index_dir)
    assert app.config["DISCLAIMER"] == config.DEFAULTS["DISCLAIMER"]
    assert app.config["RETENTION_DAYS"] == 30


@pytest.mark.parametrize("value,expected", [
    (None, []), ("", []), ("a, b c,,d", ["a", "b", "c", "d"]), (["a", " b "], ["a", "b"]),
])
def test_split_list_reads_commas_and_spaces(value, expected):
    assert split_list(value) == expected


@pytest.mark.parametrize("value,expected", [
    (None, ()),
    ("", ()),
    ("https://a.example, http://localhost:8080", ("https://a.example", "http://localhost:8080")),
    (["https://A.example/", "https://a.example"], ("https://a.example",)),
    ("https://*.example.org", ("https://*.example.org",)),
])
def test_parse_origins_accepts_bare_origins(value, expected):
    assert parse_origins(value) == expected


@pytest.mark.parametrize("value", [
    "https://a.example/path", "https://a.example; script-src *", "*", "a.example", "ftp://a.example",
    "https://a.example?x=1",
])
def test_parse_origins_rejects_anything_else(value):
    with pytest.raises(ConfigError, match="CLINICBOT_WIDGET_ORIGINS: .* is not an origin"):
        parse_origins(value)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_config_every_setting_is_documented(setting):
    assert f"`CLINICBOT_{setting.name}`" in DOC.read_text(), f"document CLINICBOT_{setting.name} in {DOC}"


def test_config_docs_name_only_real_settings():
    named = set(re.findall(r"CLINICBOT_[A-Z_]+[A-Z]", DOC.read_text()))
    unknown = {n for n in named if n[len("CLINICBOT_"):] not in config.BY_NAME and not OTHER_VARIABLES.fullmatch(n)}
    assert not unknown, f"{DOC.name} names settings that do not exist: {sorted(unknown)}"


def test_config_docs_name_every_gunicorn_variable():
    source = (ROOT / "gunicorn.conf.py").read_text()
    variables = set(re.findall(r"""environ(?:\.get\(|\[)["']([A-Z_]+)["']""", source))
    variables |= set(re.findall(r"""_int\(["']([A-Z_]+)["']""", source))
    missing = {v for v in variables if f"`{v}`" not in DOC.read_text()}
    assert variables and not missing, f"document in {DOC.name}: {sorted(missing)}"


def test_config_product_code_reads_only_settings_without_defaults_of_its_own():
    read, written, fallbacks = set(), set(), []
    for path in PRODUCT:
        source = path.read_text()
        read |= set(re.findall(r"""config(?:\[|\.get\()\s*["']([A-Z_]+)["']""", source))
        read |= set(re.findall(r"""_config_limit\(["']([A-Z_]+)["']\)""", source))
        written |= set(re.findall(r"""config\[["']([A-Z_]+)["']\]\s*=(?!=)""", source))
        defaulted = re.findall(r"""config\.(?:get\(["'][A-Z_]+["'],[^)]*\)|setdefault\(.*)""", source)
        fallbacks += [f"{path.name}: {m}" for m in defaulted]
    assert not fallbacks, f"defaults belong in web/config.py: {fallbacks}"
    unknown = read - set(config.BY_NAME) - written - {"TESTING"}
    assert not unknown, f"settings read but not declared in web/config.py: {sorted(unknown)}"
