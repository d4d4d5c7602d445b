"""The forecasters a series may be given, behind one signature.

Every candidate answers the same question: given a training window, what are the next ``h``
periods, with an 80% interval? Survey periods are irregular, so all candidates but Prophet work
on the period index (the k-th next period), and Prophet, which models time, is asked for the
dates the production forecast would use (the last period plus k median steps).

A known level shift (``series.LEVEL_SHIFTS``) inside the training window is modelled by every
candidate: Prophet gets a 0/1 regressor, the others see the periods before the shift moved to
the level after it (:func:`relevel`), so none of them mistakes a survey redesign for a trend.

Libraries are imported inside the functions that fit: a run that reuses every stored forecast
never pays for importing statsforecast or Prophet.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

INTERVAL_LEVEL = 80  # percent: every candidate's interval, and the coverage the backtest checks
_Z80 = 1.2815515655446004  # standard normal quantile of 0.9: a central 80% interval
WINDOW = 3  # periods averaged by the window-mean candidate
PROPHET_SEED = 20240916  # Prophet draws its interval samples from numpy's global generator


@dataclass(frozen=True)
class Training:
    """A training window: period starts, values and where a known level shift starts in it."""

    ds: pd.Series  # datetime64, oldest first
    y: np.ndarray
    shift_at: pd.Timestamp | None = None  # set only when the window has periods on both sides

    @property
    def shift_index(self) -> int | None:
        if self.shift_at is None:
            return None
        return int(np.searchsorted(self.ds.to_numpy(), np.datetime64(self.shift_at)))


@dataclass(frozen=True)
class Prediction:
    mean: np.ndarray  # the next len(future) periods
    lower: np.ndarray
    upper: np.ndarray
    fitted: np.ndarray | None = None  # in-sample fit over the training periods (final fits only)


# (training window, future period starts, final?) -> Prediction for len(future) periods. A final
# fit is the production forecast: full interval sampling and the in-sample fit; a backtest fold
# needs neither the fit nor more precise intervals than the coverage check can tell apart.
Forecaster = Callable[[Training, pd.Series, bool], Prediction]


class CandidateFailed(RuntimeError):
    """A candidate cannot fit this window (too short, degenerate): it sits this fold out."""


def relevel(y: np.ndarray, shift_index: int | None, width: int = 3) -> tuple[np.ndarray, float]:
    """Move the periods before a level shift to the level after it.

    The shift's size is the mean of the first ``width`` periods after it minus the mean of the
    last ``width`` before it (fewer where fewer exist), the intervention estimate that is
    available as soon as one period after the shift is known. Returns the moved values and the
    step (0.0 when there is nothing to move), so an in-sample fit can be moved back.
    """
    y = np.asarray(y, dtype=float)
    if shift_index is None or not 0 < shift_index < len(y):
        return y, 0.0
    m = min(width, shift_index, len(y) - shift_index)
    step = float(y[shift_index : shift_index + m].mean() - y[shift_index - m : shift_index].mean())
    moved = y.copy()
    moved[:shift_index] += step
    return moved, step


def _moved_back(fitted: np.ndarray, shift_index: int | None, step: float) -> np.ndarray:
    """An in-sample fit on relevelled values, at the level the periods were observed at."""
    fitted = np.asarray(fitted, dtype=float).copy()
    if step and shift_index:
        fitted[:shift_index] -= step
    return fitted


def _statsforecast(model_factory: Callable[[], object]) -> Forecaster:
    def forecast(train: Training, future: pd.Series, final: bool) -> Prediction:
        y, step = relevel(train.y, train.shift_index)
        model = model_factory()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence chatter on short windows
                out = model.forecast(y=y, h=len(future), level=[INTERVAL_LEVEL], fitted=final)
        except Exception as error:  # statsforecast raises plain Exceptions ("tiny datasets")
            raise CandidateFailed(str(error)) from error
        mean = np.asarray(out["mean"], dtype=float)
        lower = np.asarray(out[f"lo-{INTERVAL_LEVEL}"], dtype=float)
        upper = np.asarray(out[f"hi-{INTERVAL_LEVEL}"], dtype=float)
        if not np.isfinite(mean).all():
            raise CandidateFailed("non-finite forecast")
        fitted = _moved_back(out["fitted"], train.shift_index, step) if final else None
        return Prediction(mean, lower, upper, fitted)

    return forecast


def _naive():
    from statsforecast.models import Naive

    return Naive()


def _drift():
    from statsforecast.models import RandomWalkWithDrift

    return RandomWalkWithDrift()


def _auto_ets():
    from statsforecast.models import AutoETS

    return AutoETS(season_length=1)


def _damped_ets():
    from statsforecast.models import AutoETS

    return AutoETS(season_length=1, model="AAN", damped=True)


def _auto_theta():
    from statsforecast.models import AutoTheta

    return AutoTheta(season_length=1)


def window_mean(train: Training, future: pd.Series, final: bool) -> Prediction:
    """Mean of the last WINDOW periods, carried forward: it averages out sampling noise that the
    naive forecast carries forward. Its interval uses the window's own in-sample k-step errors
    (normal approximation), widening with k like a random walk when there are too few."""
    y, step = relevel(train.y, train.shift_index)
    if len(y) < WINDOW + 2:
        raise CandidateFailed(f"needs at least {WINDOW + 2} periods")
    h = len(future)
    level = float(y[-WINDOW:].mean())
    mean = np.full(h, level)
    means = np.convolve(y, np.ones(WINDOW) / WINDOW, mode="valid")[:-1]  # forecast made at t
    half = np.empty(h)
    for k in range(1, h + 1):
        n_errors = len(y) - WINDOW - k + 1  # k-step forecasts the training data can check
        errors = y[WINDOW - 1 + k :] - means[:n_errors] if n_errors > 0 else np.empty(0)
        if len(errors) >= 3:
            half[k - 1] = _Z80 * float(np.sqrt(np.mean(errors**2)))
        else:
            half[k - 1] = half[0] * np.sqrt(k)
    fitted = None
    if final:  # the window mean known before each period; none for the first WINDOW periods
        fitted = _moved_back(
            np.concatenate([np.full(WINDOW, np.nan), means]), train.shift_index, step
        )
    return Prediction(mean, mean - half, mean + half, fitted)


def load_libraries(names: tuple[str, ...]) -> None:
    """Import the fitting libraries the given candidates need (once per process), so their
    import time is not charged to the first fit."""
    import statsforecast.models  # noqa: F401

    if "prophet" in names:
        quiet_prophet_logging()


def quiet_prophet_logging() -> None:
    """Silence cmdstanpy's per-fit chatter and Prophet's info lines; keep Prophet's warnings."""
    import cmdstanpy
    import prophet  # noqa: F401  (its import sets the "prophet" logger to INFO: import it first)

    cmdstanpy.disable_logging()
    logging.getLogger("prophet").setLevel(logging.WARNING)


