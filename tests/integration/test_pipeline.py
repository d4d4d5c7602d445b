"""The whole lineage, materialized in-process into a temporary DuckDB warehouse."""

from __future__ import annotations

import pytest

from orchestration.definitions import defs

pytestmark = pytest.mark.slow

TABLES = (
    "raw.cdc_pulse_indicators",
    "raw.quarantine",
    "staging.stg_cdc__pulse_indicators",
    "marts.fct_signals",
    "ml.forecasts",
    "ml.forecast_metrics",
    "ml.forecast_candidates",
)


@pytest.fixture(scope="module")
def workspace(new_workspace):
    return new_workspace("pipeline")


@pytest.fixture(scope="module")
def first_run(workspace):
    return workspace.run(MINDPULSE_SAMPLE_SCALE="0.5")


def test_every_asset_is_materialized_and_every_check_passes(workspace, first_run):
    assert first_run.success
    every_asset = {
        key.to_user_string()
        for key in defs().resolve_asset_graph().get_all_asset_keys()
        if defs().resolve_asset_graph().get(key).is_materializable
    }
    assert workspace.materialized_keys(first_run) == every_asset
    evaluations = first_run.get_asset_check_evaluations()
    assert len(evaluations) >= 10, "dbt tests should arrive as asset checks"
    assert workspace.failed_checks(first_run) == []


def test_progress_shows_one_line_per_stage_with_rows_and_seconds(workspace, first_run):
    lines = workspace.progress.getvalue().splitlines()
    assert len(lines) == 4, lines  # extract, dbt, forecasts, dashboard
    assert all(line.split()[0] == "ok" and " s " in line for line in lines), lines
    extract_line = next(line for line in lines if "raw/cdc_pulse_indicators" in line)
    assert "rows" in extract_line and "3 records quarantined" in extract_line


def test_tables_hold_the_sample_data(workspace, first_run):
    loaded = workspace.count("raw.cdc_pulse_indicators")
    quarantined = workspace.count("raw.quarantine")
    (rows_in,) = workspace.query("select rows_in from raw.load_batches")[0]
    assert quarantined == 3  # the generator's three deliberately malformed records
    assert rows_in == loaded + quarantined
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
    future = workspace.count("ml.forecasts where is_forecast")
    assert future == workspace.count("ml.forecast_metrics") * 4  # 90 days = 4 steps of 28 days


def test_the_dashboard_copy_is_published(workspace, first_run):
    for table in ("marts.fct_signals", "ml.forecasts", "ml.forecast_metrics"):
        assert workspace.count(table, workspace.published) == workspace.count(table)


def test_a_second_run_leaves_the_same_row_counts_and_reuses_every_forecast(workspace, first_run):
    before = {table: workspace.count(table) for table in TABLES}
    forecasts_before = workspace.table_digest("ml.forecasts", "all")
    second = workspace.run(MINDPULSE_SAMPLE_SCALE="0.5")
    assert second.success
    assert {table: workspace.count(table) for table in TABLES} == before
    # Nothing changed, so no series is fitted again and the forecast rows are the same rows.
    series = before["ml.forecast_metrics"]
    forecast_line = next(
        line for line in workspace.progress.getvalue().splitlines() if "ml/forecasts" in line
    )
    assert f"series: {series} reused, 0 fitted" in forecast_line
    assert workspace.table_digest("ml.forecasts", "all") == forecasts_before
    assert workspace.count("raw.load_batches") == 2
    # The same sample is landed once; both loads name that one file.
    [landed] = (workspace.landing / "cdc_pulse").iterdir()
    paths = workspace.query("select distinct landing_path from raw.load_batches")
    assert paths == [(str(landed),)]


def test_nothing_is_written_outside_the_data_folder(workspace, first_run):
    # Only MINDPULSE_DATA_DIR (and DAGSTER_HOME, if the instance wrote to it) in the workspace.
    assert {path.name for path in workspace.root.iterdir()} <= {"data", "dagster_home"}
    assert sorted(path.name for path in workspace.data_dir.iterdir()) == ["landing", "warehouse"]


def test_the_real_cdc_export_runs_end_to_end(new_workspace, real_cdc_export):
    workspace = new_workspace("real")
    result = workspace.run(MINDPULSE_CDC_PULSE_FILE=str(real_cdc_export))
    assert result.success, workspace.failed_checks(result)
    assert workspace.count("raw.cdc_pulse_indicators") == 16_794
    assert workspace.count("raw.quarantine") == 0
    assert workspace.count("staging.stg_cdc__pulse_indicators") == 16_092
    assert workspace.count("staging.stg_cdc__pulse_indicators where is_suppressed") == 5
    national = workspace.query(
        "select count(*) from marts.fct_signals where group_type = 'national' group by signal"
    )
    assert sorted(national) == [(72,), (72,), (72,)]
    mase = workspace.query(
        "select mase from ml.forecast_metrics where group_type = 'national' and mase > 0"
    )
    assert len(mase) == 3
