"""The whole lineage, materialized into temporary DuckDB warehouses (see tests/pipeline_runs.py).

Reading tests share the session's sample build; the second run works on a copy of it, and the
real export runs in a workspace of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.definitions import defs

pytestmark = pytest.mark.slow

TABLES = (
    "raw.cdc_pulse_indicators",
    "raw.reddit_posts",
    "raw.quarantine",
    "staging.stg_cdc__pulse_indicators",
    "marts.fct_signals",
    "ml.forecasts",
    "ml.forecast_metrics",
    "ml.forecast_candidates",
)


def test_every_asset_is_materialized_and_every_check_passes(sample_pipeline):
    first_run = sample_pipeline.result
    assert first_run.success, first_run.describe()
    every_asset = {
        key.to_user_string()
        for key in defs().resolve_asset_graph().get_all_asset_keys()
        if defs().resolve_asset_graph().get(key).is_materializable
    }
    assert first_run.materialized == every_asset
    assert len(first_run.check_evaluations) >= 10, "dbt tests should arrive as asset checks"
    assert first_run.failed_checks == []


def test_the_second_dbt_step_starts_from_the_first_steps_parse(sample_pipeline):
    # A workspace's own data folder: the profile differs from the one `make prepare` parsed
    # with, so the first dbt step parses the project from scratch, and saves it for the next.
    output = sample_pipeline.result.output
    assert output.count("Unable to do partial parsing") == 1, output[-3000:]
    saved = sample_pipeline.workspace.data_dir / "dbt" / "partial_parse.msgpack"
    assert saved.is_file()


def test_the_pipeline_runs_the_data_tests_not_the_unit_or_seed_tests(sample_pipeline):
    output = sample_pipeline.result.output
    assert "START test stg_cdc__pulse_indicators_required_columns_not_null" in output  # a data test
    # A singular test that reads a seed with the loaded data is a data test too.
    assert "START test assert_national_pauses_are_documented_breaks" in output
    assert "START unit_test" not in output, output[-3000:]
    # The seeds' own checks guard files of the repository (tests/dbt runs them).
    assert "START test unique_resource_catalog_url" not in output, output[-3000:]
    assert "START seed file staging.resource_catalog" in output


def test_progress_shows_one_line_per_stage_with_rows_and_seconds(sample_pipeline):
    lines = sample_pipeline.result.progress.splitlines()
    # One line per step: extracts, dbt, sentiment, the survey's segments and recommendations,
    # the dbt models that read the sentiment, themes and summaries, forecasts, dashboard. Steps
    # that do not depend on each other may run in either order.
    steps = [line.split()[1] for line in lines]
    assert sorted(steps) == sorted(
        [
            "raw__cdc_pulse_indicators",
            "raw__osmi_survey_responses",
            "raw__reddit_posts",
            "raw__news_articles",
            "raw__google_trends_interest",
            "raw__who_suicide_statistics",
            "mindpulse_dbt",
            "ml__post_sentiment",
            "ml__resource_recommendations",
            "survey_segments",
            "mindpulse_dbt_after_ml",
            "ml__reddit_insights",
            "signal_forecasts",
            "signal_relationships",
            "signal_anomalies",
            "dashboard__mindpulse_dashboard",
        ]
    ), lines
    assert steps.index("mindpulse_dbt") < steps.index("survey_segments")
    assert steps.index("ml__post_sentiment") < steps.index("mindpulse_dbt_after_ml")
    assert steps[-1] == "dashboard__mindpulse_dashboard"
    assert all(line.split()[0] == "ok" and " s " in line for line in lines), lines
    for raw_asset in ("raw/cdc_pulse_indicators", "raw/reddit_posts"):
        extract_line = next(line for line in lines if raw_asset in line)
        assert "rows" in extract_line and "3 records quarantined" in extract_line


def test_tables_hold_the_sample_data(sample_build):
    workspace = sample_build
    loaded = workspace.count("raw.cdc_pulse_indicators")
    quarantined = workspace.count("raw.quarantine where source = 'cdc_pulse'")
    (rows_in,) = workspace.query("select rows_in from raw.load_batches where source = 'cdc_pulse'")[
        0
    ]
    assert quarantined == 3  # the generator's three deliberately malformed records
    assert rows_in == loaded + quarantined
    # The Reddit sample: its own three malformed posts, every record accounted for.
    posts = workspace.count("raw.reddit_posts")
    assert 9_000 < posts < 11_000
    assert workspace.count("raw.quarantine where source = 'reddit'") == 3
    assert workspace.query("select rows_in from raw.load_batches where source = 'reddit'") == [
        (posts + 3,)
    ]
    gap_rows = workspace.count("raw.cdc_pulse_indicators where phase = '-1'")
    assert workspace.count("staging.stg_cdc__pulse_indicators") == loaded - gap_rows
    national = workspace.query(
        "select signal, count(*) from marts.fct_signals where group_type = 'national' "
        "group by signal order by signal"
    )
    assert national == [("anxiety", 72), ("anxiety_or_depression", 72), ("depression", 72)]
    metrics = workspace.query(
        "select signal, mase, naive_mase, model_name, relative_mae, interval_coverage_80 "
        "from ml.forecast_metrics where group_type = 'national'"
    )
    assert len(metrics) == 3
    for _, mase, naive_mase, model_name, relative_mae, coverage in metrics:
        assert mase > 0 and naive_mase > 0 and relative_mae > 0 and 0 <= coverage <= 1
        assert model_name
    # Each forecast row says which model made it: the one its series' metrics name.
    mismatched = workspace.count(
        "ml.forecasts f join ml.forecast_metrics m using (series_key) "
        "where f.model_name <> m.model_name"
    )
    assert mismatched == 0
    # 90 days ahead: 4 steps of 28 days for the survey, 13 weeks for Reddit's weekly series.
    steps = dict(
        workspace.query("select source, max(horizon_periods) from ml.forecast_metrics group by 1")
    )
    assert steps == {"cdc_pulse": 4, "reddit": 13, "news": 13, "google_trends": 13}
    future = workspace.count("ml.forecasts where is_forecast")
    assert future == workspace.query("select sum(horizon_periods) from ml.forecast_metrics")[0][0]


def test_the_dashboard_copy_is_published(sample_build):
    workspace = sample_build
    for table in ("marts.fct_signals", "ml.forecasts", "ml.forecast_metrics"):
        assert workspace.count(table, workspace.published) == workspace.count(table)


def test_a_second_run_leaves_the_same_rows_and_reuses_every_forecast(
    sample_build, second_pipeline_run
):
    moved, again = second_pipeline_run.previous, second_pipeline_run.result
    workspace = second_pipeline_run.workspace
    assert moved.success, moved.describe()
    assert again.success, again.describe()
    before = {table: sample_build.count(table) for table in TABLES}
    assert {table: workspace.count(table) for table in TABLES} == before
    assert sample_build.count("raw.load_batches where source = 'cdc_pulse'") == 1
    assert workspace.count("raw.load_batches where source = 'cdc_pulse'") == 3
    for table in (
        "marts.fct_signals",
        "ml.forecasts",
        "ml.forecast_metrics",
        "ml.forecast_candidates",
        "ml.reddit_insights",
        "ml.reddit_insight_cells",
    ):
        assert workspace.table_digest(table, "all") == sample_build.table_digest(table, "all")
    # Nothing changed, so no series is fitted and no insight cell computed again in either run
    series = before["ml.forecast_metrics"]
    cells = sample_build.count("ml.reddit_insight_cells")
    for run in (moved, again):
        line = next(line for line in run.progress.splitlines() if "ml/forecasts" in line)
        assert f"series: {series} reused, 0 fitted" in line, run.progress
        line = next(line for line in run.progress.splitlines() if "ml/reddit_insights" in line)
        assert f"cells: {cells} reused, 0 computed" in line, run.progress
    # ... dbt builds and tests in the copied warehouse once (its tables are in a new file) ...
    dbt_moved = next(line for line in moved.progress.splitlines() if "marts/fct_signals" in line)
    assert "dbt not run" not in dbt_moved and len(moved.check_evaluations) >= 10
    # ... and then has nothing to rebuild: same tables reported, no test re-run.
    dbt_again = next(line for line in again.progress.splitlines() if "marts/fct_signals" in line)
    assert "dbt not run: unchanged since run" in dbt_again, again.progress
    assert again.materialized == moved.materialized
    assert [e for e in again.check_evaluations if e["asset"].startswith("staging/")] == []
    # The same CDC sample (a snapshot) is landed once; every load names that one file.
    [landed] = (workspace.landing_dir / "cdc_pulse").iterdir()
    paths = workspace.query(
        "select distinct landing_path from raw.load_batches where source = 'cdc_pulse'"
    )
    assert {Path(path).name for (path,) in paths} == {landed.name}
    # Reddit is incremental: the first run landed the whole sample; both later runs found no
    # post newer than the newest loaded and landed what they received, an empty payload, which
    # (identical bytes landing once) is one empty file. raw.reddit_posts kept its rows.
    empty, whole = sorted(
        (workspace.landing_dir / "reddit").iterdir(), key=lambda path: path.stat().st_size
    )
    assert empty.stat().st_size == 0 < whole.stat().st_size
    loads = workspace.query(
        "select landing_path, rows_in from raw.load_batches where source = 'reddit' "
        "order by loaded_at"
    )
    rows_in = sample_build.count("raw.reddit_posts") + 3  # and its three malformed posts
    assert [(Path(path).name, rows) for path, rows in loads] == [
        (whole.name, rows_in),
        (empty.name, 0),
        (empty.name, 0),
    ]


def test_nothing_is_written_outside_the_data_folder(sample_pipeline):
    workspace = sample_pipeline.workspace
    # The data folder, the Dagster home and the test harness's own run logs.
    assert {path.name for path in workspace.root.iterdir()} <= {"data", "dagster_home", "runs"}
    written = {path.name for path in workspace.data_dir.iterdir()}
    # secrets/: the generated key of the Reddit author hashes (mode 0600, never committed);
    # dbt/: dbt's saved parse of the project for this folder.
    assert (
        {"landing", "warehouse", "dbt"}
        <= written
        <= {
            "dbt",
            "landing",
            "logs",
            "secrets",
            "warehouse",
        }
    )


def test_the_real_cdc_export_runs_end_to_end(real_pipeline_run):
    workspace, result = real_pipeline_run.workspace, real_pipeline_run.result
    assert result.success, result.describe()
    assert workspace.count("raw.cdc_pulse_indicators") == 16_794
    assert workspace.count("raw.quarantine where source = 'cdc_pulse'") == 0
    assert result.failed_checks == []
    # 16,794 minus the 702 gap rows (phase -1); the 5 suppressed estimates stay, flagged and
    # without a value, in staging, and are left out of the mart.
    assert workspace.query(
        "select count(*), count(*) filter (where is_suppressed), "
        "count(*) filter (where is_suppressed and value is null) "
        "from staging.stg_cdc__pulse_indicators"
    ) == [(16_092, 5, 5)]
    assert workspace.count("marts.fct_signals where source = 'cdc_pulse'") == 16_092 - 5
    national = workspace.query(
        "select signal, count(*), count(distinct period_number), min(period_number), "
        "max(period_number) from staging.stg_cdc__pulse_indicators "
        "where group_type = 'national' group by signal order by signal"
    )
    assert national == [
        ("anxiety", 72, 72, 1, 72),
        ("anxiety_or_depression", 72, 72, 1, 72),
        ("depression", 72, 72, 1, 72),
    ]
    national_signals = workspace.query(
        "select count(*) from marts.fct_signals where group_type = 'national' group by signal"
    )
    assert sorted(national_signals) == [(72,), (72,), (72,)]
    national_metrics = workspace.query(
        "select model_name, n_folds, n_scored_folds, relative_mae, interval_coverage_80 "
        "from ml.forecast_metrics where group_type = 'national' and mase > 0"
    )
    assert len(national_metrics) == 3
    for model_name, n_folds, n_scored, relative_mae, coverage in national_metrics:
        assert model_name and (n_folds, n_scored) == (7, 6)
        assert relative_mae > 0 and 0 <= coverage <= 1
    assert workspace.count("ml.forecast_metrics where source = 'cdc_pulse'") == 234
