"""Prophet forecasts of every ``marts.fct_signals`` series, with a backtest against naive.

Per series: one Prophet fit on the modelling window (with 80% intervals) plus one point-forecast
fit per backtest fold, i.e. at most 1 + n_folds fits. Output rows follow the ml.* table contract.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial

import numpy as np
import pandas as pd

from ml_assets.backtest import rolling_origin_backtest
from ml_assets.ml_tables import FORECAST_COLUMNS, METRIC_COLUMNS
from ml_assets.series import (
    Series,
    cadence_note,
    eligible_series,
    future_dates,
    horizon_periods,
    spans_level_shift,
    split_series,
    step_days,
)

__all__ = ["MODEL_VERSION", "INTERVAL_WIDTH", "eligible_series", "forecast_all", "forecast_series"]

MODEL_VERSION = "prophet-1.5.0/v1"
INTERVAL_WIDTH = 0.8  # 80% prediction intervals (yhat_lower / yhat_upper)
UNCERTAINTY_SAMPLES = 1000  # Prophet's default number of draws for the intervals
SEED = 20240916  # Prophet draws its interval samples from numpy's global generator

logger = logging.getLogger(__name__)


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


def fit_predict(
    train: pd.DataFrame,
    ds: pd.Series,
    *,
    intervals: bool,
    clip_percent: bool,
    shift_at: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Fit Prophet on train (ds, y) and predict ds: columns ds, yhat, yhat_lower, yhat_upper.

    ``shift_at``: a known level shift (see series.LEVEL_SHIFTS), modelled as a 0/1 regressor when
    the training data has periods on both sides of it; otherwise its size is unknown and ignored.
    """
    from prophet import Prophet  # imported here: slow import, only needed when fitting

    model = Prophet(
        # Few, irregular survey periods: no yearly/weekly/daily cycle can be estimated honestly.
        yearly_seasonality=False,
        weekly_seasonality=False,
        daily_seasonality=False,
        interval_width=INTERVAL_WIDTH,
        uncertainty_samples=UNCERTAINTY_SAMPLES if intervals else 0,
    )
    history = train[["ds", "y"]]
    future = pd.DataFrame({"ds": pd.to_datetime(ds).to_numpy()})
    if spans_level_shift(history["ds"], shift_at):
        model.add_regressor("level_shift", standardize=False)
        history = history.assign(level_shift=(history["ds"] >= shift_at).astype(float))
        future = future.assign(level_shift=(future["ds"] >= shift_at).astype(float))
    with _seeded_numpy(SEED), warnings.catch_warnings():
        # Prophet 1.5 calls DataFrame.drop(inplace=True), deprecated in pandas 3.1: not ours to fix.
        warnings.filterwarnings("ignore", message="The inplace keyword", module="prophet")
        model.fit(history, seed=SEED)
        predicted = model.predict(future)
    out = pd.DataFrame({"ds": predicted["ds"].to_numpy(), "yhat": predicted["yhat"].to_numpy()})
    if intervals:
        # Interval bounds are Monte Carlo quantiles; make sure they never exclude the point.
        out["yhat_lower"] = np.minimum(predicted["yhat_lower"].to_numpy(), out["yhat"])
        out["yhat_upper"] = np.maximum(predicted["yhat_upper"].to_numpy(), out["yhat"])
    else:
        out["yhat_lower"] = out["yhat_upper"] = np.nan
    if clip_percent:
        cols = ["yhat", "yhat_lower", "yhat_upper"]
        out[cols] = out[cols].clip(0, 100)
    return out


def _point_forecast(train: pd.DataFrame, ds: pd.Series, **options) -> np.ndarray:
    return fit_predict(train, ds, intervals=False, **options)["yhat"].to_numpy()


