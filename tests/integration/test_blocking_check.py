"""A failing dbt check blocks everything downstream: forecasts and the dashboard keep the
last good data."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from extract.cdc_pulse import generate_sample_csv

pytestmark = pytest.mark.slow

SCALE = 0.5


def _export_with_an_impossible_value(path):
    """The sample export, with one national estimate of 150 % (its CI widened to match)."""
    rows = list(csv.DictReader(io.StringIO(generate_sample_csv(scale=SCALE))))
    target = next(r for r in rows if r["Group"] == "National Estimate" and r["Value"])
    target.update({"Value": "150.0", "Low CI": "149.0", "High CI": "151.0"})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bad_value_fails_its_check_and_nothing_downstream_changes(new_workspace, tmp_path):
    workspace = new_workspace("blocking")
    good = workspace.run(MINDPULSE_SAMPLE_SCALE=str(SCALE))
    assert good.success, workspace.failed_checks(good)
    signals_before = workspace.table_digest("marts.fct_signals", "all")
    forecasts_before = workspace.table_digest("ml.forecasts", "all")
    metrics_before = workspace.table_digest("ml.forecast_metrics", "all")
    published_before = _sha256(workspace.published)

    bad_export = _export_with_an_impossible_value(tmp_path / "bad_export.csv")
    bad = workspace.run(MINDPULSE_CDC_PULSE_FILE=str(bad_export))

    assert not bad.success
    # The bad value got as far as RAW (landing is honest) ...
    assert workspace.count("raw.cdc_pulse_indicators where value > 100") == 1
    # ... a dbt test caught it ...
    failed = workspace.failed_checks(bad)
    assert any("value" in name for name in failed), failed
    # ... and nothing downstream of the failed check was built or changed.
    materialized = workspace.materialized_keys(bad)
    assert not materialized & {
        "ml/forecasts",
        "ml/forecast_metrics",
        "dashboard/mindpulse_dashboard",
    }
    assert "marts/fct_signals" not in materialized
    assert workspace.table_digest("marts.fct_signals", "all") == signals_before
    assert workspace.table_digest("ml.forecasts", "all") == forecasts_before
    assert workspace.table_digest("ml.forecast_metrics", "all") == metrics_before
    assert _sha256(workspace.published) == published_before
