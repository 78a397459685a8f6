"""The clinicbot CLI commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from index import versions

ROOT = Path(__file__).resolve().parent.parent


def test_build_index_command_reports_counts(runner, tmp_path):
    result = runner.invoke(args=["build-index"])
    assert result.exit_code == 0, result.output
    assert "indexed 20 posts" in result.output


def test_build_index_bad_feed_is_clear_error_and_keeps_index(runner, app, tmp_path):
    before = versions.current_version(app.config["INDEX_DIR"])
    bad = tmp_path / "empty.xml"
    bad.write_text("")
    result = runner.invoke(args=["build-index", "--feed", str(bad)])
    assert result.exit_code != 0
    assert "is empty" in result.output and "live index was not changed" in result.output
    assert "Traceback" not in result.output
    assert versions.current_version(app.config["INDEX_DIR"]) == before


def test_ask_json_prints_api_answer(runner):
    result = runner.invoke(args=["ask", "--json", "pain on the inside of my elbow when I grip things"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["results"][0]["post_slug"] == "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
    assert answer["disclaimer"]


def test_ask_plain_prints_reply_and_cta(runner):
    result = runner.invoke(args=["ask", "shin splints from running"])
    assert result.exit_code == 0, result.output
    assert "Shin Splints" in result.output
    assert "Book an appointment" in result.output


def test_console_script_ask_runs_in_a_fresh_process(tmp_path):
    env = dict(os.environ, CLINICBOT_INSTANCE_PATH=str(tmp_path / "inst"))
    script = Path(sys.executable).parent / "clinicbot"
    out = subprocess.run([str(script), "ask", "--json", "outer knee pain on downhill runs"],
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    answer = json.loads(out.stdout)
    assert answer["matched"] is True
    assert (tmp_path / "inst" / "index" / "CURRENT").is_file()
