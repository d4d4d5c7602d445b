"""The dbt project's configuration: parsing without settings, both targets, seed, SQL style."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlfluff

from extract.cdc_pulse.calendar import SURVEY_WINDOWS
from tests.dbt.dbt_harness import DBT_PROJECT_DIR, run_dbt

FAKE_SNOWFLAKE = {
    "MINDPULSE_WAREHOUSE": "snowflake",
    "SNOWFLAKE_ACCOUNT": "example-account",
    "SNOWFLAKE_USER": "MINDPULSE_SERVICE",
    "SNOWFLAKE_ROLE": "MINDPULSE_TRANSFORMER",
    "SNOWFLAKE_WAREHOUSE": "MINDPULSE_WH",
    "SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/rsa_key.p8",
}


@pytest.fixture(scope="module")
def duckdb_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`dbt parse` with no MINDPULSE_, DBT_ or SNOWFLAKE_ variable set at all."""
    work_dir = tmp_path_factory.mktemp("dbt_parse_duckdb")
    run = run_dbt(["parse"], duckdb_path=None, work_dir=work_dir)
    assert run.returncode == 0, run.describe()
    return json.loads((work_dir / "target" / "manifest.json").read_text())


def relation_names(manifest: dict) -> dict[str, str]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return {
        node["name"]: node["relation_name"] for node in nodes.values() if node.get("relation_name")
    }


def test_parse_needs_no_settings_and_uses_plain_schema_names(duckdb_manifest):
    assert relation_names(duckdb_manifest) == {
        "cdc_pulse_indicators": '"mindpulse"."raw"."cdc_pulse_indicators"',
        "quarantine": '"mindpulse"."raw"."quarantine"',
        "load_batches": '"mindpulse"."raw"."load_batches"',
        "reddit_posts": '"mindpulse"."raw"."reddit_posts"',
        "post_sentiment": '"mindpulse"."ml"."post_sentiment"',
        "stg_cdc__pulse_indicators": '"mindpulse"."staging"."stg_cdc__pulse_indicators"',
        "stg_reddit__posts": '"mindpulse"."staging"."stg_reddit__posts"',
        "stg_ml__post_sentiment": '"mindpulse"."staging"."stg_ml__post_sentiment"',
        "cdc_survey_phase_breaks": '"mindpulse"."staging"."cdc_survey_phase_breaks"',
        "fct_reddit_posts": '"mindpulse"."marts"."fct_reddit_posts"',
        "fct_signals": '"mindpulse"."marts"."fct_signals"',
        "osmi_survey_responses": '"mindpulse"."raw"."osmi_survey_responses"',
        "osmi_gender_answers": '"mindpulse"."staging"."osmi_gender_answers"',
        "osmi_country_names": '"mindpulse"."staging"."osmi_country_names"',
        "resource_catalog": '"mindpulse"."staging"."resource_catalog"',
        "stg_osmi__survey_responses": '"mindpulse"."staging"."stg_osmi__survey_responses"',
        "dim_survey_respondents": '"mindpulse"."marts"."dim_survey_respondents"',
        "news_articles": '"mindpulse"."raw"."news_articles"',
        "news_outlet_types": '"mindpulse"."staging"."news_outlet_types"',
        "stg_news__articles": '"mindpulse"."staging"."stg_news__articles"',
        "google_trends_interest": '"mindpulse"."raw"."google_trends_interest"',
        "stg_google_trends__interest": '"mindpulse"."staging"."stg_google_trends__interest"',
        "who_suicide_statistics": '"mindpulse"."raw"."who_suicide_statistics"',
        "stg_who__suicide_statistics": '"mindpulse"."staging"."stg_who__suicide_statistics"',
        "fct_suicide_rates": '"mindpulse"."marts"."fct_suicide_rates"',
    }


