"""A failing dbt check blocks everything downstream: forecasts and the dashboard keep the
last good data.

The last good data is a copy of the session's sample build; the bad run loads an export with
one national estimate of 150 % on top of it (tests/pipeline_runs.py, `blocked_pipeline_run`).
"""

from __future__ import annotations

import hashlib

import pytest

pytestmark = pytest.mark.slow


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bad_value_fails_its_check_and_nothing_downstream_changes(
    sample_build, blocked_pipeline_run
):
    good, workspace = sample_build, blocked_pipeline_run.workspace
    bad = blocked_pipeline_run.result

    assert not bad.success
    # The bad value got as far as RAW (landing is honest) ...
    assert workspace.count("raw.cdc_pulse_indicators where value > 100") == 1
    assert good.count("raw.cdc_pulse_indicators where value > 100") == 0
    # ... a dbt test caught it ...
    failed = bad.failed_checks
    assert "staging/stg_cdc__pulse_indicators:" in " ".join(failed), failed
    assert any("value" in name and "between_0_and_100" in name for name in failed), failed
    # ... and nothing downstream of the failed check was built or changed.
    assert not bad.materialized & {
        "ml/forecasts",
        "ml/forecast_metrics",
        "ml/forecast_candidates",
        "dashboard/mindpulse_dashboard",
    }
    assert "marts/fct_signals" not in bad.materialized
    for table in (
        "marts.fct_signals",
        "ml.forecasts",
        "ml.forecast_metrics",
        "ml.forecast_candidates",
    ):
        assert workspace.table_digest(table, "all") == good.table_digest(table, "all"), table
    assert _sha256(workspace.published) == _sha256(good.published)
