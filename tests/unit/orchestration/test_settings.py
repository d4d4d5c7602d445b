"""The configuration contract: one module reads the environment, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestration.settings import (
    DBT_PROJECT_DIR,
    DEFAULT_DUCKDB_PATH,
    PROJECT_ROOT,
    ConfigurationError,
    load_settings,
)


def test_defaults_need_no_environment():
    settings = load_settings({})
    assert settings.warehouse == "duckdb"
    assert settings.duckdb_path == PROJECT_ROOT / "data" / "warehouse" / "mindpulse.duckdb"
    assert settings.source_mode("cdc_pulse") == "sample"
    assert settings.sample_scale == 1.0
    # The dashboard reads a published copy, never the file the pipeline writes.
    assert settings.published_duckdb_path != settings.duckdb_path
    assert settings.published_duckdb_path.name == settings.duckdb_path.name


def test_file_variable_switches_only_that_source_to_file_mode(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Indicator\n")
    settings = load_settings({"MINDPULSE_CDC_PULSE_FILE": str(export)})
    assert settings.source_mode("cdc_pulse") == "file"
    assert settings.source_file("cdc_pulse") == export
    assert settings.source_mode("reddit") == "sample"


def test_live_mode_is_the_default_for_every_source_when_asked():
    assert load_settings({"MINDPULSE_SOURCES": "live"}).source_mode("cdc_pulse") == "live"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINDPULSE_WAREHOUSE": "postgres"}, "MINDPULSE_WAREHOUSE='postgres' is not supported"),
        ({"MINDPULSE_SOURCES": "mock"}, "MINDPULSE_SOURCES='mock' is not supported"),
        ({"MINDPULSE_SAMPLE_SCALE": "big"}, "must be a positive number"),
        ({"MINDPULSE_SAMPLE_SCALE": "0"}, "must be a positive number"),
        ({"MINDPULSE_DUCKDB_PATH": "rel/x.duckdb"}, "must be an absolute path"),
        ({"MINDPULSE_CDC_PULSE_FILE": "/nonexistent/cdc.csv"}, "does not point to a readable"),
    ],
)
def test_bad_values_raise_errors_that_say_what_to_do(env, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(env)


def test_dbt_profile_defaults_point_at_the_same_duckdb_file():
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["mindpulse"]
    assert "MINDPULSE_WAREHOUSE" in profile["target"]
    path_template = profile["outputs"]["duckdb"]["path"]
    assert "MINDPULSE_DUCKDB_PATH" in path_template
    default = path_template.split("'")[3]  # env_var('NAME', 'default')
    # dbt runs with its working directory in dbt_project/ (CLI and Dagster alike).
    assert (DBT_PROJECT_DIR / default).resolve() == DEFAULT_DUCKDB_PATH
    assert profile["outputs"]["duckdb"]["threads"] == 1


def test_only_the_settings_module_reads_the_environment():
    offenders = []
    for folder in ("orchestration", "extract", "ml_assets", "dashboard"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            if path.name == "settings.py":
                continue
            text = path.read_text()
            if "os.environ" in text or "os.getenv" in text:
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == [], f"read the environment through orchestration.settings: {offenders}"


def test_relative_default_is_not_taken_from_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).duckdb_path == DEFAULT_DUCKDB_PATH
    assert Path.cwd() != PROJECT_ROOT
