"""Bad raw data fails a staging check, and the failing check keeps the mart as it was.

Each case damages a copy of the freshly built sample warehouse the way a bad load would, runs
`dbt build`, and checks three things: dbt fails, the expected check is the one that failed,
and marts.fct_signals is skipped and still holds exactly its previous, good contents.
"""

from __future__ import annotations

import pytest

from tests.dbt.dbt_harness import SIGNALS_LINEAGE, query, run_dbt

STG = "test.mindpulse."
NATIONAL_ANXIETY_30 = (
    "group_name = 'National Estimate' and indicator = 'Symptoms of Anxiety Disorder' "
    "and time_period = 30"
)
FCT_SIGNALS_ROWS = "select * from marts.fct_signals order by all"

CI_ORDER = STG + "stg_cdc__pulse_indicators_ci_low_le_value_le_ci_high"
VALUE_BOUNDS = STG + "stg_cdc__pulse_indicators_value_and_ci_between_0_and_100"
PERIOD_SEQUENCE = STG + "stg_cdc__pulse_indicators_periods_in_sequence"

# damage -> (SQL applied to the raw layer, the checks that must fail and no others)
CASES = {
    "value above 100": (
        f"update raw.cdc_pulse_indicators set value = 150 where {NATIONAL_ANXIETY_30}",
        [CI_ORDER, VALUE_BOUNDS],  # 150 is also above that row's ci_high
    ),
    "ci_low above value": (
        f"update raw.cdc_pulse_indicators set low_ci = value + 0.5 where {NATIONAL_ANXIETY_30}",
        [CI_ORDER],
    ),
    "missing period": (
        f"delete from raw.cdc_pulse_indicators where {NATIONAL_ANXIETY_30}",
        [PERIOD_SEQUENCE],
    ),
    "unknown indicator": (
        "update raw.cdc_pulse_indicators set indicator = 'Symptoms of Something Else' "
        f"where {NATIONAL_ANXIETY_30}",
        # The row loses its signal, so the national anxiety series also misses period 30.
        [STG + "stg_cdc__pulse_indicators_required_columns_not_null", PERIOD_SEQUENCE],
    ),
}


@pytest.mark.parametrize("damage, failing_checks", CASES.values(), ids=CASES.keys())
def test_failing_staging_check_leaves_the_mart_unchanged(damaged_copy, damage, failing_checks):
    path, work_dir = damaged_copy(damage)
    before = query(path, FCT_SIGNALS_ROWS)

    build = run_dbt(["build", *SIGNALS_LINEAGE], duckdb_path=path, work_dir=work_dir)

    assert build.returncode != 0, build.describe()
    assert build.failed() == sorted(failing_checks), build.describe()
    assert build.status("model.mindpulse.fct_signals") == "skipped", build.describe()
    assert query(path, FCT_SIGNALS_ROWS) == before


def test_an_undocumented_pause_fails_the_phase_break_check(damaged_copy):
    # Forget the documented 3.8 -> 3.9 pause (May 9 - June 6, 2023; no gap rows mark it).
    path, work_dir = damaged_copy(
        "delete from staging.cdc_survey_phase_breaks where break_start = date '2023-05-09'"
    )
    check = "test.mindpulse.assert_national_pauses_are_documented_breaks"
    run = run_dbt(
        ["test", "--select", "assert_national_pauses_are_documented_breaks"],
        duckdb_path=path,
        work_dir=work_dir,
    )
    assert run.returncode != 0, run.describe()
    assert run.status(check) == "fail", run.describe()
    assert run.results[check]["failures"] == 1  # the one pause, periods 57 -> 58
