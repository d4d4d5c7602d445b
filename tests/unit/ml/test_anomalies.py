"""Anomalies against a robust baseline: planted spikes are flagged with their direction, known
level shifts and flat wiggles are not."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from ml_assets.anomalies import (
    ANOMALY_COLUMNS,
    ANOMALY_TABLES,
    find_anomalies,
    newest_anomalies,
    resolution,
)
from ml_assets.ml_tables import write_tables
from ml_assets.series import COMPARABLE_SINCE, LEVEL_SHIFTS
from tests.real_data import CDC_EXPORT, require

WEEKS = pd.date_range("2021-08-02", periods=156, freq="7D")
QUESTION_CHANGE = pd.Timestamp(COMPARABLE_SINCE["cdc_pulse"][0])
REDESIGN = pd.Timestamp(LEVEL_SHIFTS["cdc_pulse"][0])


def weekly_rows(values, *, source: str = "reddit", signal: str = "posts_per_week"):
    values = np.asarray(values, dtype=float)
    starts = WEEKS[: len(values)]
    return pd.DataFrame(
        {
            "signal": signal,
            "source": source,
            "cadence": "weekly",
            "group_type": "all",
            "group_value": "all",
            "period_start": starts,
            "period_end": starts + pd.Timedelta(days=6),
            "value": values,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "unit": "posts",
        }
    )


def seasonal_counts(seed: int = 1) -> np.ndarray:
    """Three years of weekly counts around 200 with a yearly cycle of +-8 and noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(WEEKS))
    return np.round(200 + 8 * np.sin(2 * np.pi * t / 52) + rng.normal(scale=3, size=len(t)))


@pytest.mark.parametrize(
    ("at", "change", "direction", "is_newest"),
    [(100, 40.0, "above", False), (155, -40.0, "below", True)],
)
def test_a_spike_in_a_seasonal_series_is_the_one_period_flagged(at, change, direction, is_newest):
    values = seasonal_counts()
    assert find_anomalies(weekly_rows(values)).empty  # the season alone flags nothing
    usual = values[at]
    values[at] += change
    flagged = find_anomalies(weekly_rows(values), run_id="run-1")
    assert list(flagged["period_start"]) == [WEEKS[at]]
    row = flagged.iloc[0]
    assert row["direction"] == direction
    assert row["is_newest"] == is_newest
    assert row["value"] == usual + change
    assert abs(row["expected"] - usual) < 12  # the baseline is the usual level, not the spike
    assert row["lower"] < row["expected"] < row["upper"]
    assert not row["lower"] <= row["value"] <= row["upper"]
    assert np.sign(row["robust_z"]) == np.sign(change) and abs(row["robust_z"]) > 3.5
    assert (row["series_key"], row["method"], row["run_id"]) == (
        "reddit|posts_per_week|all|all",
        "robust_baseline",
        "run-1",
    )
    newest = newest_anomalies(flagged)
    assert list(newest["period_start"]) == ([WEEKS[at]] if is_newest else [])


def pulse_levels(index: np.ndarray) -> np.ndarray:
    """Steady values on the real Pulse calendar that jump at the question change and fall at
    the redesign, with small noise at one decimal."""
    starts = pd.to_datetime([w.start for w in COLLECTION_WINDOWS])
    level = np.where(starts >= QUESTION_CHANGE, 34.0, 27.0)
    level = np.where(starts >= REDESIGN, 18.0, level)
    noise = np.random.default_rng(2).normal(scale=0.3, size=len(index))
    return np.round(level + noise, 1)


def test_known_level_shifts_are_not_anomalies_but_later_departures_are(make_signals):
    signals = make_signals(pulse_levels)  # biweekly, four-weekly and weekly periods
    assert find_anomalies(signals).empty

    unexplained = find_anomalies(signals.assign(source="other_survey"))
    starts = unexplained["period_start"]
    assert starts.min() == QUESTION_CHANGE
    assert (unexplained.loc[starts < REDESIGN, "direction"] == "above").all()
    assert (starts >= REDESIGN).sum() >= 3
    assert (unexplained.loc[starts >= REDESIGN, "direction"] == "below").all()

    # The newest period has 8 earlier periods on the new level: it is judged against them.
    signals.loc[signals.index[-1], "value"] += 5.0
    flagged = find_anomalies(signals)
    assert list(flagged["period_start"]) == [pd.Timestamp(COLLECTION_WINDOWS[-1].start)]
    assert flagged.iloc[0]["is_newest"] and flagged.iloc[0]["direction"] == "above"
    assert flagged.iloc[0]["expected"] == pytest.approx(18.0, abs=0.5)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(np.full(60, 50.0), id="constant"),
        pytest.param(
            50.0 + np.random.default_rng(3).choice([-0.1, 0.0, 0.0, 0.0, 0.1], 60),
            id="percent moving by 0.1",
        ),
        pytest.param(
            np.random.default_rng(4).choice([3.0, 3.0, 3.0, 3.0, 4.0], 60), id="small counts"
        ),
        pytest.param(50.0 + np.random.default_rng(5).normal(scale=1e-7, size=60), id="float noise"),
    ],
)
def test_a_flat_series_with_tiny_wiggles_is_not_flagged(values):
    assert find_anomalies(weekly_rows(values)).empty
    jumped = values.copy()
    jumped[40] = values[39] + 10  # a real move on the same series is
    assert list(find_anomalies(weekly_rows(jumped))["period_start"]) == [WEEKS[40]]


