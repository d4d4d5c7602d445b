"""The dashboard's one data-access module: every question the pages ask, as SQL.

How the SQL reaches the warehouse (published DuckDB copy or Snowflake, caching, errors) lives
in dashboard/warehouse.py.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.warehouse import run_query

SOURCE = "cdc_pulse"
NATIONAL = ("national", "United States")
REDDIT = "reddit"
SUBREDDIT = "subreddit"  # group_type of the Reddit series; group_value is the lower-cased name


# --------------------------------------------------------------------------------------------
# The dashboard's questions
# --------------------------------------------------------------------------------------------


def signal_catalog(source: str = SOURCE) -> pd.DataFrame:
    """Every series in marts.fct_signals: signal, group_type, group_value, n_periods."""
    return run_query(
        """
        select signal, group_type, group_value, count(*) as n_periods,
               max(period_end) as last_period_end
        from marts.fct_signals
        where source = ?
        group by signal, group_type, group_value
        order by signal, group_type, group_value
        """,
        [source],
    )


def series_history(
    signal: str, group_type: str, group_value: str, source: str = SOURCE
) -> pd.DataFrame:
    """One series of marts.fct_signals in time order, with its confidence interval."""
    return run_query(
        """
        select period_start, period_end, cadence, value, ci_low, ci_high, unit
        from marts.fct_signals
        where source = ? and signal = ? and group_type = ? and group_value = ?
        order by period_start
        """,
        [source, signal, group_type, group_value],
    )


def series_forecast(key: str) -> pd.DataFrame:
    """ml.forecasts rows of one series (in-sample fit and future), in time order."""
    return run_query(
        """
        select ds, y, yhat, yhat_lower, yhat_upper, is_forecast, model_name, model_version,
               run_id, created_at
        from ml.forecasts
        where series_key = ?
        order by ds
        """,
        [key],
    )


def series_metrics(key: str) -> dict[str, Any] | None:
    """The backtest metrics row of one series from ml.forecast_metrics, or None."""
    frame = run_query(
        """
        select model_name, candidates, n_obs, train_start, train_end, step_days,
               horizon_periods, n_folds, n_scored_folds, scored_points,
               mae, rmse, mape, mase, naive_mae, naive_rmse, naive_mape, naive_mase,
               relative_mae, interval_coverage_80, beats_naive, backtest_note, cadence_note,
               model_version, run_id, created_at
        from ml.forecast_metrics
        where series_key = ?
        order by created_at desc
        limit 1
        """,
        [key],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def latest_load(source: str = SOURCE) -> dict[str, Any] | None:
    """The most recent row of raw.load_batches for ``source``, or None."""
    frame = run_query(
        """
        select source, batch_id, source_mode, rows_in, rows_loaded, rows_quarantined, loaded_at
        from raw.load_batches
        where source = ?
        order by loaded_at desc
        limit 1
        """,
        [source],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def latest_period_end(source: str = SOURCE) -> pd.Timestamp | None:
    """End date of the newest period in marts.fct_signals for ``source``."""
    frame = run_query(
        "select max(period_end) as last_period_end from marts.fct_signals where source = ?",
        [source],
    )
    value = frame["last_period_end"].iloc[0] if not frame.empty else None
    return None if pd.isna(value) else pd.Timestamp(value)


def latest_national_values(source: str = SOURCE) -> pd.DataFrame:
    """Per signal: the newest national value and the one before it (for the change)."""
    return run_query(
        """
        with ranked as (
            select signal, period_start, period_end, value,
                   row_number() over (partition by signal order by period_start desc) as recency
            from marts.fct_signals
            where source = ? and group_type = ? and group_value = ?
        )
        select latest.signal,
               latest.period_start, latest.period_end, latest.value,
               previous.period_start as previous_period_start,
               previous.period_end as previous_period_end,
               previous.value as previous_value
        from ranked as latest
        left join ranked as previous
            on previous.signal = latest.signal and previous.recency = 2
        where latest.recency = 1
        order by latest.signal
        """,
        [source, *NATIONAL],
    )


def national_history(source: str = SOURCE) -> pd.DataFrame:
    """The national estimates of every signal, for the overview chart."""
    return run_query(
        """
        select signal, period_start, period_end, value
        from marts.fct_signals
        where source = ? and group_type = ? and group_value = ?
        order by signal, period_start
        """,
        [source, *NATIONAL],
    )


# --------------------------------------------------------------------------------------------
# Community pulse (Reddit). Only aggregates and scrubbed theme text: no query here reads an
# author, a post id or a permalink.
# --------------------------------------------------------------------------------------------


def reddit_communities(signal: str = "posts_per_week") -> pd.DataFrame:
    """Communities with weekly Reddit series in marts.fct_signals: subreddit, weeks, range."""
    return run_query(
        """
        select group_value as subreddit, count(*) as n_weeks,
               min(period_start) as first_week, max(period_start) as last_week
        from marts.fct_signals
        where source = ? and group_type = ? and signal = ?
        group by group_value
        order by group_value
        """,
        [REDDIT, SUBREDDIT, signal],
    )


def community_signal(signal: str) -> pd.DataFrame:
    """One Reddit signal for every community, week by week: subreddit, period, value, unit."""
    return run_query(
        """
        select group_value as subreddit, period_start, period_end, cadence, value, unit
        from marts.fct_signals
        where source = ? and group_type = ? and signal = ?
        order by group_value, period_start
        """,
        [REDDIT, SUBREDDIT, signal],
    )


def community_history(signal: str, subreddit: str) -> pd.DataFrame:
    """One community's weekly series, shaped like series_history (for the forecast chart)."""
    return series_history(signal, SUBREDDIT, subreddit, source=REDDIT)


def insight_weeks(subreddit: str) -> pd.DataFrame:
    """Weeks of ml.reddit_insights with themes for one community, newest first."""
    return run_query(
        """
        select week, count(*) as n_themes
        from ml.reddit_insights
        where subreddit = ?
        group by week
        order by week desc
        """,
        [subreddit],
    )


def week_themes(week: pd.Timestamp, subreddit: str) -> pd.DataFrame:
    """The themes of one week × community, largest first, with the summary and its generator."""
    return run_query(
        """
        select theme, top_terms, n_posts, share, mean_sentiment, excerpts, summary, generator,
               created_at
        from ml.reddit_insights
        where week = ? and subreddit = ?
        order by theme
        """,
        [pd.Timestamp(week).date(), subreddit],
    )
