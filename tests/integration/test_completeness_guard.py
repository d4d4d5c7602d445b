"""The completeness guard end to end: a truncated export never replaces a green build."""

from __future__ import annotations


def test_a_truncated_export_fails_the_run_and_changes_nothing(truncated_pipeline_run):
    refused = truncated_pipeline_run.previous
    facts = truncated_pipeline_run.facts
    assert refused is not None and not refused.success, refused.describe()
    # make run's progress line names the asset and gives both raw row counts.
    [line] = [line for line in refused.progress.splitlines() if "raw__cdc_pulse_indicators" in line]
    assert line.lstrip().startswith("FAILED"), refused.progress
    assert "raw rows 16,794 → 31" in line
    assert "MINDPULSE_ACCEPT_SHRINK=cdc_pulse" in line
    # Nothing downstream ran; only other sources' raw assets (Reddit's) loaded meanwhile.
    assert "raw/cdc_pulse_indicators" not in refused.materialized
    assert {key for key in refused.materialized if not key.startswith("raw/")} == set()
    # Raw, the marts, the forecasts and the published copy are exactly as before.
    assert facts["after_refusal"] == facts["before"]


def test_the_accept_shrink_setting_loads_the_truncated_export(truncated_pipeline_run):
    accepted, workspace = truncated_pipeline_run.result, truncated_pipeline_run.workspace
    assert accepted.success, accepted.describe()
    [line] = [
        line for line in accepted.progress.splitlines() if "raw__cdc_pulse_indicators" in line
    ]
    assert "shrink accepted: 16,794 rows before" in line
    assert workspace.count("raw.cdc_pulse_indicators") == 31
    # The published copy now holds what was accepted (the first 31 records have no gap rows).
    assert (
        workspace.count("marts.fct_signals where source = 'cdc_pulse'", workspace.published) == 31
    )