@pytest.fixture(scope="module")
def snowflake_compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt compile` for the Snowflake target, offline: no connection is opened.

    Unit tests are left out (dbt would query Snowflake for their inputs' columns), and so is
    the incremental fct_reddit_posts, whose is_incremental() asks Snowflake whether the table
    exists; test_dbt_snowflake_target builds it, first in full and then incrementally.
    """
    work_dir = tmp_path_factory.mktemp("dbt_compile_snowflake")
    run = run_dbt(
        ["compile", "--no-populate-cache", "--exclude", "test_type:unit", "fct_reddit_posts"],
        duckdb_path=None,
        work_dir=work_dir,
        extra_env=FAKE_SNOWFLAKE,
    )
    assert run.returncode == 0, run.describe()
    return work_dir / "target"


def test_snowflake_target_gets_the_same_schema_names(snowflake_compiled):
    manifest = json.loads((snowflake_compiled / "manifest.json").read_text())
    assert relation_names(manifest) == {
        "cdc_pulse_indicators": "MINDPULSE.raw.cdc_pulse_indicators",
        "quarantine": "MINDPULSE.raw.quarantine",
        "load_batches": "MINDPULSE.raw.load_batches",
        "reddit_posts": "MINDPULSE.raw.reddit_posts",
        "post_sentiment": "MINDPULSE.ml.post_sentiment",
        "stg_cdc__pulse_indicators": "MINDPULSE.staging.stg_cdc__pulse_indicators",
        "stg_reddit__posts": "MINDPULSE.staging.stg_reddit__posts",
        "stg_ml__post_sentiment": "MINDPULSE.staging.stg_ml__post_sentiment",
        "cdc_survey_phase_breaks": "MINDPULSE.staging.cdc_survey_phase_breaks",
        "fct_reddit_posts": "MINDPULSE.marts.fct_reddit_posts",
        "fct_signals": "MINDPULSE.marts.fct_signals",
        "osmi_survey_responses": "MINDPULSE.raw.osmi_survey_responses",
        "osmi_gender_answers": "MINDPULSE.staging.osmi_gender_answers",
        "osmi_country_names": "MINDPULSE.staging.osmi_country_names",
        "resource_catalog": "MINDPULSE.staging.resource_catalog",
        "stg_osmi__survey_responses": "MINDPULSE.staging.stg_osmi__survey_responses",
        "dim_survey_respondents": "MINDPULSE.marts.dim_survey_respondents",
        "news_articles": "MINDPULSE.raw.news_articles",
        "news_outlet_types": "MINDPULSE.staging.news_outlet_types",
        "stg_news__articles": "MINDPULSE.staging.stg_news__articles",
        "google_trends_interest": "MINDPULSE.raw.google_trends_interest",
        "stg_google_trends__interest": "MINDPULSE.staging.stg_google_trends__interest",
        "who_suicide_statistics": "MINDPULSE.raw.who_suicide_statistics",
        "stg_who__suicide_statistics": "MINDPULSE.staging.stg_who__suicide_statistics",
        "fct_suicide_rates": "MINDPULSE.marts.fct_suicide_rates",
    }


def snowflake_sql_to_parse(compiled_dir: Path) -> list[Path]:
    """Every compiled model and singular test, and one compiled instance of each generic test:
    instances of one generic test differ only in names and literals, not in syntax, and
    sqlfluff takes about a tenth of a second per file."""
    manifest = json.loads((compiled_dir / "manifest.json").read_text())
    chosen, generic_seen = [], set()
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["unique_id"]):
        path = node.get("compiled_path")
        if not path or node["resource_type"] not in ("model", "test"):
            continue
        generic = (node.get("test_metadata") or {}).get("name")
        if generic in generic_seen:
            continue
        if generic:
            generic_seen.add(generic)
        chosen.append(compiled_dir.parent / path if not Path(path).is_absolute() else Path(path))
    return chosen


def test_snowflake_sql_parses_in_the_snowflake_dialect(snowflake_compiled):
    """A syntax check only (no Snowflake here): every compiled model and test parses."""
    compiled = snowflake_sql_to_parse(snowflake_compiled)
    assert len(compiled) >= 18 and all(path.is_file() for path in compiled), compiled
    unparsable = []
    for path in compiled:
        try:
            sqlfluff.parse(path.read_text(), dialect="snowflake")
        except sqlfluff.api.APIParsingError as error:
            unparsable.append(f"{path.name}: {error}")
    assert unparsable == []


def test_sources_map_to_the_asset_keys_of_the_tables_they_read(duckdb_manifest):
    keys = {
        (source["schema"], source["name"]): source["meta"]["dagster"]["asset_key"]
        for source in duckdb_manifest["sources"].values()
    }
    assert keys == {(schema, name): [schema, name] for schema, name in keys}
    assert set(keys) == {
        ("raw", "cdc_pulse_indicators"),
        ("raw", "quarantine"),
        ("raw", "load_batches"),
        ("raw", "reddit_posts"),
        ("raw", "osmi_survey_responses"),
        ("raw", "news_articles"),
        ("raw", "google_trends_interest"),
        ("raw", "who_suicide_statistics"),
        ("ml", "post_sentiment"),
    }


def test_raw_indicators_have_weekly_freshness(duckdb_manifest):
    [source] = [
        s for s in duckdb_manifest["sources"].values() if s["name"] == "cdc_pulse_indicators"
    ]
    assert source["loaded_at_field"] == "_loaded_at"
    assert source["freshness"]["warn_after"] == {"count": 8, "period": "day"}
    assert source["freshness"]["error_after"] == {"count": 15, "period": "day"}


def test_reddit_posts_are_fresh_within_30_days_in_live_mode_only(duckdb_manifest):
    [source] = [s for s in duckdb_manifest["sources"].values() if s["name"] == "reddit_posts"]
    assert source["loaded_at_field"] is None
    assert "_source_mode = 'live'" in source["loaded_at_query"]
    assert source["freshness"]["warn_after"] == {"count": 8, "period": "day"}
    assert source["freshness"]["error_after"] == {"count": 30, "period": "day"}
    # How it behaves in each mode: test_dbt_reddit.py.


def test_mart_contracts_are_enforced(duckdb_manifest):
    for name in ("fct_signals", "fct_reddit_posts", "fct_suicide_rates"):
        node = duckdb_manifest["nodes"][f"model.mindpulse.{name}"]
        assert node["config"]["contract"]["enforced"] is True
        assert all(column["data_type"] for column in node["columns"].values())


def test_fct_reddit_posts_is_incremental_on_post_id(duckdb_manifest):
    config = duckdb_manifest["nodes"]["model.mindpulse.fct_reddit_posts"]["config"]
    assert config["materialized"] == "incremental"
    assert config["unique_key"] == "post_id"
    assert config["incremental_strategy"] == "delete+insert"
    assert config["on_schema_change"] == "fail"


def test_phase_break_seed_matches_the_survey_calendar():
    """Every gap window and every phase change with a pause in calendar.py is documented."""
    with (DBT_PROJECT_DIR / "seeds" / "cdc_survey_phase_breaks.csv").open() as handle:
        documented = {
            (row["break_start"], row["break_end"], row["has_gap_rows"])
            for row in csv.DictReader(handle)
        }
    expected = set()
    for previous, window in zip(SURVEY_WINDOWS, SURVEY_WINDOWS[1:], strict=False):
        if window.is_gap:
            expected.add((window.start.isoformat(), window.end.isoformat(), "true"))
        elif not previous.is_gap and previous.phase != window.phase:
            pause_start = previous.end + timedelta(days=1)
            pause_end = window.start - timedelta(days=1)
            if pause_start <= pause_end:
                expected.add((pause_start.isoformat(), pause_end.isoformat(), "false"))
    assert documented == expected


def test_models_pass_sqlfluff():
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    if not sqlfluff.exists():
        pytest.skip("sqlfluff is not installed in this environment (dev dependency group)")
    lint = subprocess.run(
        [str(sqlfluff), "lint", "models", "--disable-progress-bar"],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
