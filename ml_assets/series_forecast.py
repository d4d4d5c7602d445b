"""One series' forecast: every candidate backtested, one chosen, and its published forecast.

Every candidate forecasts every backtest fold once (Prophet only the last ``prophet_folds``
folds: its fits cost ten times a smoother's), the nested selection of ``ml_assets.backtest``
picks the model and scores it on folds that did not pick it, and the chosen model alone is
fitted again on the whole modelling window for the published forecast.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ml_assets.backtest import (
    MAX_FOLDS,
    MIN_TRAIN_OBS,
    Fold,
    FoldForecast,
    NestedScore,
    plan_folds,
    score_nested,
)
from ml_assets.candidates import (
    BASELINE,
    CANDIDATES,
    INTERVAL_LEVEL,
    CandidateFailed,
    Prediction,
    Training,
    load_libraries,
)
from ml_assets.notes import backtest_note
from ml_assets.series import (
    Series,
    cadence_note,
    future_dates,
    horizon_periods,
    spans_level_shift,
    step_days,
)

PROPHET = "prophet"
IMPORTS = "(library imports)"  # a key of seconds_by_candidate: time spent importing, not fitting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForecastSettings:
    """Everything that shapes a forecast besides its data; part of every result's input hash."""

    horizon_days: int = 90
    min_obs: int = 12
    min_train: int = MIN_TRAIN_OBS
    max_folds: int = MAX_FOLDS
    prophet_folds: int = 2
    candidates: tuple[str, ...] = tuple(CANDIDATES)

    def __post_init__(self):
        unknown = sorted(set(self.candidates) - set(CANDIDATES))
        if unknown or BASELINE not in self.candidates:
            raise ValueError(
                f"candidates {list(self.candidates)} must include {BASELINE!r} and come from "
                f"{list(CANDIDATES)}; unknown: {unknown}"
            )


@dataclass
class SeriesForecast:
    rows: pd.DataFrame  # ds, y, yhat, yhat_lower, yhat_upper, is_forecast
    metrics: dict
    candidates: list[dict]
    seconds: dict[str, float]  # fitting seconds per candidate, final fit included


def _clip(prediction: Prediction, percent: bool) -> Prediction:
    if not percent:
        return prediction
    clip = partial(np.clip, a_min=0.0, a_max=100.0)
    fitted = None if prediction.fitted is None else clip(prediction.fitted)
    return Prediction(clip(prediction.mean), clip(prediction.lower), clip(prediction.upper), fitted)


def _training(series: Series, ds: pd.Series, y: np.ndarray) -> Training:
    shift = series.level_shift
    return Training(ds, y, shift if spans_level_shift(ds, shift) else None)


def forecast_series(series: Series, settings: ForecastSettings) -> SeriesForecast:
    """Backtest every candidate, choose one, and forecast with it: see the module docstring."""
    started = time.perf_counter()
    seconds: dict[str, float] = defaultdict(float)
    load_libraries(settings.candidates)  # worker processes import here, once
    seconds[IMPORTS] = time.perf_counter() - started
    frame = series.modelling_frame()
    ds, y = frame["ds"], frame["y"].to_numpy(float)
    percent = series.unit == "percent"
    whole = _training(series, ds, y)
    folds = plan_folds(
        ds,
        horizon_days=settings.horizon_days,
        shift_index=whole.shift_index,
        min_train=settings.min_train,
        max_folds=settings.max_folds,
    )
    score = _backtest(series, ds, y, folds, settings, seconds)

    step = step_days(ds)
    periods = horizon_periods(settings.horizon_days, step)
    future = pd.Series(future_dates(ds.iloc[-1], step, periods))
    chosen, final = _final_fit(score.final_choice, whole, future, percent, seconds)
    rows = _forecast_rows(series, ds, future, final)
    metrics = {
        "model_name": chosen,
        "candidates": ", ".join(settings.candidates),
        "n_obs": len(frame),
        "train_start": ds.iloc[0],
        "train_end": ds.iloc[-1],
        "step_days": step,
        "horizon_periods": periods,
        "n_folds": score.n_folds,
        "n_scored_folds": score.n_scored_folds,
        "scored_points": score.scored_points,
        **{m: getattr(score, m) for m in ("mae", "rmse", "mape", "mase")},
        **{f"naive_{m}": getattr(score, f"naive_{m}") for m in ("mae", "rmse", "mape", "mase")},
        "relative_mae": score.relative_mae,
        "interval_coverage_80": score.interval_coverage,
        "beats_naive": score.beats_naive,
        "seconds": time.perf_counter() - started,
        "backtest_note": backtest_note(
            folds,
            ds,
            score,
            prophet_folds=settings.prophet_folds,
            shift_at=whole.shift_at,
            fell_back=chosen != score.final_choice,
        ),
        "cadence_note": cadence_note(
            series,
            n_model=len(frame),
            step=step,
            periods=periods,
            interval_width=INTERVAL_LEVEL / 100,
        ),
    }
    candidates = [
        {
            "series_key": series.key,
            "model_name": name,
            "chosen": name == chosen,
            "n_folds": s.n_folds,
            "mae": s.mae,
            "relative_mae": s.relative_mae,
            "interval_coverage_80": s.interval_coverage,
            "seconds": seconds.get(name, 0.0),
        }
        for name, s in score.candidates.items()
    ]
    return SeriesForecast(rows, metrics, candidates, dict(seconds))


