"""forecast_all with the real Prophet on series laid out on the irregular survey calendar."""

from __future__ import annotations

import logging
import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from ml_assets.forecast import MODEL_VERSION, forecast_all
from ml_assets.ml_tables import FORECAST_COLUMNS, METRIC_COLUMNS

CREATED_AT = datetime(2024, 10, 6, 8, 0)
DAYS = np.array([(w.start - COLLECTION_WINDOWS[0].start).days for w in COLLECTION_WINDOWS])
PHASE_4 = np.array([w.phase.startswith("4") for w in COLLECTION_WINDOWS])
TREND = "cdc_pulse|anxiety|national|United States"
WALK = "cdc_pulse|depression|national|United States"
NEAR_100 = "cdc_pulse|anxiety_or_depression|national|United States"
STEP = "cdc_pulse|anxiety|sex|Female"
SHORT = "cdc_pulse|anxiety|age|18 - 29"


@pytest.fixture(scope="module")
def signals(make_signals) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.concat(
        [
            make_signals(20 + 0.02 * DAYS + rng.normal(0, 0.1, len(DAYS))),
            make_signals(25 + np.cumsum(rng.normal(0, 0.8, len(DAYS))), signal="depression"),
            make_signals(80 + 0.012 * DAYS, signal="anxiety_or_depression"),
            # A redesign-style drop at Phase 4.0, flat on both sides.
            make_signals(
                np.where(PHASE_4, 17.0, 28.0) + rng.normal(0, 0.2, len(DAYS)),
                group_type="sex",
                group_value="Female",
            ),  # fmt: skip
            make_signals(
                lambda i: 30 + 0.1 * i,
                group_type="age",
                group_value="18 - 29",
                windows=COLLECTION_WINDOWS[:44],
            ),  # fmt: skip
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def result(signals):
    return forecast_all(signals, run_id="run-1", created_at=CREATED_AT)


def rows_of(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame[frame["series_key"] == key]


def test_output_columns_are_exactly_the_contract(result):
    forecasts, metrics = result
    assert list(forecasts.columns) == list(FORECAST_COLUMNS)
    assert list(metrics.columns) == list(METRIC_COLUMNS)
    assert set(forecasts["model_version"]) == set(metrics["model_version"]) == {MODEL_VERSION}
    assert set(forecasts["run_id"]) == {"run-1"} and set(metrics["created_at"]) == {CREATED_AT}


def test_series_below_min_obs_are_skipped_and_logged(result, make_signals, caplog):
    forecasts, metrics = result
    assert sorted(metrics["series_key"]) == sorted([TREND, WALK, NEAR_100, STEP])
    assert SHORT not in set(forecasts["series_key"])
    short = make_signals(lambda i: 30 + 0.1 * i, windows=COLLECTION_WINDOWS[:44])
    with caplog.at_level(logging.INFO, logger="ml_assets.forecast"):
        none_forecast, no_metrics = forecast_all(short, run_id="r")
    assert none_forecast.empty and no_metrics.empty
    assert list(no_metrics.columns) == list(METRIC_COLUMNS)
    assert "not forecast: cdc_pulse|anxiety|national|United States (only 11 period" in caplog.text


def test_history_covers_whole_series_but_model_only_sees_phase_3_2_onwards(result):
    forecasts, metrics = result
    history = rows_of(forecasts, TREND).query("not is_forecast")
    assert len(history) == 72 and history["y"].notna().all()
    before = history["ds"] < pd.Timestamp("2021-07-21")
    assert before.sum() == 33
    assert history.loc[before, ["yhat", "yhat_lower", "yhat_upper"]].isna().all().all()
    assert history.loc[~before, ["yhat", "yhat_lower", "yhat_upper"]].notna().all().all()
    row = metrics.set_index("series_key").loc[TREND]
    assert (row["n_obs"], row["train_start"], row["train_end"]) == (
        39, pd.Timestamp("2021-07-21"), pd.Timestamp("2024-08-20"),
    )  # fmt: skip


def test_future_periods_step_28_days_for_a_90_day_horizon(result):
    forecasts, metrics = result
    future = rows_of(forecasts, TREND).query("is_forecast")
    assert future["ds"].tolist() == [
        pd.Timestamp(d) for d in ("2024-09-17", "2024-10-15", "2024-11-12", "2024-12-10")
    ]
    assert future["y"].isna().all()
    assert set(metrics["step_days"]) == {28} and set(metrics["horizon_periods"]) == {4}
    assert set(metrics["n_folds"]) == {3}


def test_prophet_beats_naive_on_a_linear_trend(result):
    row = result[1].set_index("series_key").loc[TREND]
    assert row["beats_naive"] and row["mae"] < row["naive_mae"]
    assert row["mase"] < 0.5 * row["naive_mase"]


def test_mase_is_sane_on_a_random_walk(result):
    row = result[1].set_index("series_key").loc[WALK]
    for column in ("mase", "naive_mase", "mae", "rmse", "mape"):
        assert math.isfinite(row[column]), column
    assert 0.1 < row["mase"] < 6 and 0.1 < row["naive_mase"] < 6
    assert row["rmse"] >= row["mae"]


def test_intervals_contain_yhat_and_stay_within_0_to_100(result):
    modelled = result[0].dropna(subset=["yhat"])
    assert (modelled["yhat_lower"] <= modelled["yhat"]).all()
    assert (modelled["yhat"] <= modelled["yhat_upper"]).all()
    assert modelled[["yhat", "yhat_lower", "yhat_upper"]].stack().between(0, 100).all()
    near_100 = rows_of(modelled, NEAR_100).query("is_forecast")
    assert (near_100["yhat_upper"] == 100).any()  # the trend runs past 100 and is clipped


def test_a_known_level_shift_is_not_extrapolated_as_a_trend(result):
    future = rows_of(result[0], STEP).query("is_forecast")
    assert future["yhat"].between(16, 18).all()
    note = result[1].set_index("series_key").loc[STEP, "cadence_note"]
    assert "level shift is modelled from 2024-01-09" in note


def test_cadence_note_says_how_the_forecast_was_made(result):
    note = result[1].set_index("series_key").loc[TREND, "cadence_note"]
    for words in ("weekly → two-weekly → four-weekly", "39 periods", "2021-07-21", "28 days",
                  "80% intervals", "survey ended on 2024-09-16", "never surveyed"):  # fmt: skip
        assert words in note


def test_same_input_gives_identical_output_serial_and_parallel(signals, result):
    # Series are forecast independently, so two of them stand for all (and keep the test short).
    keys = [WALK, STEP]
    subset = signals[signals["signal"].eq("depression") | signals["group_type"].eq("sex")]
    again = forecast_all(subset, run_id="run-1", created_at=CREATED_AT)
    parallel = forecast_all(subset, run_id="run-1", created_at=CREATED_AT, n_jobs=2)
    for expected, *others in zip(result, again, parallel, strict=True):
        expected = expected[expected["series_key"].isin(keys)].reset_index(drop=True)
        for other in others:
            assert sorted(other["series_key"].unique()) == sorted(keys)
            pd.testing.assert_frame_equal(expected, other, check_exact=True)
