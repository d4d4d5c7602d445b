"""Metric arithmetic against hand-computed values, fold placement, and pooling over folds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml_assets.backtest import (
    fold_bounds,
    mae,
    mape,
    mase,
    naive_scale,
    rmse,
    rolling_origin_backtest,
)

ACTUAL = np.array([10.0, 12.0, 14.0])
PREDICTED = np.array([11.0, 11.0, 17.0])  # errors -1, +1, -3
TRAIN = np.array([8.0, 10.0, 9.0, 12.0])  # one-step changes 2, 1, 3


def test_metrics_match_hand_computed_values():
    assert mae(ACTUAL, PREDICTED) == pytest.approx(5 / 3)
    assert rmse(ACTUAL, PREDICTED) == pytest.approx(math.sqrt(11 / 3))
    assert mape(ACTUAL, PREDICTED) == pytest.approx(100 * (1 / 10 + 1 / 12 + 3 / 14) / 3)
    assert naive_scale(TRAIN) == pytest.approx(2.0)
    assert mase(ACTUAL, PREDICTED, TRAIN) == pytest.approx((5 / 3) / 2)


def test_mape_leaves_out_zero_actuals_and_mase_is_nan_for_a_flat_training_set():
    assert mape(np.array([0.0, 10.0]), np.array([5.0, 11.0])) == pytest.approx(10.0)
    assert math.isnan(mase(ACTUAL, PREDICTED, np.array([5.0, 5.0, 5.0])))
    assert math.isnan(naive_scale(np.array([5.0])))


def test_folds_step_back_one_horizon_from_the_end():
    assert fold_bounds(39, 4, 3) == [(27, 31), (31, 35), (35, 39)]
    assert fold_bounds(12, 2, 2, min_train=4) == [(8, 10), (10, 12)]
    # A fold whose training set would be shorter than min_train is not evaluated.
    assert fold_bounds(12, 4, 3, min_train=8) == [(8, 12)]
    assert fold_bounds(6, 4, 3, min_train=8) == []


def drift_by_one(train: pd.DataFrame, ds: pd.Series) -> np.ndarray:
    assert train["ds"].max() < ds.min(), "the forecaster must only see data before the origin"
    return train["y"].iloc[-1] + np.arange(1, len(ds) + 1)


def test_backtest_pools_errors_over_folds_against_naive():
    frame = pd.DataFrame(
        {"ds": pd.date_range("2024-01-01", periods=12, freq="28D"), "y": np.arange(1.0, 13.0)}
    )
    result = rolling_origin_backtest(frame, drift_by_one, horizon=2, n_folds=2, min_train=4)
    # Folds [8, 10) and [10, 12); the drift forecaster is exact on this line.
    assert result.n_folds == 2
    assert (result.mae, result.rmse, result.mape, result.mase) == (0.0, 0.0, 0.0, 0.0)
    # Naive repeats 8 for 9, 10 and 10 for 11, 12: absolute errors 1, 2, 1, 2; training scale 1.
    assert result.naive_mae == pytest.approx(1.5)
    assert result.naive_rmse == pytest.approx(math.sqrt(2.5))
    assert result.naive_mape == pytest.approx(100 * np.mean([1 / 9, 2 / 10, 1 / 11, 2 / 12]))
    assert result.naive_mase == pytest.approx(1.5)
    assert result.beats_naive is True


def test_backtest_without_a_foldable_window_reports_nothing():
    frame = pd.DataFrame({"ds": pd.date_range("2024-01-01", periods=5), "y": np.arange(5.0)})
    result = rolling_origin_backtest(frame, drift_by_one, horizon=4, n_folds=3)
    assert result.n_folds == 0 and result.beats_naive is None and math.isnan(result.mase)
