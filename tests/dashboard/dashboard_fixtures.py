"""A small warehouse with the dashboard's contract tables, built without the pipeline.

The dashboard reads only raw.load_batches, marts.fct_signals, ml.forecasts,
ml.forecast_metrics and ml.reddit_insights; these fixtures fill them with a few plausible series
(irregular periods, national and group series, one series without a forecast) whose numbers the
tests can check, plus the Reddit rows of tests/dashboard/reddit_fixtures.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ml_assets.insight_tables import REDDIT_INSIGHT_COLUMNS, REDDIT_INSIGHTS
from ml_assets.ml_tables import ML_TABLES
from tests.dashboard import reddit_fixtures, relation_fixtures, survey_fixtures

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_PATH = REPO_ROOT / "dashboard" / "app.py"
SOURCE = "cdc_pulse"

CADENCE_NOTE = (
    "Survey periods are irregular: weekly in 2020, every two weeks from phase 2 and every four "
    "weeks in phase 4, and the question window changed at phase 3.2. The survey ended in "
    "September 2024, so this forecast extends past the last collected data."
)

# Series that get a forecast, with backtest numbers the tests look for on the page.
METRICS = {
    ("anxiety_or_depression", "national", "United States"): {"mase": 0.873, "beats": True,
                                                              "model": "auto_ets"},
    ("anxiety", "national", "United States"): {"mase": 0.791, "beats": True,
                                               "model": "window_mean_3"},
    ("depression", "national", "United States"): {"mase": 1.137, "beats": False,
                                                  "model": "naive"},
    ("anxiety_or_depression", "age", "18 - 29 years"): {"mase": 0.654, "beats": True,
                                                        "model": "prophet"},
}  # fmt: skip
CANDIDATES = "naive, window_mean_3, drift, auto_ets, damped_ets, auto_theta, prophet"
BACKTEST_NOTE = "Backtest: 7 rolling-origin folds; the first fold only chooses."
SIGNAL_BASE = {"anxiety_or_depression": 34.0, "anxiety": 28.0, "depression": 23.0}
GROUP_OFFSET = {
    ("national", "United States"): 0.0,
    ("age", "18 - 29 years"): 9.0,
    ("age", "30 - 39 years"): 4.0,
    ("sex", "Female"): 2.5,
    ("state", "Alabama"): 1.0,
}
LATEST_LOAD = dt.datetime(2024, 10, 1, 12, 34)


def survey_periods() -> list[tuple[dt.date, dt.date, str]]:
    """Irregular collection windows: weekly, then two-weekly, then four-weekly with gaps."""
    periods = []
    start = dt.date(2020, 4, 23)
    for _ in range(6):
        periods.append((start, start + dt.timedelta(days=6), "weekly"))
        start += dt.timedelta(days=7)
    start = dt.date(2021, 1, 6)
    for _ in range(6):
        periods.append((start, start + dt.timedelta(days=13), "biweekly"))
        start += dt.timedelta(days=14)
    start = dt.date(2024, 4, 30)
    for _ in range(4):
        periods.append((start, start + dt.timedelta(days=27), "four_weekly"))
        start += dt.timedelta(days=28)
    return periods


def signal_value(signal: str, group: tuple[str, str], index: int, offset: float = 0.0) -> float:
    # A gentle wave plus a decline, distinct for every series so the tests can tell them apart.
    wave = [0.0, 0.8, 1.5, 0.9, -0.4, -1.0][index % 6]
    return round(SIGNAL_BASE[signal] + GROUP_OFFSET[group] + wave - 0.35 * index + offset, 1)


def fct_signals_frame(offset: float = 0.0) -> pd.DataFrame:
    rows = []
    for signal in SIGNAL_BASE:
        for group in GROUP_OFFSET:
            for index, (start, end, cadence) in enumerate(survey_periods()):
                value = signal_value(signal, group, index, offset)
                rows.append(
                    {
                        "signal": signal,
                        "source": SOURCE,
                        "cadence": cadence,
                        "group_type": group[0],
                        "group_value": group[1],
                        "period_start": start,
                        "period_end": end,
                        "value": value,
                        "ci_low": round(value - 1.2, 1),
                        "ci_high": round(value + 1.3, 1),
                        "unit": "percent",
                    }
                )
    return pd.DataFrame(rows)


def forecasts_frame(signals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    created = dt.datetime(2024, 10, 1, 12, 40)
    for (signal, group_type, group_value), spec in METRICS.items():
        key = f"{SOURCE}|{signal}|{group_type}|{group_value}"
        series = signals[
            (signals["signal"] == signal)
            & (signals["group_type"] == group_type)
            & (signals["group_value"] == group_value)
        ].sort_values("period_start")
        common = {
            "series_key": key,
            "source": SOURCE,
            "signal": signal,
            "group_type": group_type,
            "group_value": group_value,
            "model_name": spec["model"],
            "input_hash": f"hash-{key}",
            "model_version": "selected-forecast/v2",
            "run_id": "run-fixture",
            "created_at": created,
        }
        for row in series.itertuples():
            rows.append(
                common
                | {
                    "ds": row.period_start,
                    "y": row.value,
                    "yhat": row.value + 0.3,
                    "yhat_lower": row.value - 1.5,
                    "yhat_upper": row.value + 2.1,
                    "is_forecast": False,
                }
            )
        last = series.iloc[-1]
        for step in range(1, 4):
            yhat = last["value"] - 0.2 * step
            rows.append(
                common
                | {
                    "ds": last["period_start"] + dt.timedelta(days=28 * step),
                    "y": None,
                    "yhat": yhat,
                    "yhat_lower": yhat - 1.5 * step,
                    "yhat_upper": yhat + 1.5 * step,
                    "is_forecast": True,
                }
            )
    return pd.DataFrame(rows)


def metrics_frame() -> pd.DataFrame:
    rows = []
    for (signal, group_type, group_value), spec in METRICS.items():
        mase = spec["mase"]
        rows.append(
            {
                "series_key": f"{SOURCE}|{signal}|{group_type}|{group_value}",
                "source": SOURCE,
                "signal": signal,
                "group_type": group_type,
                "group_value": group_value,
                "n_obs": 16,
                "train_start": dt.date(2020, 4, 23),
                "train_end": dt.date(2024, 7, 23),
                "step_days": 28,
                "horizon_periods": 3,
                "model_name": spec["model"],
                "candidates": CANDIDATES,
                "n_folds": 7,
                "n_scored_folds": 6,
                "scored_points": 24,
                "mae": round(1.5 * mase, 3),
                "rmse": round(1.9 * mase, 3),
                "mape": round(5.0 * mase, 3),  # percent, as ml_assets.backtest writes it
                "mase": mase,
                "naive_mae": 1.5,
                "naive_rmse": 1.9,
                "naive_mape": 5.0,
                "naive_mase": 1.0,
                "relative_mae": round(1.5 * mase / 1.5, 3),
                "interval_coverage_80": 0.75,
                "beats_naive": spec["beats"],
                "backtest_note": BACKTEST_NOTE,
                "cadence_note": CADENCE_NOTE,
                "input_hash": f"hash-{SOURCE}|{signal}|{group_type}|{group_value}",
                "model_version": "selected-forecast/v2",
                "run_id": "run-fixture",
                "created_at": dt.datetime(2024, 10, 1, 12, 40),
            }
        )
    return pd.DataFrame(rows)


def load_batches_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source": SOURCE,
                "batch_id": "batch-old",
                "source_mode": "sample",
                "landing_path": "/tmp/landing/cdc_pulse/old.json",
                "rows_in": 100,
                "rows_loaded": 100,
                "rows_quarantined": 0,
                "loaded_at": dt.datetime(2024, 9, 20, 8, 0),
            },
            {
                "source": SOURCE,
                "batch_id": "batch-new",
                "source_mode": "sample",
                "landing_path": "/tmp/landing/cdc_pulse/new.json",
                "rows_in": 102,
                "rows_loaded": 100,
                "rows_quarantined": 2,
                "loaded_at": LATEST_LOAD,
            },
        ]
    )


DDL = """
create schema raw; create schema marts; create schema ml;
create table raw.load_batches (
    source varchar, batch_id varchar, source_mode varchar, landing_path varchar,
    rows_in integer, rows_loaded integer, rows_quarantined integer, loaded_at timestamp);
