"""Forecasts of every ``marts.fct_signals`` series, each by the candidate its backtest chose.

Per series: every candidate forecasts every backtest fold once (Prophet only the last
``prophet_folds`` folds: its fits cost ten times a smoother's), the nested selection of
``ml_assets.backtest`` picks the model and scores it on folds that did not pick it, and the
chosen model alone is fitted again on the whole modelling window for the published forecast.
A series whose inputs did not change since a stored result (``ml_assets.reuse``) is not fitted
at all: its stored rows are taken as they are.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial

import numpy as np
import pandas as pd

from ml_assets.backtest import MAX_FOLDS, MIN_TRAIN_OBS, FoldForecast, plan_folds, score_nested
from ml_assets.candidates import (
    BASELINE,
    CANDIDATES,
    CandidateFailed,
    Prediction,
    Training,
    load_libraries,
)
from ml_assets.ml_tables import CANDIDATE_COLUMNS, FORECAST_COLUMNS, METRIC_COLUMNS, empty_table
from ml_assets.notes import backtest_note
from ml_assets.reuse import combined_hash, input_hash
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

__all__ = ["MODEL_VERSION", "ForecastSettings", "ForecastRun", "forecast_all", "forecast_series"]

MODEL_VERSION = "selected-forecast/v2"
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
    prophet_folds: int = 3
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
                p = _clip(CANDIDATES[name](train, future, False), percent)
            except CandidateFailed as error:
                logger.debug("%s sits out fold %d of %s: %s", name, j, series.key, error)
                continue
            finally:
                seconds[name] += time.perf_counter() - tick
            results[name][j] = FoldForecast(
                np.abs(actual - p.mean), (actual >= p.lower) & (actual <= p.upper)
            )
            points[name][j] = p.mean
    score = score_nested(
        results,
        actuals=[y[f.origin : f.end] for f in folds],
        trains=[t.y for t in trains],
        predictions=points,
        shift_indexes=[t.shift_index for t in trains],
        baseline=BASELINE,
    )

    step = step_days(ds)
    periods = horizon_periods(settings.horizon_days, step)
    future = pd.Series(future_dates(ds.iloc[-1], step, periods))
    chosen, final = _final_fit(score.final_choice, whole, future, percent, seconds)
    rows = _forecast_rows(series, ds, future, final)
    metrics = {
        "model_name": chosen,
        "candidates": ", ".join(names),
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
            series, n_model=len(frame), step=step, periods=periods, interval_width=0.8
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


@dataclass
class ForecastRun:
    """The three ml tables of one run, and what it cost."""

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    candidates: pd.DataFrame
    series_fitted: int = 0
    series_reused: int = 0
    seconds_by_candidate: dict[str, float] = field(default_factory=dict)
    input_hashes: list[str] = field(default_factory=list)

    @property
    def data_version(self) -> str:
        """Changes exactly when some series' inputs, the model version or the settings do."""
        return combined_hash(self.input_hashes)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "forecasts": self.forecasts,
            "forecast_metrics": self.metrics,
            "forecast_candidates": self.candidates,
        }


# input hashes -> stored rows per ml table (ml_assets.ml_tables.read_stored_results)
StoredResults = Callable[[list[str]], dict[str, pd.DataFrame]]