def _backtest(
    series: Series,
    ds: pd.Series,
    y: np.ndarray,
    folds: list[Fold],
    settings: ForecastSettings,
    seconds: dict[str, float],
) -> NestedScore:
    """Every candidate on every fold it is given (one fit each), then the nested score."""
    names = settings.candidates
    results = {name: [None] * len(folds) for name in names}
    points = {name: [None] * len(folds) for name in names}
    trains = []
    for j, fold in enumerate(folds):
        train = _training(series, ds.iloc[: fold.origin], y[: fold.origin])
        trains.append(train)
        future = pd.Series(future_dates(ds.iloc[fold.origin - 1], fold.step_days, fold.horizon))
        actual = y[fold.origin : fold.end]
        for name in names:
            if name == PROPHET and j < len(folds) - settings.prophet_folds:
                continue
            tick = time.perf_counter()
            try:
                p = _clip(CANDIDATES[name](train, future, False), series.unit == "percent")
            except CandidateFailed as error:
                logger.debug("%s sits out fold %d of %s: %s", name, j, series.key, error)
                continue
            finally:
                seconds[name] += time.perf_counter() - tick
            inside = (actual >= p.lower) & (actual <= p.upper)
            results[name][j] = FoldForecast(np.abs(actual - p.mean), inside)
            points[name][j] = p.mean
    return score_nested(
        results,
        actuals=[y[f.origin : f.end] for f in folds],
        trains=[t.y for t in trains],
        predictions=points,
        shift_indexes=[t.shift_index for t in trains],
        baseline=BASELINE,
    )


def _final_fit(
    choice: str, whole: Training, future: pd.Series, percent: bool, seconds: dict[str, float]
) -> tuple[str, Prediction]:
    """The chosen model on the whole window; the naive forecast if it cannot fit there."""
    for name in dict.fromkeys([choice, BASELINE]):
        tick = time.perf_counter()
        try:
            return name, _clip(CANDIDATES[name](whole, future, True), percent)
        except CandidateFailed as error:
            logger.warning("final %s fit failed (%s); falling back to %s", name, error, BASELINE)
        finally:
            seconds[name] += time.perf_counter() - tick
    raise RuntimeError(f"even the {BASELINE} forecast failed on a window of {len(whole.y)} periods")


def _forecast_rows(
    series: Series, ds: pd.Series, future: pd.Series, final: Prediction
) -> pd.DataFrame:
    """Every observed period (with the in-sample fit inside the modelling window), then the
    future periods with the forecast and its interval."""
    fit = pd.DataFrame({"ds": ds.to_numpy(), "yhat": final.fitted})
    history = series.history[["ds", "y"]].merge(fit, on="ds", how="left")
    ahead = pd.DataFrame(
        {
            "ds": future.to_numpy(),
            "y": np.nan,
            "yhat": final.mean,
            "yhat_lower": final.lower,
            "yhat_upper": final.upper,
        }
    )
    return pd.concat(
        [
            history.assign(yhat_lower=np.nan, yhat_upper=np.nan, is_forecast=False),
            ahead.assign(is_forecast=True),
        ],
        ignore_index=True,
    )
