"""forecast_all with the real libraries on series laid out on the irregular survey calendar."""

from __future__ import annotations

import logging
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from ml_assets.candidates import CANDIDATES
from ml_assets.forecast import MODEL_VERSION, ForecastSettings, forecast_all
from ml_assets.ml_tables import CANDIDATE_COLUMNS, FORECAST_COLUMNS, METRIC_COLUMNS

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
            ),
            make_signals(
                lambda i: 30 + 0.1 * i,
                group_type="age",
                group_value="18 - 29",
                windows=COLLECTION_WINDOWS[:44],
            ),
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def result(signals):
    return forecast_all(signals, run_id="run-1", created_at=CREATED_AT, n_jobs=1)


def rows_of(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame[frame["series_key"] == key]


def metrics_of(result, key: str) -> pd.Series:
    return result.metrics.set_index("series_key").loc[key]


def test_output_columns_are_exactly_the_contract(result):
    assert list(result.forecasts.columns) == list(FORECAST_COLUMNS)
    assert list(result.metrics.columns) == list(METRIC_COLUMNS)
    assert list(result.candidates.columns) == list(CANDIDATE_COLUMNS)
    for table in result.tables().values():
        assert set(table["model_version"]) == {MODEL_VERSION}
        assert set(table["run_id"]) == {"run-1"} and set(table["created_at"]) == {CREATED_AT}
    assert (result.series_fitted, result.series_reused) == (4, 0)


def test_series_below_min_obs_are_skipped_and_logged(result, make_signals, caplog):
    assert sorted(result.metrics["series_key"]) == sorted([TREND, WALK, NEAR_100, STEP])
    assert SHORT not in set(result.forecasts["series_key"])
    short = make_signals(lambda i: 30 + 0.1 * i, windows=COLLECTION_WINDOWS[:44])
    with caplog.at_level(logging.INFO, logger="ml_assets.forecast"):
        nothing = forecast_all(short, run_id="r")
    assert nothing.forecasts.empty and nothing.metrics.empty and nothing.candidates.empty
    assert list(nothing.metrics.columns) == list(METRIC_COLUMNS)
    assert "not forecast: cdc_pulse|anxiety|national|United States (only 11 period" in caplog.text


def test_history_covers_whole_series_but_model_only_sees_phase_3_2_onwards(result):
    history = rows_of(result.forecasts, TREND).query("not is_forecast")
    assert len(history) == 72 and history["y"].notna().all()
    before = history["ds"] < pd.Timestamp("2021-07-21")
    assert before.sum() == 33
    assert history.loc[before, "yhat"].isna().all()
    # The in-sample fit covers the modelling window (a model may have none for its first periods).
    assert history.loc[~before, "yhat"].notna().sum() >= 39 - 3
    assert history[["yhat_lower", "yhat_upper"]].isna().all().all()  # intervals only ahead
    row = metrics_of(result, TREND)
    assert (row["n_obs"], row["train_start"], row["train_end"]) == (
        39,
        pd.Timestamp("2021-07-21"),
        pd.Timestamp("2024-08-20"),
    )


def test_future_periods_step_28_days_for_a_90_day_horizon(result):
    future = rows_of(result.forecasts, TREND).query("is_forecast")
    assert future["ds"].tolist() == [
        pd.Timestamp(d) for d in ("2024-09-17", "2024-10-15", "2024-11-12", "2024-12-10")
    ]
    assert future["y"].isna().all()
    assert set(result.metrics["step_days"]) == {28} and set(result.metrics["horizon_periods"]) == {
        4
    }


def test_the_backtest_is_nested_over_seven_folds(result):
    metrics = result.metrics
    assert set(metrics["n_folds"]) == {7} and set(metrics["n_scored_folds"]) == {6}
    assert set(metrics["scored_points"]) == {24}
    assert metrics["interval_coverage_80"].between(0, 1).all()
    for column in ("mae", "rmse", "mape", "mase", "naive_mae", "naive_mase", "relative_mae"):
        assert np.isfinite(metrics[column].astype(float)).all(), column
    np.testing.assert_allclose(metrics["relative_mae"], metrics["mae"] / metrics["naive_mae"])
    assert (metrics["beats_naive"] == (metrics["relative_mae"] < 1)).all()
    note = metrics_of(result, TREND)["backtest_note"]
    for words in (
        "7 rolling-origin folds",
        "the first fold only chooses",
        "24 points in 6 folds",
        "Prophet forecasts only the last 2 folds",
        "level shift of 2024-01-09",
    ):
        assert words in note


def test_every_series_names_its_model_and_every_candidate_it_tried(result):
    names = ", ".join(CANDIDATES)
    assert set(result.metrics["candidates"]) == {names}
    chosen = result.metrics.set_index("series_key")["model_name"]
    assert set(chosen) <= set(CANDIDATES)
    by_series = result.forecasts.groupby("series_key")["model_name"].agg(set)
    assert all(by_series[key] == {model} for key, model in chosen.items())
    candidates = result.candidates
    assert len(candidates) == 4 * len(CANDIDATES)
    flagged = candidates[candidates["chosen"]].set_index("series_key")["model_name"]
    assert flagged.sort_index().equals(chosen.sort_index())
    prophet = candidates[candidates["model_name"] == "prophet"]
    assert set(prophet["n_folds"]) == {2} and (candidates["seconds"] >= 0).all()


def test_a_trend_is_forecast_better_than_naive(result):
    row = metrics_of(result, TREND)
    assert row["model_name"] != "naive" and row["relative_mae"] < 0.5
    assert row["mase"] < 0.5 * row["naive_mase"]


def test_mase_is_sane_on_a_random_walk(result):
    row = metrics_of(result, WALK)
    assert 0.1 < row["mase"] < 6 and 0.1 < row["naive_mase"] < 6
    assert row["rmse"] >= row["mae"]


def test_intervals_contain_yhat_and_stay_within_0_to_100(result):
    ahead = result.forecasts.query("is_forecast")
    assert (ahead["yhat_lower"] <= ahead["yhat"]).all()
    assert (ahead["yhat"] <= ahead["yhat_upper"]).all()
    modelled = result.forecasts.dropna(subset=["yhat"])
    assert modelled[["yhat", "yhat_lower", "yhat_upper"]].stack().between(0, 100).all()
    near_100 = rows_of(ahead, NEAR_100)
    assert (near_100["yhat_upper"] == 100).any()  # the trend runs past 100 and is clipped


def test_a_known_level_shift_is_not_extrapolated_as_a_trend(result):
    future = rows_of(result.forecasts, STEP).query("is_forecast")
    assert future["yhat"].between(16, 18).all()
    note = metrics_of(result, STEP)["cadence_note"]
    assert "level shift is modelled from 2024-01-09" in note


def test_cadence_note_says_how_the_forecast_was_made(result):
    note = metrics_of(result, TREND)["cadence_note"]
    for words in (
        "weekly → two-weekly → four-weekly",
        "39 periods",
        "2021-07-21",
        "28 days",
        "80% intervals",
        "survey ended on 2024-09-16",
        "never surveyed",
    ):
        assert words in note


def stored_from(run):
    """A stand-in for the warehouse: the stored rows of a previous run, found by input hash."""

    def stored(hashes):
        return {
            name: table[table["input_hash"].isin(hashes)] for name, table in run.tables().items()
        }

    return stored


def test_unchanged_series_are_reused_and_a_changed_one_is_fitted_again(signals, result):
    again = forecast_all(signals, run_id="run-2", created_at=CREATED_AT, stored=stored_from(result))
    assert (again.series_reused, again.series_fitted) == (4, 0)
    assert again.seconds_by_candidate == {}
    for name, table in result.tables().items():
        pd.testing.assert_frame_equal(again.tables()[name], table, check_dtype=False)
    assert again.data_version == result.data_version

    changed = signals.copy()
    last_walk = changed.index[changed["signal"].eq("depression")][-1]
    changed.loc[last_walk, "value"] += 1.0
    third = forecast_all(changed, run_id="run-3", created_at=CREATED_AT, stored=stored_from(result))
    assert (third.series_reused, third.series_fitted) == (3, 1)
    assert set(third.metrics.loc[third.metrics["run_id"] == "run-3", "series_key"]) == {WALK}
    assert third.data_version != result.data_version
    assert set(third.seconds_by_candidate) >= set(CANDIDATES)


def test_other_settings_are_other_inputs(signals, result):
    fewer = ForecastSettings(candidates=("naive", "window_mean_3"))
    run = forecast_all(
        signals[signals["signal"].eq("depression")],
        run_id="r",
        settings=fewer,
        stored=stored_from(result),
    )
    assert (run.series_reused, run.series_fitted) == (0, 1)
    assert set(run.candidates["model_name"]) == {"naive", "window_mean_3"}
    with pytest.raises(ValueError, match="must include 'naive'"):
        ForecastSettings(candidates=("window_mean_3",))


def test_same_input_gives_identical_output_serial_and_parallel(signals, result):
    # Series are forecast independently, so two of them stand for all (and keep the test short).
    keys = [WALK, STEP]
    subset = signals[signals["signal"].eq("depression") | signals["group_type"].eq("sex")]
    parallel = forecast_all(subset, run_id="run-1", created_at=CREATED_AT, n_jobs=2)
    for name, expected in result.tables().items():
        expected = expected[expected["series_key"].isin(keys)].reset_index(drop=True)
        other = parallel.tables()[name]
        assert sorted(other["series_key"].unique()) == sorted(keys)
        # Fitting seconds differ between runs; everything else is identical.
        pd.testing.assert_frame_equal(
            expected.drop(columns="seconds", errors="ignore"),
            other.drop(columns="seconds", errors="ignore"),
            check_exact=True,
        )
