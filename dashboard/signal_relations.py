"""The questions the Compare signals page asks, as SQL: the series to choose from, and the
cross-source relationships, lag profiles and unusual weeks the ML layer stored for them.

Kept apart from dashboard/data.py, in the same style, so that each module stays small. How the
SQL reaches the warehouse (published copy, caching, friendly errors) lives in
dashboard/warehouse.py.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.warehouse import run_query
from ml_assets.series import series_key

# The table below the charts shows this many pairs, the significant ones first.
STRONGEST_SHOWN = 20

RELATIONSHIP_COLUMNS = """
    series_a, series_b, source_a, signal_a, group_type_a, group_value_a,
    source_b, signal_b, group_type_b, group_value_b, best_lag_weeks, correlation,
    threshold, p_value, n_overlap, significant, direction, run_id
"""


def series_catalog() -> pd.DataFrame:
    """Every series of marts.fct_signals: its key parts, unit, span and whether it is weekly
    (every period weekly: only those enter the lag analysis). Adds the series_key column."""
    frame = run_query(
        """
        select source, signal, group_type, group_value, max(unit) as unit,
               count(*) as n_periods,
               min(period_start) as first_week, max(period_start) as last_week,
               max(period_end) as last_period_end,
               min(case when cadence = 'weekly' then 1 else 0 end) as all_weekly
        from marts.fct_signals
        group by source, signal, group_type, group_value
        order by source, signal, group_type, group_value
        """
    )
    frame["series_key"] = [
        series_key(*parts)
        for parts in frame[["source", "signal", "group_type", "group_value"]].itertuples(
            index=False
        )
    ]
    frame["weekly"] = frame["all_weekly"].astype(int) == 1
    return frame.drop(columns="all_weekly")


def series_values(source: str, signal: str, group_type: str, group_value: str) -> pd.DataFrame:
    """One series of marts.fct_signals in time order: period_start, period_end, value, unit."""
    return run_query(
        """
        select period_start, period_end, cadence, value, unit
        from marts.fct_signals
        where source = ? and signal = ? and group_type = ? and group_value = ?
        order by period_start
        """,
        [source, signal, group_type, group_value],
    )


def strongest_relationships(limit: int = STRONGEST_SHOWN) -> pd.DataFrame:
    """The strongest pairs of ml.signal_relationships: significant ones first, each group by
    the size of its correlation (either sign), pairs without a correlation last (spelled out:
    Snowflake puts nulls first in a descending order, DuckDB last)."""
    return run_query(
        f"""
        select {RELATIONSHIP_COLUMNS}
        from ml.signal_relationships
        order by case when significant then 0 else 1 end,
                 case when correlation is null then 1 else 0 end, abs(correlation) desc,
                 series_a, series_b
        limit {int(limit)}
        """
    )


def relationship_counts() -> dict[str, int]:
    """How many pairs were tested, how many are significant, and the fewest common weeks of a
    stored pair (0 when none is stored)."""
    frame = run_query(
        """
        select count(*) as pairs,
               sum(case when significant then 1 else 0 end) as significant,
               min(n_overlap) as fewest_weeks
        from ml.signal_relationships
        """
    )
    row = frame.iloc[0]
    return {name: 0 if pd.isna(row[name]) else int(row[name]) for name in frame.columns}


def relationship(series_a: str, series_b: str) -> dict[str, Any] | None:
    """The stored row of one pair (keys in the stored order: series_a < series_b), or None."""
    frame = run_query(
        f"""
        select {RELATIONSHIP_COLUMNS}
        from ml.signal_relationships
        where series_a = ? and series_b = ?
        """,
        [series_a, series_b],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def lag_profile(series_a: str, series_b: str) -> pd.DataFrame:
    """ml.signal_lag_correlations of one pair (stored order), by lag."""
    return run_query(
        """
        select lag_weeks, correlation, threshold, n_pairs
        from ml.signal_lag_correlations
        where series_a = ? and series_b = ?
        order by lag_weeks
        """,
        [series_a, series_b],
    )


def anomalies(first: str, second: str) -> pd.DataFrame:
    """The unusual periods ml.signal_anomalies flagged in either of two series."""
    return run_query(
        """
        select series_key, period_start, value, expected, lower, upper, robust_z, direction,
               method, is_newest
        from ml.signal_anomalies
        where series_key in (?, ?)
        order by series_key, period_start
        """,
        [first, second],
    )
