"""The configuration contract: one module reads the environment, with clear errors."""

from __future__ import annotations

import contextvars
import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from orchestration.settings import (
    DBT_PROJECT_DIR,
    DEFAULT_DUCKDB_PATH,
    EARLIEST_SAMPLE_AS_OF,
    PROJECT_ROOT,
    ConfigurationError,
    load_settings,
)

DATA_DIR = "/srv/mindpulse-data"
ELSEWHERE = "/some/dir/x.duckdb"
# Every combination of the two path variables; an empty value counts as unset.
PATH_COMBINATIONS = {
    "neither": {},
    "only the data folder": {"MINDPULSE_DATA_DIR": DATA_DIR},
    "only the warehouse file": {"MINDPULSE_DUCKDB_PATH": ELSEWHERE},
    "both": {"MINDPULSE_DATA_DIR": DATA_DIR, "MINDPULSE_DUCKDB_PATH": ELSEWHERE},
    "both empty": {"MINDPULSE_DATA_DIR": "", "MINDPULSE_DUCKDB_PATH": "  "},
}


def test_defaults_need_no_environment():
    settings = load_settings({})
    assert settings.warehouse == "duckdb"
    assert settings.duckdb_path == PROJECT_ROOT / "data" / "warehouse" / "mindpulse.duckdb"
    assert settings.source_mode("cdc_pulse") == "sample"
    assert settings.sample_scale == 1.0
    # The dashboard reads a published copy, never the file the pipeline writes.
    assert settings.published_duckdb_path != settings.duckdb_path
    assert settings.published_duckdb_path.name == settings.duckdb_path.name
    # One data folder holds everything MindPulse writes.
    assert settings.data_dir == PROJECT_ROOT / "data"
    for path in (settings.landing_dir, settings.logs_dir, settings.published_duckdb_path):
        assert path.is_relative_to(settings.data_dir)
    assert settings.landing_retention_days == 30


def test_the_data_folder_holds_the_warehouse_and_everything_else():
    settings = load_settings({"MINDPULSE_DATA_DIR": DATA_DIR})
    assert settings.duckdb_path == Path(DATA_DIR) / "warehouse" / "mindpulse.duckdb"
    assert settings.landing_dir == Path(DATA_DIR) / "landing"
    assert settings.logs_dir == Path(DATA_DIR) / "logs"
    assert settings.published_duckdb_path == (
        Path(DATA_DIR) / "warehouse" / "published" / "mindpulse.duckdb"
    )


@pytest.mark.parametrize(
    ("env", "data_dir"),
    [
        ({"MINDPULSE_DUCKDB_PATH": ELSEWHERE}, PROJECT_ROOT / "data"),
        ({"MINDPULSE_DUCKDB_PATH": ELSEWHERE, "MINDPULSE_DATA_DIR": DATA_DIR}, Path(DATA_DIR)),
    ],
)
def test_an_explicit_warehouse_file_moves_only_the_warehouse(env, data_dir):
    settings = load_settings(env)
    assert settings.duckdb_path == Path(ELSEWHERE)
    assert settings.data_dir == data_dir
    # Nothing lands next to the warehouse file or in its grandparent folder (/some).
    for path in (settings.landing_dir, settings.logs_dir, settings.published_duckdb_path):
        assert path.is_relative_to(data_dir) and not path.is_relative_to("/some")
    # The published copy is named after its warehouse file.
    assert settings.published_duckdb_path == data_dir / "warehouse" / "published" / "x.duckdb"


def test_landing_retention_is_configurable():
    assert load_settings({"MINDPULSE_LANDING_RETENTION_DAYS": " 7 "}).landing_retention_days == 7


def test_the_writer_slot_wait_is_configurable():
    assert load_settings({}).writer_wait_seconds == 600
    assert load_settings({"MINDPULSE_WRITER_WAIT_SECONDS": "90"}).writer_wait_seconds == 90


