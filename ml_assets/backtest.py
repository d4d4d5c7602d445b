"""Rolling-origin backtest of a forecaster against the naive last-value forecast.

Folds: origins step back from the end of the modelling window one horizon at a time, so each fold
trains on everything before its origin and scores the next min(horizon, remaining) periods; the
folds do not overlap and together score the last n_folds * horizon periods. A fold whose training
set would be shorter than ``min_train`` is not evaluated (``n_folds`` reports the folds that were).

Errors are pooled over all scored points of all folds. MASE is Hyndman's: each absolute error is
scaled by the mean absolute one-step naive error inside that fold's training data, and the scaled
errors are averaged; it is reported for the model and for the naive forecast alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Below this many periods a Prophet trend with changepoints says more about noise than the model.
MIN_TRAIN_OBS = 8

# (training frame with ds, y; future ds) -> point forecasts for those ds
PredictFn = Callable[[pd.DataFrame, pd.Series], np.ndarray]


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(predicted))))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(predicted)) ** 2)))


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error, in percent; points whose actual is 0 are left out."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    nonzero = actual != 0
    if not nonzero.any():
        return float("nan")
    return float(100 * np.mean(np.abs((actual - predicted)[nonzero] / actual[nonzero])))


def naive_scale(train: np.ndarray) -> float:
    """In-sample mean absolute one-step naive error: mean |y_t - y_(t-1)| over the training data."""
    train = np.asarray(train, float)
    if len(train) < 2:
        return float("nan")
    return float(np.mean(np.abs(np.diff(train))))


def scaled_errors(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray) -> np.ndarray:
    """|error| / naive_scale(train); NaN when the training data never moved (scale 0)."""
    scale = naive_scale(train)
    errors = np.abs(np.asarray(actual, float) - np.asarray(predicted, float))
    if not scale > 0:
        return np.full(errors.shape, np.nan)
    return errors / scale


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray) -> float:
    return float(np.mean(scaled_errors(actual, predicted, train)))


def fold_bounds(n_obs: int, horizon: int, n_folds: int, min_train: int = MIN_TRAIN_OBS):
    """[(origin, end), ...] oldest first: fold k trains on [0, origin) and scores [origin, end)."""
    folds = []
    for k in range(1, n_folds + 1):
        origin = n_obs - k * horizon
        if origin < max(min_train, 2):
            break
        folds.append((origin, min(origin + horizon, n_obs)))
    return folds[::-1]


@dataclass(frozen=True)
class BacktestResult:
    n_folds: int
    mae: float
    rmse: float
    mape: float
    mase: float
    naive_mae: float
    naive_rmse: float
    naive_mape: float
    naive_mase: float

    @property
    def beats_naive(self) -> bool | None:
        if self.n_folds == 0:
            return None
        return bool(self.mae < self.naive_mae)


def rolling_origin_backtest(
    frame: pd.DataFrame,
    predict: PredictFn,
    *,
    horizon: int,
    n_folds: int,
    min_train: int = MIN_TRAIN_OBS,
) -> BacktestResult:
    """Backtest ``predict`` on ``frame`` (columns ds, y, oldest first) against naive last value."""
    y = frame["y"].to_numpy(float)
    actual, model, naive, model_scaled, naive_scaled = [], [], [], [], []
    folds = fold_bounds(len(frame), horizon, n_folds, min_train)
    for origin, end in folds:
        train, target = frame.iloc[:origin], y[origin:end]
        forecast = np.asarray(predict(train, frame["ds"].iloc[origin:end]), float)
        last_value = np.full(target.shape, y[origin - 1])
        actual.append(target)
        model.append(forecast)
        naive.append(last_value)
        model_scaled.append(scaled_errors(target, forecast, y[:origin]))
        naive_scaled.append(scaled_errors(target, last_value, y[:origin]))
    if not folds:
        return BacktestResult(0, *([float("nan")] * 8))
    a, m, n = (np.concatenate(x) for x in (actual, model, naive))
    return BacktestResult(
        n_folds=len(folds),
        mae=mae(a, m),
        rmse=rmse(a, m),
        mape=mape(a, m),
        mase=float(np.mean(np.concatenate(model_scaled))),
        naive_mae=mae(a, n),
        naive_rmse=rmse(a, n),
        naive_mape=mape(a, n),
        naive_mase=float(np.mean(np.concatenate(naive_scaled))),
    )
