"""The Dagster code location: validates, wires the lineage, and maps dbt tests to checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.dbt_assets import ManifestMissingError, build_dbt_assets
from orchestration.definitions import defs
from orchestration.settings import PROJECT_ROOT, ConfigurationError

LINEAGE = [
    "raw/cdc_pulse_indicators",
    "staging/stg_cdc__pulse_indicators",
    "marts/fct_signals",
    "ml/forecasts",
    "dashboard/mindpulse_dashboard",
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


def test_lineage_runs_from_raw_to_dashboard(asset_graph):
    for upstream, downstream in zip(LINEAGE, LINEAGE[1:], strict=False):
        parents = {
            key.to_user_string()
            for key in asset_graph.get(dg.AssetKey.from_user_string(downstream)).parent_keys
        }
        assert upstream in parents, f"{downstream} should depend on {upstream}, has {parents}"


def test_dbt_sources_map_to_the_raw_asset_not_to_a_separate_source_asset(asset_graph):
    keys = {key.to_user_string() for key in asset_graph.get_all_asset_keys()}
    assert "raw/cdc_pulse_indicators" in keys
    assert not any(key.startswith("cdc_pulse/") for key in keys), keys


def test_dbt_tests_are_blocking_asset_checks(asset_graph):
    checks = [
        asset_graph.get_check_spec(check_key)
        for check_key in asset_graph.asset_check_keys
        if check_key.asset_key.to_user_string()
        in ("marts/fct_signals", "staging/stg_cdc__pulse_indicators")
    ]
    assert len(checks) >= 10
    assert all(spec.blocking for spec in checks)


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