def test_forecast_worker_processes_are_automatic_unless_set():
    assert load_settings({}).forecast_jobs is None
    assert load_settings({"MINDPULSE_FORECAST_JOBS": " Auto "}).forecast_jobs is None
    assert load_settings({"MINDPULSE_FORECAST_JOBS": "1"}).forecast_jobs == 1


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
        ({"MINDPULSE_DATA_DIR": "data"}, "MINDPULSE_DATA_DIR must be an absolute path"),
        ({"MINDPULSE_LANDING_RETENTION_DAYS": "0"}, "must be a positive whole number of days"),
        ({"MINDPULSE_LANDING_RETENTION_DAYS": "-3"}, "must be a positive whole number of days"),
        ({"MINDPULSE_LANDING_RETENTION_DAYS": "1.5"}, "must be a positive whole number of days"),
        ({"MINDPULSE_LANDING_RETENTION_DAYS": "month"}, "'month' must be a positive whole"),
        ({"MINDPULSE_WRITER_WAIT_SECONDS": "0"}, "must be a positive whole number of seconds"),
        ({"MINDPULSE_FORECAST_JOBS": "many"}, "must be `auto` or a positive whole number"),
        ({"MINDPULSE_FORECAST_JOBS": "0"}, "must be `auto` or a positive whole number"),
        ({"MINDPULSE_CDC_PULSE_FILE": "/nonexistent/cdc.csv"}, "does not point to a readable"),
    ],
)
def test_bad_values_raise_errors_that_say_what_to_do(env, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(env)


def test_the_sample_as_of_day_is_unset_by_default_and_read_as_an_iso_date():
    assert load_settings({}).sample_as_of is None  # today, whenever a run asks
    assert load_settings({"MINDPULSE_SAMPLE_AS_OF": " "}).sample_as_of is None
    settings = load_settings({"MINDPULSE_SAMPLE_AS_OF": "2025-06-30"})
    assert settings.sample_as_of == dt.date(2025, 6, 30)
    today = dt.datetime.now(dt.UTC).date()
    assert load_settings({"MINDPULSE_SAMPLE_AS_OF": str(today)}).sample_as_of == today


@pytest.mark.parametrize(
    "value",
    [
        "next week",
        "2025-6-30",  # ISO dates have two-digit months
        "20250630",  # date.fromisoformat would take it; the table documents YYYY-MM-DD
        "2025-02-30",
        "2020-12-31",  # before the samples can end (EARLIEST_SAMPLE_AS_OF)
        str(dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)),  # posts from the future
    ],
)
def test_a_bad_sample_as_of_day_says_which_days_work(value):
    today = dt.datetime.now(dt.UTC).date()
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"MINDPULSE_SAMPLE_AS_OF": value})
    message = str(raised.value)
    assert message.startswith(f"MINDPULSE_SAMPLE_AS_OF={value!r} must be a date as YYYY-MM-DD")
    assert f"from {EARLIEST_SAMPLE_AS_OF} to today ({today})" in message
    assert f"such as MINDPULSE_SAMPLE_AS_OF={today - dt.timedelta(days=7)}" in message


def test_both_samples_can_end_on_the_earliest_sample_as_of_day():
    from extract.cdc_pulse import extract_cdc_pulse
    from extract.reddit import extract_reddit

    cdc = extract_cdc_pulse("sample", sample_as_of=EARLIEST_SAMPLE_AS_OF)
    reddit = extract_reddit(
        "sample", author_key=b"k" * 32, sample_scale=0.2, sample_as_of=EARLIEST_SAMPLE_AS_OF
    )
    assert cdc.rows["period_end"].max() < EARLIEST_SAMPLE_AS_OF
    assert cdc.rows["time_period"].nunique() >= 20
    assert reddit.rows["created_utc"].max() < pd.Timestamp(EARLIEST_SAMPLE_AS_OF)
    assert reddit.rows["post_id"].is_unique and reddit.rows["created_week"].nunique() == 104


def dbt_rendered_duckdb_path(env: dict[str, str]) -> Path:
    """The DuckDB file dbt makes of profiles.yml under `env`, rendered by dbt's own renderer.

    dbt runs with its working directory in dbt_project/ (CLI and Dagster alike), so a relative
    result is resolved against that folder.
    """
    from dbt.config.profile import read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    def render() -> str:
        set_invocation_context(dict(env))  # the environment dbt's env_var() reads
        profile = read_profile(str(DBT_PROJECT_DIR))["mindpulse"]
        return ProfileRenderer({}).render_data(profile)["outputs"]["duckdb"]["path"]

    # A copied context keeps this invocation context away from every other test.
    rendered = contextvars.copy_context().run(render)
    return Path(os.path.normpath(DBT_PROJECT_DIR / rendered))


def test_dbt_profile_defaults_point_at_the_same_duckdb_file():
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["mindpulse"]
    assert "MINDPULSE_WAREHOUSE" in profile["target"]
    path_template = profile["outputs"]["duckdb"]["path"]
    assert "MINDPULSE_DUCKDB_PATH" in path_template
    assert "MINDPULSE_DATA_DIR" in path_template
    assert dbt_rendered_duckdb_path({}) == DEFAULT_DUCKDB_PATH
    assert profile["outputs"]["duckdb"]["threads"] == 1


