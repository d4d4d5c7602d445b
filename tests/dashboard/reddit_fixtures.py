"""Reddit rows for the fixture warehouse, in the layouts the Community pulse page reads.

marts.fct_signals (source 'reddit', group_type 'subreddit', weekly), ml.forecasts and
ml.forecast_metrics for two communities' posts per week, ml.reddit_insights (the contract in
ml_assets/insight_tables.py) and a raw.load_batches row. Identifying values are planted where
a careless page could pick them up (a posts table, inside excerpts): the tests check that none
of them reaches the page.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from ml_assets.insight_tables import REDDIT_INSIGHT_COLUMNS
from ml_assets.series import series_key

SOURCE = "reddit"
COMMUNITIES = {"anxiety": 420, "depression": 380, "mentalhealth": 300}  # base posts per week
FIRST_WEEK = dt.date(2024, 5, 6)  # a Monday
N_WEEKS = 20
LAST_WEEK = FIRST_WEEK + dt.timedelta(weeks=N_WEEKS - 1)
REDDIT_LOAD = dt.datetime(2024, 9, 24, 6, 15)
# Posts per week series with a forecast and a backtest; r/mentalhealth has neither.
REDDIT_METRICS = {"anxiety": {"mase": 0.712, "beats": True, "model": "auto_ets"},
                  "depression": {"mase": 1.204, "beats": False, "model": "naive"}}  # fmt: skip
SIGNAL_UNITS = {
    "posts_per_week": "posts",
    "median_score": "score",
    "comments_per_post": "comments",
    "negative_post_share": "share",
}
GEMINI_SUMMARY = "Posts this week often discuss trouble sleeping before exams and work shifts."
DETERMINISTIC_SUMMARY = (
    "Posts in r/anxiety in the week of 2024-09-16 on panic, attack, breathing: 61 of 431 posts "
    "(14.2%). (Computed from the theme's figures; no language model.)"
)
# Identifying values planted in the warehouse; none may be shown.
PLANTED_POST_ID = "q1w2e3"
PLANTED_AUTHOR_HASH = "a9f3c2e4b5d6a7f8e9d0c1b2a3f4e5d6"
PLANTED_PERMALINK = f"/r/anxiety/comments/{PLANTED_POST_ID}/"
PLANTED_USER = "u/planted_person"
PLANTED = (PLANTED_POST_ID, PLANTED_AUTHOR_HASH, PLANTED_USER, "planted_person", "comments/")


def weeks() -> list[dt.date]:
    return [FIRST_WEEK + dt.timedelta(weeks=index) for index in range(N_WEEKS)]


def posts(subreddit: str, index: int) -> float:
    return float(COMMUNITIES[subreddit] + 7 * index + [0, 15, -10, 5][index % 4])


def signal_value(signal: str, subreddit: str, index: int) -> float:
    base = COMMUNITIES[subreddit]
    return {
        "posts_per_week": posts(subreddit, index),
        "median_score": float(base // 40 + index % 3),
        "comments_per_post": round(4.0 + base / 200 + 0.1 * (index % 5), 2),
        "negative_post_share": round(0.30 + base / 4000 + 0.01 * (index % 4), 3),
    }[signal]


def fct_signals_rows() -> pd.DataFrame:
    rows = [
        {
            "signal": signal,
            "source": SOURCE,
            "cadence": "weekly",
            "group_type": "subreddit",
            "group_value": subreddit,
            "period_start": week,
            "period_end": week + dt.timedelta(days=6),
            "value": signal_value(signal, subreddit, index),
            "ci_low": None,
            "ci_high": None,
            "unit": unit,
        }
        for signal, unit in SIGNAL_UNITS.items()
        for subreddit in COMMUNITIES
        for index, week in enumerate(weeks())
    ]
    return pd.DataFrame(rows)


def _common(subreddit: str, spec: dict) -> dict:
    key = series_key(SOURCE, "posts_per_week", "subreddit", subreddit)
    return {
        "series_key": key,
        "source": SOURCE,
        "signal": "posts_per_week",
        "group_type": "subreddit",
        "group_value": subreddit,
        "model_name": spec["model"],
        "input_hash": f"hash-{key}",
        "model_version": "selected-forecast/v2",
        "run_id": "run-fixture",
        "created_at": dt.datetime(2024, 9, 24, 6, 30),
    }


def forecast_rows() -> pd.DataFrame:
    rows = []
    for subreddit, spec in REDDIT_METRICS.items():
        common = _common(subreddit, spec)
        for index, week in enumerate(weeks()):
            y = posts(subreddit, index)
            rows.append(common | {"ds": week, "y": y, "yhat": y + 4, "yhat_lower": y - 30,
                                  "yhat_upper": y + 30, "is_forecast": False})  # fmt: skip
        last = posts(subreddit, N_WEEKS - 1)
        for step in range(1, 5):
            rows.append(common | {"ds": LAST_WEEK + dt.timedelta(weeks=step), "y": None,
                                  "yhat": last + 5 * step, "yhat_lower": last - 20 * step,
                                  "yhat_upper": last + 20 * step, "is_forecast": True})  # fmt: skip
    return pd.DataFrame(rows)


def metric_rows() -> pd.DataFrame:
    rows = []
    for subreddit, spec in REDDIT_METRICS.items():
        mase = spec["mase"]
        rows.append(
            {key: value for key, value in _common(subreddit, spec).items()}
            | {
                "n_obs": N_WEEKS,
                "train_start": FIRST_WEEK,
                "train_end": LAST_WEEK,
                "step_days": 7,
                "horizon_periods": 4,
                "candidates": "naive, window_mean_3, drift, auto_ets",
                "n_folds": 5,
                "n_scored_folds": 4,
                "scored_points": 16,
                "mae": round(20 * mase, 3),
                "rmse": round(25 * mase, 3),
                "mape": round(5.0 * mase, 3),
                "mase": mase,
                "naive_mae": 20.0,
                "naive_rmse": 25.0,
                "naive_mape": 5.0,
                "naive_mase": 1.0,
                "relative_mae": mase,
                "interval_coverage_80": 0.8,
                "beats_naive": spec["beats"],
                "backtest_note": "Backtest: 5 rolling-origin folds of 4 weeks.",
                "cadence_note": None,
            }
        )
    return pd.DataFrame(rows)


def _theme(week, subreddit, theme, terms, n_posts, share, sentiment, excerpts, summary, gen):
    return {"week": week, "subreddit": subreddit, "theme": theme, "top_terms": terms,
            "n_posts": n_posts, "share": share, "mean_sentiment": sentiment,
            "excerpts": json.dumps(excerpts), "summary": summary, "generator": gen,
            "input_hash": f"hash-{week}-{subreddit}-{theme}", "run_id": "run-fixture",
            "created_at": dt.datetime(2024, 9, 24, 6, 40)}  # fmt: skip


def insight_rows() -> pd.DataFrame:
    previous = LAST_WEEK - dt.timedelta(weeks=1)
    rows = [
        _theme(LAST_WEEK, "anxiety", 1, "sleep, exams, shifts, tired, night", 88, 0.204, -0.31,
               ["Cannot sleep before my exams, mind keeps racing",
                f"Anyone else up at 3am? {PLANTED_USER} said it helps to write things down",
                f"Same as this thread https://www.reddit.com/r/anxiety/comments/{PLANTED_POST_ID}/x"],
               GEMINI_SUMMARY, "gemini:gemini-2.5-flash"),
        _theme(LAST_WEEK, "anxiety", 2, "panic, attack, breathing, heart, calm", 61, 0.142, -0.44,
               ["Breathing exercises got me through a panic attack at work"],
               DETERMINISTIC_SUMMARY, "deterministic"),
        _theme(LAST_WEEK, "anxiety", 3, "therapy, waitlist, insurance, appointment", 40, 0.093,
               -0.12, [], "Posts discuss long waits for a first therapy appointment.",
               "cache:gemini:gemini-2.5-flash"),
        _theme(previous, "anxiety", 1, "work, boss, deadline, stress", 70, 0.171, -0.25,
               ["Deadlines at work are piling up"], "Work stress, computed from figures.",
               "deterministic:call-cap"),
        _theme(LAST_WEEK, "depression", 1, "lonely, friends, weekend, alone", 75, 0.19, -0.52,
               ["Another weekend alone"], "Loneliness at weekends, computed from figures.",
               "deterministic:gemini-error"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(REDDIT_INSIGHT_COLUMNS))


def load_batch_row() -> dict:
    return {"source": SOURCE, "batch_id": "batch-reddit", "source_mode": "sample",
            "landing_path": "/tmp/landing/reddit/batch.json", "rows_in": 10_003,
            "rows_loaded": 10_000, "rows_quarantined": 3, "loaded_at": REDDIT_LOAD}  # fmt: skip


POSTS_DDL = """
create table marts.fct_reddit_posts (
    post_id varchar, subreddit varchar, title varchar, author_hash varchar,
    created_week date, permalink varchar);
"""


def posts_rows() -> pd.DataFrame:
    """A posts table with identifying columns: the page must not read it."""
    return pd.DataFrame(
        [{"post_id": PLANTED_POST_ID, "subreddit": "anxiety", "title": "Cannot sleep",
          "author_hash": PLANTED_AUTHOR_HASH, "created_week": LAST_WEEK,
          "permalink": PLANTED_PERMALINK}]
    )  # fmt: skip
