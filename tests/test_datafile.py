"""read_toml, the one reader of the project's TOML data files, and the modules that use it."""

from __future__ import annotations

import re

import pytest

from bot import answers, intents, regions, starters, triage
from index import lexicon, quality_check
from index.datafile import DataFileError, read_toml
from web.config import ConfigError


class OwnError(Exception):
    """Stands for a caller's own error class."""


def test_read_toml_reads_a_file(tmp_path):
    path = tmp_path / "data.toml"
    path.write_text('[clinic]\nname = "Riverside"\n', encoding="utf-8")
    assert read_toml(path) == {"clinic": {"name": "Riverside"}}


def test_read_toml_names_the_file_and_the_line_of_bad_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('ok = 1\n[[region]\nid = "knee"\n', encoding="utf-8")
    with pytest.raises(OwnError) as caught:
        read_toml(path, OwnError, "regions file")
    message = str(caught.value)
    assert message.startswith(f"cannot read regions file {path}: not valid TOML (")
    assert "line 2" in message


def test_read_toml_names_a_missing_file_and_why(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(OwnError, match=re.escape(f"cannot read lexicon {path}: No such file or directory")):
        read_toml(path, OwnError, "lexicon")


def test_read_toml_without_an_error_class_raises_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="cannot read file .*directory"):
        read_toml(tmp_path)


@pytest.mark.parametrize(("load", "error", "what"), [
    (lambda p: regions.load(p), regions.RegionsError, "regions file"),
    (lambda p: intents.load(str(p)), intents.IntentsError, "intents"),
    (lambda p: answers.load(str(p)), answers.AnswersError, "safety answers"),
    (lambda p: triage.load_rules(str(p)), triage.RulesError, "red-flag rules"),
    (lambda p: starters.load(str(p)), starters.StartersError, "conversation starters"),
    (lambda p: lexicon.load(p, str.split), lexicon.LexiconError, "lexicon"),
    (lambda p: quality_check.load_rules(str(p)), quality_check.QualityRulesError, "ingestion quality rules"),
])
def test_each_reader_raises_its_own_error_naming_the_file(tmp_path, load, error, what):
    path = tmp_path / "broken.toml"
    path.write_text("[[entry]\n", encoding="utf-8")
    with pytest.raises(error, match=re.escape(f"cannot read {what} {path}: not valid TOML")):
        load(path)


def test_config_error_names_the_setting_and_the_file(tmp_path):
    from tests.appkit import make_app

    path = tmp_path / "wording.toml"
    path.write_text("[es\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"CLINICBOT_CLINIC_TRANSLATIONS_FILE: cannot read file {path}: "
                                                    "not valid TOML")):
        make_app({"INSTANCE_PATH": str(tmp_path), "LOAD_INDEX_AT_START": False, "CLINIC_TRANSLATIONS_FILE": str(path)})