@pytest.mark.parametrize("env", PATH_COMBINATIONS.values(), ids=PATH_COMBINATIONS.keys())
def test_dbt_profile_and_settings_resolve_the_same_duckdb_file(env):
    assert dbt_rendered_duckdb_path(env) == load_settings(env).duckdb_path


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


def test_the_app_token_never_shows_when_settings_are_printed():
    settings = load_settings({"MINDPULSE_CDC_APP_TOKEN": "tok-s3cr3t-value"})
    assert settings.cdc_app_token == "tok-s3cr3t-value"
    assert "tok-s3cr3t-value" not in repr(settings) and "tok-s3cr3t-value" not in str(settings)


def test_streamlit_secrets_are_git_ignored():
    from orchestration.settings import PROJECT_ROOT

    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored
    assert (PROJECT_ROOT / "dashboard" / "secrets.toml.example").is_file()


def test_accept_shrink_names_sources_or_all():
    assert load_settings({}).accept_shrink == frozenset()
    assert load_settings({"MINDPULSE_ACCEPT_SHRINK": "cdc_pulse"}).accepts_shrink("cdc_pulse")
    assert load_settings({"MINDPULSE_ACCEPT_SHRINK": " ALL "}).accepts_shrink("cdc_pulse")
    with pytest.raises(ConfigurationError, match=r"unknown source\(s\) \['cdc'\]; use 'all'"):
        load_settings({"MINDPULSE_ACCEPT_SHRINK": "cdc"})


@pytest.mark.parametrize("raw", ["0", "1.5", "ninety", "-0.2"])
def test_the_minimum_batch_share_must_be_a_share(raw):
    with pytest.raises(ConfigurationError, match="MINDPULSE_MIN_BATCH_SHARE=.* between 0 and 1"):
        load_settings({"MINDPULSE_MIN_BATCH_SHARE": raw})
    assert load_settings({"MINDPULSE_MIN_BATCH_SHARE": "0.75"}).min_batch_share == 0.75
    assert load_settings({}).min_batch_share == 0.9


def test_reddit_settings_and_their_defaults(tmp_path):
    from extract.reddit.live_source import DEFAULT_USER_AGENT

    default = load_settings({})
    assert default.reddit_subreddits == ("mentalhealth", "depression", "anxiety")
    assert default.reddit_user_agent == DEFAULT_USER_AGENT
    assert default.reddit_text_retention_days == 365
    assert (default.reddit_client_id, default.reddit_author_key) == (None, None)
    configured = load_settings(
        {
            "MINDPULSE_REDDIT_SUBREDDITS": " r/Anxiety, depression ,Anxiety",
            "REDDIT_CLIENT_ID": "the-id",
            "REDDIT_CLIENT_SECRET": "the-secret",
            "MINDPULSE_REDDIT_AUTHOR_KEY": "the-author-key-0123",
            "MINDPULSE_REDDIT_TEXT_RETENTION_DAYS": "30",
        }
    )
    assert configured.reddit_subreddits == ("Anxiety", "depression")
    assert configured.reddit_text_retention_days == 30
    # Secrets never appear when Settings is printed or logged.
    shown = repr(configured)
    assert "the-secret" not in shown and "the-author-key" not in shown and "the-id" not in shown


def test_the_reddit_file_may_be_a_folder_or_a_glob(tmp_path):
    (tmp_path / "a.csv").write_text("title\n")
    for value in (str(tmp_path), str(tmp_path / "*.csv"), str(tmp_path / "a.csv")):
        settings = load_settings({"MINDPULSE_REDDIT_FILE": value})
        assert settings.source_mode("reddit") == "file"
        assert settings.source_mode("cdc_pulse") == "sample"
    with pytest.raises(ConfigurationError, match=r"\*\.jsonl' matches no files"):
        load_settings({"MINDPULSE_REDDIT_FILE": str(tmp_path / "*.jsonl")})
    with pytest.raises(ConfigurationError, match="does not point to a readable file"):
        load_settings({"MINDPULSE_CDC_PULSE_FILE": str(tmp_path)})  # folders: reddit only


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINDPULSE_REDDIT_SUBREDDITS": "mental health"}, "comma-separated list of subreddit"),
        ({"MINDPULSE_REDDIT_SUBREDDITS": ","}, "comma-separated list of subreddit"),
        ({"MINDPULSE_REDDIT_TEXT_RETENTION_DAYS": "0"}, "positive whole number of days"),
        ({"MINDPULSE_REDDIT_FILE": "/nonexistent/posts.csv"}, "does not point to a readable"),
    ],
)
def test_bad_reddit_values_say_what_to_do(env, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(env)
