"""The Dagster code location: validates, wires the lineage, and maps dbt tests to checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.execution.api import create_execution_plan

from orchestration.dbt_assets import ManifestMissingError, build_dbt_assets
from orchestration.definitions import defs
from orchestration.schedules import WEEKLY_JOB_NAME
from orchestration.settings import PROJECT_ROOT, ConfigurationError

LINEAGE = [
    "raw/cdc_pulse_indicators",
    "staging/stg_cdc__pulse_indicators",
    "marts/fct_signals",
    "ml/forecasts",
    "dashboard/mindpulse_dashboard",
]
# Reddit posts reach the forecasts through their sentiment: dbt, Python, dbt again.
REDDIT_LINEAGE = [
    "raw/reddit_posts",
    "staging/stg_reddit__posts",
    "marts/fct_reddit_posts",
    "ml/post_sentiment",
    "staging/stg_ml__post_sentiment",
    "marts/fct_signals",
    "ml/forecasts",
]


@pytest.fixture(scope="module")
def asset_graph():
    return defs().resolve_asset_graph()


def test_dagster_definitions_validate_passes(tmp_path):
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster")),
            "definitions",
            "validate",
            "-m",
            "orchestration.definitions",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        # An existing, empty instance folder: the check must not depend on the caller's one.
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("lineage", [LINEAGE, REDDIT_LINEAGE], ids=["cdc", "reddit"])
def test_lineage_runs_from_raw_to_dashboard(asset_graph, lineage):
    for upstream, downstream in zip(lineage, lineage[1:], strict=False):
        parents = {
            key.to_user_string()
            for key in asset_graph.get(dg.AssetKey.from_user_string(downstream)).parent_keys
        }
        assert upstream in parents, f"{downstream} should depend on {upstream}, has {parents}"


def test_the_weekly_job_runs_dbt_in_two_steps_around_the_sentiment():
    job = defs().resolve_job_def(WEEKLY_JOB_NAME)
    plan = create_execution_plan(job)
    steps = [step.key for step in plan.get_steps_to_execute_in_topo_order()]
    dbt_steps = [key for key in steps if key.startswith("mindpulse_dbt")]
    assert dbt_steps == ["mindpulse_dbt", "mindpulse_dbt_after_ml"]
    assert steps.index("mindpulse_dbt") < steps.index("ml__post_sentiment")
    assert steps.index("ml__post_sentiment") < steps.index("mindpulse_dbt_after_ml")
    # The survey's ML assets need only the first step.
    assert steps.index("mindpulse_dbt") < steps.index("survey_segments")
    assert steps.index("mindpulse_dbt") < steps.index("ml__resource_recommendations")
    assets = {
        step.key: {
            key.to_user_string()
            for key in job.asset_layer.get_assets_def_for_node(step.node_handle).keys
        }
        for step in plan.get_steps_to_execute_in_topo_order()
        if step.key in dbt_steps
    }
    # The seed builds with the staging model its singular test reads with it; only the models
    # that read the ML layer's tables wait for it.
    assert assets == {
        "mindpulse_dbt": {
            "staging/cdc_survey_phase_breaks",
            "staging/stg_cdc__pulse_indicators",
            "staging/stg_reddit__posts",
            "marts/fct_reddit_posts",
            "staging/osmi_gender_answers",
            "staging/osmi_country_names",
            "staging/resource_catalog",
            "staging/stg_osmi__survey_responses",
            "marts/dim_survey_respondents",
            "staging/news_outlet_types",
            "staging/stg_news__articles",
            "staging/stg_google_trends__interest",
            "staging/stg_who__suicide_statistics",
            "marts/fct_suicide_rates",
        },
        "mindpulse_dbt_after_ml": {"staging/stg_ml__post_sentiment", "marts/fct_signals"},
    }


def test_dbt_sources_map_to_the_raw_asset_not_to_a_separate_source_asset(asset_graph):
    keys = {key.to_user_string() for key in asset_graph.get_all_asset_keys()}
    assert "raw/cdc_pulse_indicators" in keys
    assert not any(key.startswith("cdc_pulse/") for key in keys), keys


def test_dbt_tests_are_blocking_asset_checks(asset_graph):
    checks = [
        asset_graph.get_check_spec(check_key)
        for check_key in asset_graph.asset_check_keys
        if check_key.asset_key.to_user_string()
        in (
            "marts/fct_signals",
            "staging/stg_cdc__pulse_indicators",
            "staging/stg_reddit__posts",
            "marts/fct_reddit_posts",
            "staging/stg_ml__post_sentiment",
        )
    ]
    assert len(checks) >= 40
    # Every check blocks what is downstream, except the one that only warns: a file dump's
    # posts from communities outside the configured list are kept and reported.
    assert {spec.name for spec in checks if not spec.blocking} == {
        "stg_reddit__posts_subreddit_configured_in_file_dump"
    }
    by_asset = {spec.asset_key.to_user_string() for spec in checks}
    assert "marts/fct_reddit_posts" in by_asset and "staging/stg_ml__post_sentiment" in by_asset


def test_weekly_schedule_sunday_0800_utc_covers_every_asset():
    schedule = defs().resolve_schedule_def("weekly_refresh")
    assert schedule.cron_schedule == "0 8 * * 0"
    assert schedule.execution_timezone == "UTC"
    job = defs().resolve_job_def(schedule.job_name)
    assert {key.to_user_string() for key in job.asset_layer.selected_asset_keys} >= set(LINEAGE)


def test_importing_the_code_location_reads_no_environment():
    script = (
        "import orchestration.definitions as d\n"
        "try:\n    d.defs()\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "MINDPULSE_WAREHOUSE": "postgres"},
        timeout=300,
    )
    # Import succeeded; the bad value surfaced only when the definitions were built.
    assert completed.returncode == 0, completed.stderr
    assert ConfigurationError.__name__ in completed.stdout
    assert "MINDPULSE_WAREHOUSE='postgres'" in completed.stdout


def test_missing_manifest_says_how_to_prepare_it(tmp_path):
    with pytest.raises(ManifestMissingError, match="make prepare"):
        build_dbt_assets(tmp_path / "manifest.json")


def test_the_sentiment_asset_reads_the_posts_mart_and_is_versioned_by_its_model():
    graph = defs().resolve_asset_graph()
    node = graph.get(dg.AssetKey(["ml", "post_sentiment"]))
    assert {key.to_user_string() for key in node.parent_keys} == {"marts/fct_reddit_posts"}
    assert node.code_version == "vaderSentiment 3.3.2"
    assert node.pools == {"warehouse_writer"}