create table marts.fct_signals (
    signal varchar not null, source varchar not null, cadence varchar not null,
    group_type varchar not null, group_value varchar not null, period_start date not null,
    period_end date not null, value double not null, ci_low double, ci_high double,
    unit varchar not null);
""" + "".join(
    # The ml tables exactly as the forecasting layer's contract defines them.
    f"create table ml.{name} ({', '.join(f'{c} {t}' for c, t in columns.items())});"
    for name, columns in (ML_TABLES | {REDDIT_INSIGHTS: REDDIT_INSIGHT_COLUMNS}).items()
)


def build_warehouse(
    path: Path,
    value_offset: float = 0.0,
    then: str = "",
    *,
    reddit: bool = True,
    survey: bool = True,
    context: bool = True,
) -> None:
    """Write a warehouse with the dashboard's contract tables to ``path`` (replaced if present).

    ``then`` is SQL run afterwards, to make an older or broken layout, or other contents.
    ``reddit=False`` leaves every table without Reddit rows (ml.reddit_insights empty): a
    warehouse built without the Reddit source. ``survey=False`` leaves out the OSMI survey
    tables (tests/dashboard/survey_fixtures.py); ``context=False`` the Compare signals and Global
    context tables (tests/dashboard/relation_fixtures.py).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    signals = fct_signals_frame(value_offset)
    tables = [
        ("raw.load_batches", load_batches_frame()),
        ("marts.fct_signals", signals),
        ("ml.forecasts", forecasts_frame(signals)),
        ("ml.forecast_metrics", metrics_frame()),
    ]
    if reddit:
        tables += [
            ("raw.load_batches", pd.DataFrame([reddit_fixtures.load_batch_row()])),
            ("marts.fct_signals", reddit_fixtures.fct_signals_rows()),
            ("ml.forecasts", reddit_fixtures.forecast_rows()),
            ("ml.forecast_metrics", reddit_fixtures.metric_rows()),
            (f"ml.{REDDIT_INSIGHTS}", reddit_fixtures.insight_rows()),
            ("marts.fct_reddit_posts", reddit_fixtures.posts_rows()),
        ]
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL + (reddit_fixtures.POSTS_DDL if reddit else ""))
        for table, frame in tables:
            con.register("frame", frame)
            con.execute(f"insert into {table} by name select * from frame")
            con.unregister("frame")
    finally:
        con.close()
    if survey:
        survey_fixtures.write_survey_tables(path)
    if context:
        relation_fixtures.write_context_tables(path)
    if then:
        with duckdb.connect(str(path)) as con:
            con.execute(then)


@dataclass(frozen=True)
class Warehouse:
    data_dir: Path  # MINDPULSE_DATA_DIR; both files below live in it by default

    @property
    def working_path(self) -> Path:
        """The pipeline's file."""
        return self.data_dir / "warehouse" / "mindpulse.duckdb"

    @property
    def published_path(self) -> Path:
        """The copy the dashboard reads."""
        return self.data_dir / "warehouse" / "published" / "mindpulse.duckdb"

    def env(self) -> dict[str, str]:
        return {"MINDPULSE_WAREHOUSE": "duckdb", "MINDPULSE_DATA_DIR": str(self.data_dir)}


def latest_value(signal: str, group: tuple[str, str], value_offset: float = 0.0) -> float:
    """The newest value of a fixture series, as the page should show it."""
    return signal_value(signal, group, len(survey_periods()) - 1, value_offset)
