"""Forecasts of every ``marts.fct_signals`` series, each by the model its backtest chose.

A series whose inputs did not change since a stored result (``ml_assets.reuse``) is not fitted
at all: its stored rows are taken as they are. The others are forecast by
``ml_assets.series_forecast``, in worker processes when there are many.
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

import pandas as pd

from ml_assets.ml_tables import CANDIDATE_COLUMNS, FORECAST_COLUMNS, METRIC_COLUMNS, empty_table
from ml_assets.reuse import combined_hash, input_hash
from ml_assets.series import Series, eligible_series, split_series
from ml_assets.series_forecast import ForecastSettings, forecast_series

__all__ = ["MODEL_VERSION", "ForecastRun", "ForecastSettings", "forecast_all"]

# Part of every stored result's input hash: bump it when the forecasting logic changes.
MODEL_VERSION = "selected-forecast/v2"

logger = logging.getLogger(__name__)


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