def forecast_all(
    signals: pd.DataFrame,
    *,
    run_id: str,
    settings: ForecastSettings | None = None,
    created_at: datetime | None = None,
    stored: StoredResults | None = None,
    n_jobs: int | None = None,
) -> ForecastRun:
    """Forecast every series with at least ``settings.min_obs`` periods in its window.

    Series whose input hash has stored results (``stored``) are taken from there; the others
    are fitted, in ``n_jobs`` worker processes when more than one (the output is identical);
    by default in one process per core once there are enough series to repay starting them.
    Skipped series are logged; ``eligible_series`` lists them with the reason.
    """
    settings = settings or ForecastSettings()
    created_at = created_at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    eligibility = eligible_series(signals, settings.min_obs).set_index("series_key")
    chosen = [s for s in split_series(signals) if eligibility.at[s.key, "eligible"]]
    for key, reason in eligibility.loc[~eligibility["eligible"], "reason"].items():
        logger.info("not forecast: %s (%s)", key, reason)
    hash_of = partial(input_hash, model_version=MODEL_VERSION, settings=asdict(settings))
    hashes = {s.key: hash_of(s) for s in chosen}
    previous = stored(list(hashes.values())) if stored and hashes else {}
    reusable = set(previous.get("forecast_metrics", empty_table("forecast_metrics"))["input_hash"])
    to_fit = [s for s in chosen if hashes[s.key] not in reusable]

    started = time.perf_counter()
    n_jobs = default_jobs(len(to_fit)) if n_jobs is None else n_jobs
    fitted = _fit_all(to_fit, settings, n_jobs)
    logger.info(
        "forecast %d series: %d reused, %d fitted in %.1f s (n_jobs=%d)",
        len(chosen),
        len(chosen) - len(to_fit),
        len(to_fit),
        time.perf_counter() - started,
        n_jobs,
    )

    run = {"model_version": MODEL_VERSION, "run_id": run_id, "created_at": created_at}
    frames: dict[str, list[pd.DataFrame]] = {"forecasts": [], "metrics": [], "candidates": []}
    seconds: dict[str, float] = defaultdict(float)
    for s, result in zip(to_fit, fitted, strict=True):
        key = {
            "series_key": s.key,
            "source": s.source,
            "signal": s.signal,
            "group_type": s.group_type,
            "group_value": s.group_value,
        }
        stamp = {"input_hash": hashes[s.key], **run}
        frames["forecasts"].append(
            result.rows.assign(**key, model_name=result.metrics["model_name"], **stamp)
        )
        frames["metrics"].append(pd.DataFrame([{**key, **result.metrics, **stamp}]))
        frames["candidates"].append(pd.DataFrame(result.candidates).assign(**stamp))
        for name, value in result.seconds.items():
            seconds[name] += value
    for table, name in (
        ("forecasts", "forecasts"),
        ("metrics", "forecast_metrics"),
        ("candidates", "forecast_candidates"),
    ):
        if name in previous:
            frames[table].append(previous[name])
    return ForecastRun(
        forecasts=_table(frames["forecasts"], FORECAST_COLUMNS, ["series_key", "ds"]),
        metrics=_table(frames["metrics"], METRIC_COLUMNS, ["series_key"]),
        candidates=_table(frames["candidates"], CANDIDATE_COLUMNS, ["series_key", "model_name"]),
        series_fitted=len(to_fit),
        series_reused=len(chosen) - len(to_fit),
        seconds_by_candidate={name: round(value, 3) for name, value in sorted(seconds.items())},
        input_hashes=sorted(hashes.values()),
    )


# A worker process spends a few seconds importing pandas, statsforecast and Prophet before its
# first fit; below this many series to fit, one process finishes first.
PARALLEL_MIN_SERIES = 60


def default_jobs(n_series: int) -> int:
    return min(os.cpu_count() or 1, 4) if n_series >= PARALLEL_MIN_SERIES else 1


def _fit_all(series: list[Series], settings: ForecastSettings, n_jobs: int) -> list:
    work = partial(forecast_series, settings=settings)
    if n_jobs > 1 and len(series) > 1:
        # spawn, not fork: the caller (Dagster, pytest) may hold threads that fork would copy.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
            return list(pool.map(work, series, chunksize=4))
    return [work(s) for s in series]


def _table(frames: list[pd.DataFrame], columns: dict[str, str], order: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    table = pd.concat(frames, ignore_index=True).reindex(columns=list(columns))
    return table.sort_values(order, kind="stable").reset_index(drop=True)