def forecast_series(
    series: Series, *, horizon_days: int, n_folds: int
) -> tuple[pd.DataFrame, dict]:
    """Forecast one eligible series: its forecast rows (history + future) and its metrics row."""
    quiet_prophet_logging()  # again here: worker processes start with default logging
    try:
        return _forecast_one(series, horizon_days=horizon_days, n_folds=n_folds)
    except RuntimeError as error:  # cmdstan failed, even after Prophet's Newton fallback
        raise RuntimeError(
            f"forecast of series {series.key} failed: {error}. Check its rows in "
            "marts.fct_signals, or raise min_obs to leave short series out."
        ) from error


def _forecast_one(series: Series, *, horizon_days: int, n_folds: int) -> tuple[pd.DataFrame, dict]:
    options = {"clip_percent": series.unit == "percent", "shift_at": series.level_shift}
    train = series.modelling_frame()
    step = step_days(train["ds"])
    periods = horizon_periods(horizon_days, step)
    future = future_dates(train["ds"].iloc[-1], step, periods)

    fitted = fit_predict(
        train, pd.concat([train["ds"], pd.Series(future)]), intervals=True, **options
    )
    history = series.history[["ds", "y"]].merge(fitted, on="ds", how="left")
    rows = pd.concat(
        [
            history.assign(is_forecast=False),
            fitted[fitted["ds"].isin(future)].assign(y=np.nan, is_forecast=True),
        ],
        ignore_index=True,
    )
    result = rolling_origin_backtest(
        train, partial(_point_forecast, **options), horizon=periods, n_folds=n_folds
    )
    metrics = {
        "n_obs": len(train),
        "train_start": train["ds"].iloc[0],
        "train_end": train["ds"].iloc[-1],
        "step_days": step,
        "horizon_periods": periods,
        **asdict(result),
        "beats_naive": result.beats_naive,
        "cadence_note": cadence_note(
            series, n_model=len(train), step=step, periods=periods, interval_width=INTERVAL_WIDTH
        ),
    }
    return rows, metrics


def forecast_all(
    signals: pd.DataFrame,
    *,
    run_id: str,
    horizon_days: int = 90,
    min_obs: int = 12,
    n_folds: int = 3,
    created_at: datetime | None = None,
    n_jobs: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast every series with at least min_obs periods in its modelling window.

    Returns (forecasts, metrics) with exactly the columns of ml.forecasts and ml.forecast_metrics.
    Skipped series are logged; ``eligible_series(signals, min_obs)`` lists them with the reason.
    ``n_jobs`` > 1 fits series in that many worker processes; the output is identical.
    """
    quiet_prophet_logging()
    created_at = created_at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    eligibility = eligible_series(signals, min_obs).set_index("series_key")
    chosen = [s for s in split_series(signals) if eligibility.at[s.key, "eligible"]]
    for key, reason in eligibility.loc[~eligibility["eligible"], "reason"].items():
        logger.info("not forecast: %s (%s)", key, reason)

    started = time.perf_counter()
    work = partial(forecast_series, horizon_days=horizon_days, n_folds=n_folds)
    if n_jobs > 1 and len(chosen) > 1:
        # spawn, not fork: the caller (Dagster, pytest) may hold threads that fork would copy.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
            results = list(pool.map(work, chosen, chunksize=4))
    else:
        results = [work(s) for s in chosen]
    elapsed = time.perf_counter() - started
    logger.info(
        "forecast %d of %d series in %.1f s (%.2f s per series, n_jobs=%d)",
        len(chosen), len(eligibility), elapsed, elapsed / max(len(chosen), 1), n_jobs,
    )  # fmt: skip

    run = {"model_version": MODEL_VERSION, "run_id": run_id, "created_at": created_at}
    frames, metric_rows = [], []
    for s, (rows, metrics) in zip(chosen, results, strict=True):
        key = {"series_key": s.key, "source": s.source, "signal": s.signal,
               "group_type": s.group_type, "group_value": s.group_value}  # fmt: skip
        frames.append(rows.assign(**key, **run))
        metric_rows.append({**key, **metrics, **run})
    forecasts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    metrics_frame = pd.DataFrame(metric_rows)
    return (
        forecasts.reindex(columns=list(FORECAST_COLUMNS)),
        metrics_frame.reindex(columns=list(METRIC_COLUMNS)),
    )
