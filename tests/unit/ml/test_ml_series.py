"""Series splitting, step and horizon rules on the irregular survey calendar, eligibility."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from ml_assets.series import (
    eligible_series,
    future_dates,
    horizon_periods,
    split_series,
    step_days,
)


def starts(windows) -> pd.Series:
    return pd.Series(pd.to_datetime([w.start for w in windows]))


def test_step_is_median_spacing_of_last_six_periods_on_the_survey_calendar():
    assert step_days(starts(COLLECTION_WINDOWS)) == 28  # Phase 4.x: four-week windows
    phase_1 = [w for w in COLLECTION_WINDOWS if w.phase == "1"]
    assert step_days(starts(phase_1)) == 7  # weekly (the 14-day first gap is outvoted)
    phase_3_2 = [w for w in COLLECTION_WINDOWS if w.phase == "3.2"]
    assert step_days(starts(phase_3_2)) == 14


def test_step_ignores_one_odd_gap_and_older_periods():
    ds = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-08"]))  # older weekly periods
    gaps = [14, 28, 28, 49, 28]  # one pause among four-week steps
    recent = pd.Timestamp("2021-01-01") + pd.to_timedelta(pd.Series([0, *gaps]).cumsum(), "D")
    assert step_days(pd.concat([ds, recent], ignore_index=True)) == 28


def test_step_counts_whole_days_in_any_order_with_times_of_day():
    # Unsorted starts with times of day: gaps of 6.5, 7.9 and 13.2 days count as 6, 7 and 13
    # (whole days, as a Timedelta counts them); the median of 6, 7, 7, 13, 13 is 7.
    first = pd.Timestamp("2024-03-01 12:00")
    gaps = pd.to_timedelta([6.5, 7.9, 7.2, 13.2, 13.1], unit="D")
    ordered = pd.concat([pd.Series([first]), first + pd.Series(gaps).cumsum()], ignore_index=True)
    assert step_days(ordered.sample(frac=1, random_state=3)) == 7
    # A median between two days rounds half to even, as Python's round: 2.5 -> 2, 3.5 -> 4.
    assert step_days(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-06"]))) == 2
    assert step_days(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-04", "2024-01-08"]))) == 4


def test_step_needs_two_periods():
    with pytest.raises(ValueError, match="at least 2 periods"):
        step_days(pd.Series(pd.to_datetime(["2024-01-09"])))


@pytest.mark.parametrize(("step", "periods"), [(28, 4), (14, 7), (7, 13), (90, 1), (30, 3)])
def test_horizon_periods_cover_90_days(step, periods):
    assert horizon_periods(90, step) == periods


def test_future_dates_step_from_last_period_start():
    assert future_dates(pd.Timestamp("2024-08-20"), 28, 4) == [
        pd.Timestamp(d) for d in ("2024-09-17", "2024-10-15", "2024-11-12", "2024-12-10")
    ]


def test_split_series_orders_periods_and_keys(make_signals):
    a = make_signals(lambda i: 20 + i, signal="depression")
    b = make_signals(lambda i: 30 + i, signal="anxiety", group_type="age", group_value="18 - 29")
    series = split_series(pd.concat([a, b]).sample(frac=1, random_state=1))
    assert [s.key for s in series] == [
        "cdc_pulse|anxiety|age|18 - 29",
        "cdc_pulse|depression|national|United States",
    ]
    assert series[1].history["ds"].is_monotonic_increasing
    assert series[1].history["y"].tolist() == (20 + pd.RangeIndex(72)).astype(float).tolist()


def test_modelling_window_for_cdc_pulse_starts_at_phase_3_2(make_signals):
    (pulse,) = split_series(make_signals(lambda i: 20 + 0 * i))
    frame = pulse.modelling_frame()
    assert frame["ds"].min() == pd.Timestamp(date(2021, 7, 21))
    assert len(frame) == 39 and len(pulse.history) == 72
    (other,) = split_series(make_signals(lambda i: 20 + 0 * i, source="other_survey"))
    assert len(other.modelling_frame()) == 72  # no comparability cut for other sources


def test_eligible_series_lists_skipped_series_with_reason(make_signals):
    short = make_signals(lambda i: 10 + 0 * i, signal="depression", windows=COLLECTION_WINDOWS[:44])
    table = eligible_series(pd.concat([make_signals(lambda i: 10 + 0 * i), short]), min_obs=12)
    by_key = table.set_index("series_key")
    ok = by_key.loc["cdc_pulse|anxiety|national|United States"]
    assert (bool(ok["eligible"]), ok["n_obs"], ok["n_model_obs"]) == (True, 72, 39)
    skipped = by_key.loc["cdc_pulse|depression|national|United States"]
    assert not skipped["eligible"]
    assert skipped["n_model_obs"] == 11  # periods 34..44 start on/after 2021-07-21
    assert skipped["reason"] == "only 11 period(s) since 2021-07-21; need 12"


def test_split_series_rejects_duplicates_and_missing_columns(make_signals):
    rows = make_signals(lambda i: 10 + 0 * i)
    with pytest.raises(ValueError, match="duplicate period"):
        split_series(pd.concat([rows, rows.head(1)]))
    with pytest.raises(ValueError, match="lacks column"):
        split_series(rows.drop(columns=["cadence"]))