def test_baseline_and_band_are_median_and_scaled_mad_of_the_previous_window():
    values = [10, 12, 11, 13] * 3 + [10, 12, 40]
    row = find_anomalies(weekly_rows(values)).iloc[0]
    # The 12 values before the last: 11, 13, 10, 12, ... median 11.5, MAD 1.0.
    assert row["period_start"] == WEEKS[14]
    assert row["expected"] == 11.5
    assert row["upper"] == pytest.approx(11.5 + 3.5 * 1.4826)
    assert row["lower"] == pytest.approx(11.5 - 3.5 * 1.4826)
    assert row["robust_z"] == pytest.approx((40 - 11.5) / 1.4826)


def test_periods_without_enough_history_are_not_judged():
    values = np.full(30, 100.0)
    values[5] = 300.0  # five earlier periods
    values[20] = 300.0
    assert list(find_anomalies(weekly_rows(values))["period_start"]) == [WEEKS[20]]
    assert list(find_anomalies(weekly_rows(values), min_history=5)["period_start"]) == [
        WEEKS[5],
        WEEKS[20],
    ]


def test_table_follows_its_contract():
    values = seasonal_counts()
    values[[60, 155]] += [50.0, -50.0]
    signals = pd.concat(
        [weekly_rows(values), weekly_rows(seasonal_counts(2), source="news", signal="articles")],
        ignore_index=True,
    )
    flagged = find_anomalies(signals, run_id="r")
    assert list(flagged.columns) == list(ANOMALY_COLUMNS)
    assert list(flagged["period_start"]) == [WEEKS[60], WEEKS[155]]
    conn = duckdb.connect()
    assert write_tables(conn, {"signal_anomalies": flagged}, ANOMALY_TABLES, schema="ml") == {
        "signal_anomalies": 2
    }
    stored = conn.execute("select period_start, is_newest from ml.signal_anomalies").fetchall()
    assert stored == [(date(2022, 9, 26), False), (date(2024, 7, 22), True)]
    empty = find_anomalies(signals.iloc[:0])
    assert list(empty.columns) == list(ANOMALY_COLUMNS)
    assert write_tables(conn, {"signal_anomalies": empty}, ANOMALY_TABLES, schema="ml") == {
        "signal_anomalies": 0
    }
    assert newest_anomalies(empty).empty


def test_resolution_is_the_step_values_are_published_in():
    assert resolution(np.array([3.0, 4.0, 10.0])) == 1.0
    assert resolution(np.array([29.5, 17.0, np.nan])) == pytest.approx(0.1)
    assert resolution(np.array([0.25, 1.0])) == pytest.approx(0.01)
    assert resolution(np.array([1 / 3])) == 0.0


def test_settings_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="min_history"):
        find_anomalies(weekly_rows(np.ones(20)), window=6, min_history=8)
    with pytest.raises(ValueError, match="threshold"):
        find_anomalies(weekly_rows(np.ones(20)), threshold=0)


def real_national_signals() -> pd.DataFrame:
    """The real CDC export's national rows in fct_signals columns (gap rows dropped)."""
    raw = pd.read_csv(require(CDC_EXPORT), dtype={"Phase": str})
    raw = raw[(raw["Group"] == "National Estimate") & (raw["Phase"] != "-1")]
    return pd.DataFrame(
        {
            "signal": raw["Indicator"],
            "source": "cdc_pulse",
            "cadence": "biweekly",
            "group_type": "national",
            "group_value": raw["Subgroup"],
            "period_start": pd.to_datetime(raw["Time Period Start Date"], format="%m/%d/%Y"),
            "period_end": pd.to_datetime(raw["Time Period End Date"], format="%m/%d/%Y"),
            "value": raw["Value"],
            "ci_low": raw["Low CI"],
            "ci_high": raw["High CI"],
            "unit": "percent",
        }
    )


def test_the_real_phase_4_drop_is_not_an_anomaly():
    signals = real_national_signals()
    flagged = find_anomalies(signals)
    assert (flagged["period_start"] < REDESIGN).all()
    # Read as an unexplained move, the same drop is flagged in every indicator.
    unexplained = find_anomalies(signals.assign(source="other_survey"))
    after = unexplained[unexplained["period_start"] >= REDESIGN]
    assert after.groupby("signal").size().min() >= 3
    assert (after["direction"] == "below").all()
