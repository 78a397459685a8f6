"""gunicorn.conf.py: worker count from the CPU count, overrides from the environment, metrics folder."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py")


def _load(monkeypatch, tmp_path, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_MAX_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONF)


def test_gunicorn_conf_workers_follow_cpu_count(monkeypatch, tmp_path):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    conf = _load(monkeypatch, tmp_path)
    assert conf["workers"] == 5
    assert conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
    assert conf["timeout"] == 30 and conf["graceful_timeout"] == 30
    assert conf["preload_app"] is False  # HUP must reload the code
    assert conf["accesslog"] is None  # the app writes its own JSON access line
    assert conf["control_socket_disable"] is True


def test_gunicorn_conf_workers_capped_and_overridable(monkeypatch, tmp_path):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert _load(monkeypatch, tmp_path)["workers"] == 8
    assert _load(monkeypatch, tmp_path, WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="60")["workers"] == 3
    assert _load(monkeypatch, tmp_path, GUNICORN_TIMEOUT="60")["timeout"] == 60


def test_gunicorn_conf_rejects_non_integer(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be an integer"):
        _load(monkeypatch, tmp_path, WEB_CONCURRENCY="many")


def test_gunicorn_conf_on_starting_empties_metrics_folder(monkeypatch, tmp_path):
    conf = _load(monkeypatch, tmp_path)
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"stale")
    conf["on_starting"](None)
    assert list(folder.iterdir()) == []