@contextmanager
def _seeded_numpy(seed: int) -> Iterator[None]:
    """Seed numpy's global generator for Prophet's sampling, then give the caller its state back."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


# Draws for Prophet's intervals: the production forecast uses Prophet's default; a backtest
# fold only needs the 80% bounds for coverage, and 200 draws place them within a few percent.
PROPHET_SAMPLES = 1000
PROPHET_FOLD_SAMPLES = 200


def prophet(train: Training, future: pd.Series, final: bool) -> Prediction:
    """Prophet on dates, without seasonality (few, irregular periods cannot show one)."""
    from prophet import Prophet

    model = Prophet(
        yearly_seasonality=False,
        weekly_seasonality=False,
        daily_seasonality=False,
        interval_width=INTERVAL_LEVEL / 100,
        uncertainty_samples=PROPHET_SAMPLES if final else PROPHET_FOLD_SAMPLES,
        # Prophet's default of 25 potential changepoints is one per period on a survey window of
        # about 30 periods; one per three periods still follows real turns, overfits less and
        # fits in about 60% of the time.
        n_changepoints=min(25, max(1, len(train.y) // 3)),
    )
    history = pd.DataFrame({"ds": train.ds.to_numpy(), "y": train.y})
    future_ds = pd.to_datetime(pd.Series(future)).to_numpy()
    # A final fit also predicts its own training periods: the in-sample fit the dashboard shows.
    frame = pd.DataFrame(
        {"ds": np.concatenate([history["ds"].to_numpy(), future_ds]) if final else future_ds}
    )
    if train.shift_at is not None:
        model.add_regressor("level_shift", standardize=False)
        history["level_shift"] = (history["ds"] >= train.shift_at).astype(float)
        frame["level_shift"] = (frame["ds"] >= train.shift_at).astype(float)
    with _seeded_numpy(PROPHET_SEED), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword", module="prophet")
        try:
            model.fit(history, seed=PROPHET_SEED)
        except RuntimeError as error:  # cmdstan failed, even after Prophet's Newton fallback
            raise CandidateFailed(f"Prophet fit failed: {error}") from error
        predicted = model.predict(frame)
    n_future = len(future_ds)
    yhat = predicted["yhat"].to_numpy(float)
    mean = yhat[-n_future:]
    # Interval bounds are Monte Carlo quantiles; make sure they never exclude the point.
    lower = np.minimum(predicted["yhat_lower"].to_numpy(float)[-n_future:], mean)
    upper = np.maximum(predicted["yhat_upper"].to_numpy(float)[-n_future:], mean)
    return Prediction(mean, lower, upper, yhat[:-n_future] if final else None)


# Name -> forecaster, simplest first: on equal backtest error the simpler model is chosen.
CANDIDATES: dict[str, Forecaster] = {
    "naive": _statsforecast(_naive),
    "window_mean_3": window_mean,
    "drift": _statsforecast(_drift),
    "auto_ets": _statsforecast(_auto_ets),
    "damped_ets": _statsforecast(_damped_ets),
    "auto_theta": _statsforecast(_auto_theta),
    "prophet": prophet,
}
BASELINE = "naive"
