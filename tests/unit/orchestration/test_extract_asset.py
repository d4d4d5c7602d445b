"""The extract asset: landing reuse and retention in its metadata, no personal data in its logs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from extract.cdc_pulse.file_source import EXPORT_COLUMNS
from orchestration.raw_sources import CDC_PULSE_KEY, cdc_pulse_indicators
from orchestration.resources import build_resources
from orchestration.settings import Settings, load_settings

GOOD = (
    "Symptoms of Depressive Disorder,By Sex,United States,Female,2,14,"
    '"Sep 2 - Sep 14, 2020",09/02/2020,09/14/2020,28.4,27.0,29.8,27.0 - 29.8,'
)
# 1 bad record in 40 stays under the 5 % that would stop the run.
PERSONAL_LINE = GOOD.replace(",28.4,", ",text jane.doe@example.com or 555-123-4567,")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    export = tmp_path / "export.csv"
    export.write_text("\n".join([",".join(EXPORT_COLUMNS), *[GOOD] * 39, PERSONAL_LINE]) + "\n")
    return load_settings(
        {
            "MINDPULSE_DATA_DIR": str(tmp_path / "data"),
            "MINDPULSE_CDC_PULSE_FILE": str(export),
            "MINDPULSE_LANDING_RETENTION_DAYS": "30",
        }
    )


def materialize(settings: Settings) -> tuple[dict, list[str]]:
    """Run the asset once; its materialization metadata (as plain values) and log messages."""
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [cdc_pulse_indicators], resources=build_resources(settings), instance=instance
        )
        assert result.success
        logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    [event] = result.get_asset_materialization_events()
    assert event.asset_key == CDC_PULSE_KEY
    metadata = {key: value.value for key, value in event.materialization.metadata.items()}
    return metadata, logs


def test_reruns_reuse_the_landed_payload_and_old_files_are_pruned(settings):
    folder = settings.landing_dir / "cdc_pulse"
    folder.mkdir(parents=True)
    stale = folder / "cdc_pulse-file-20200101T000000000000Z-0badf00d.csv"
    stale.write_text("an earlier export\n")
    hundred_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=100)).timestamp()
    os.utime(stale, (hundred_days_ago, hundred_days_ago))

    first, _ = materialize(settings)
    second, _ = materialize(settings)

    assert (first["landing"], first["landing_files_pruned"]) == ("landed", 1)
    assert (second["landing"], second["landing_files_pruned"]) == ("reused", 0)
    [landed] = folder.iterdir()  # one file for two runs; the stale one is gone
    assert first["landing_file"] == second["landing_file"] == str(landed)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        recorded = conn.execute("select landing_path from raw.load_batches").fetchall()
    assert recorded == [(str(landed),), (str(landed),)]


def test_the_quarantine_warning_is_scrubbed(settings):
    metadata, logs = materialize(settings)
    assert metadata["rows_quarantined"] == 1
    [warning] = [message for message in logs if "quarantined in raw.quarantine" in message]
    assert "Value 'text [email] or [phone]' is not a number" in warning
    leaks = [m for m in logs if "jane.doe" in m or "example.com" in m or "123-4567" in m]
    assert leaks == []


def run_asset(settings: Settings, instance, **config) -> dg.ExecuteInProcessResult:
    run_config = {"ops": {"raw__cdc_pulse_indicators": {"config": config}}} if config else None
    return dg.materialize(
        [cdc_pulse_indicators],
        resources=build_resources(settings),
        instance=instance,
        run_config=run_config,
        raise_on_error=False,
    )


def raw_rows(settings: Settings) -> int:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute("select count(*) from raw.cdc_pulse_indicators").fetchall()[0][0]


def step_failure(result: dg.ExecuteInProcessResult) -> str:
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.event_specific_data.error
    while error.cause is not None:
        error = error.cause
    return error.message


def test_a_shrunken_export_fails_the_step_until_it_is_accepted(settings, tmp_path):
    export = settings.source_file("cdc_pulse")
    lines = export.read_text().splitlines()
    with dg.DagsterInstance.ephemeral() as instance:
        assert run_asset(settings, instance).success
        export.write_text("\n".join(lines[:11]) + "\n")  # 10 of the 40 records
        refused = run_asset(settings, instance)
        assert not refused.success
        assert "raw rows 39 → 10" in step_failure(refused)
        assert raw_rows(settings) == 39

        accepted = run_asset(settings, instance, accept_shrink=True)
        assert accepted.success
        [event] = accepted.get_asset_materialization_events()
        metadata = event.materialization.metadata
        assert metadata["completeness_guard"].value == "shrink accepted"
        assert metadata["previous_rows"].value == 39
        assert raw_rows(settings) == 10


def test_the_accept_shrink_setting_lets_a_shrunken_export_load(settings, tmp_path):
    export = settings.source_file("cdc_pulse")
    lines = export.read_text().splitlines()
    with dg.DagsterInstance.ephemeral() as instance:
        assert run_asset(settings, instance).success
        export.write_text("\n".join(lines[:11]) + "\n")
        env = {
            "MINDPULSE_DATA_DIR": str(settings.data_dir),
            "MINDPULSE_CDC_PULSE_FILE": str(export),
            "MINDPULSE_ACCEPT_SHRINK": "cdc_pulse",
        }
        assert run_asset(load_settings(env), instance).success
    assert raw_rows(settings) == 10


def test_a_record_count_mismatch_fails_the_blocking_check(settings, tmp_path):
    export = settings.source_file("cdc_pulse")
    lines = [",".join(EXPORT_COLUMNS), *[GOOD] * 40]
    lines[5] += ',"'  # a stray quote: lines 6 and 7 become one record
    export.write_text("\n".join(lines) + "\n")
    with dg.DagsterInstance.ephemeral() as instance:
        result = run_asset(settings, instance)
    assert not result.success
    [evaluation] = result.get_asset_check_evaluations()
    assert (evaluation.check_name, evaluation.passed) == ("every_record_accounted_for", False)
    figures = {key: value.value for key, value in evaluation.metadata.items()}
    # 40 lines, 39 records read (38 valid, the joined one quarantined); nothing stays loaded.
    assert (figures["records_in_payload"], figures["rows_in_raw"]) == (40, 38)
    assert "lines 6-7" in step_failure(result)
    assert not settings.duckdb_path.exists() or _no_raw_table(settings)


def _no_raw_table(settings: Settings) -> bool:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(
            "select count(*) from information_schema.tables "
            "where table_name = 'cdc_pulse_indicators'"
        ).fetchall() == [(0,)]


def test_replay_loads_the_landed_batch_again(settings, tmp_path):
    with dg.DagsterInstance.ephemeral() as instance:
        first = run_asset(settings, instance)
        [landed] = (settings.landing_dir / "cdc_pulse").iterdir()
        settings.source_file("cdc_pulse").unlink()  # the export is gone; the landing is not
        with duckdb.connect(str(settings.duckdb_path)) as conn:
            conn.execute("delete from raw.cdc_pulse_indicators")
        replayed = run_asset(settings, instance, replay="latest")
    assert first.success and replayed.success
    [event] = replayed.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["landing"].value == "replayed"
    assert metadata["batch_id"].value == landed.stem
    assert raw_rows(settings) == 39
