"""Which weekly signals move together, and which tends to move first (cross-correlation at lags).

Only weekly periods take part: the other cadences have periods two to four weeks apart, so a lag
of one week cannot be measured on them. Each series is indexed by its period's Monday (the
nearest Monday when a period starts on another day); a source's periods before its
comparability cut (``series.COMPARABLE_SINCE``) are left out, as the forecasts leave them out.

Every pair of series from different sources with at least ``min_overlap_weeks`` weeks where both
have a value is compared (same-source pairs share how they were collected, so they are not what
this looks for). On the pair's common weeks each series is detrended (least squares line) and
differenced (a difference across a missing week, or across a known level shift, is missing),
then standardised: what is compared is week-to-week change, not two trends that happen to share
a direction. The correlation r_k = corr(a_t, b_{t+k}) is taken for k = -max_lag .. max_lag over
the weeks both have; k > 0 means a moves k weeks before b.

Significance accounts for autocorrelation and for the number of tests. Under no relationship a
cross-correlation of two autocorrelated series varies more than 1/n says; Bartlett's formula
var(r_k) ~ (1 + 2 * sum_{j=1..m} rho_a(j) * rho_b(j)) / n_k, with each series' own
autocorrelations rho of its transformed values (m = min(10, n/4)), floored at 1/n_k, gives the
spread. The two-sided p-value of z = r_k / sqrt(var) is multiplied (Bonferroni) by the lags and
the pairs tested. A pair counts as related when its strongest lag passes that bar; the wording
says which moves first and never that one causes the other.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ml_assets.cross_correlation import (
    best_lag_index,
    critical_z,
    cross_correlations,
    normal_p_value,
)
from ml_assets.relationship_wording import direction_text
from ml_assets.series import COMPARABLE_SINCE, KEY_COLUMNS, split_series

__all__ = [
    "LAG_CORRELATION_COLUMNS",
    "RELATIONSHIP_COLUMNS",
    "RELATIONSHIP_TABLES",
    "SIGNAL_LAG_CORRELATIONS",
    "SIGNAL_RELATIONSHIPS",
    "RelationshipResult",
    "critical_z",
    "lag_profile",
    "relate_signals",
]

logger = logging.getLogger(__name__)

SIGNAL_RELATIONSHIPS = "signal_relationships"
SIGNAL_LAG_CORRELATIONS = "signal_lag_correlations"

RELATIONSHIP_COLUMNS: dict[str, str] = {
    "series_a": "VARCHAR",  # series keys 'source|signal|group_type|group_value', a < b
    "series_b": "VARCHAR",
    **{f"{part}_a": "VARCHAR" for part in KEY_COLUMNS},
    **{f"{part}_b": "VARCHAR" for part in KEY_COLUMNS},
    "best_lag_weeks": "INTEGER",  # k > 0: a moves k weeks before b; k < 0: b before a
    "correlation": "DOUBLE",  # at the best lag (null when a series does not vary)
    "threshold": "DOUBLE",  # |correlation| needed at the best lag to be significant
    "p_value": "DOUBLE",  # at the best lag, Bonferroni-adjusted for the lags and pairs
    "n_overlap": "INTEGER",  # weeks where both series have a value
    "significant": "BOOLEAN",
    "direction": "VARCHAR",  # plain words, never causal
    "run_id": "VARCHAR",
}
LAG_CORRELATION_COLUMNS: dict[str, str] = {
    "series_a": "VARCHAR",
    "series_b": "VARCHAR",
    "lag_weeks": "INTEGER",
    "correlation": "DOUBLE",
    "threshold": "DOUBLE",
    "n_pairs": "INTEGER",  # weeks with both a_t and b_{t+k}
}
RELATIONSHIP_TABLES: dict[str, dict[str, str]] = {
    SIGNAL_RELATIONSHIPS: RELATIONSHIP_COLUMNS,
    SIGNAL_LAG_CORRELATIONS: LAG_CORRELATION_COLUMNS,
}


@dataclass
class RelationshipResult:
    relationships: pd.DataFrame  # ml.signal_relationships
    lag_correlations: pd.DataFrame  # ml.signal_lag_correlations

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            SIGNAL_RELATIONSHIPS: self.relationships,
            SIGNAL_LAG_CORRELATIONS: self.lag_correlations,
        }


def relate_signals(
    signals: pd.DataFrame,
    *,
    min_overlap_weeks: int = 26,
    max_lag: int = 8,
    alpha: float = 0.05,
    run_id: str = "",
) -> RelationshipResult:
    """Compare every pair of weekly series from different sources (rows of marts.fct_signals)."""
    _check_settings(min_overlap_weeks, max_lag, alpha)
    parts, values, breaks = _weekly_grid(signals)
    keys = list(parts)
    present = ~np.isnan(values)
    overlap = present.T.astype(np.int64) @ present.astype(np.int64)
    sources = [parts[key][0] for key in keys]
    pairs = [
        (i, j)
        for i, j in combinations(range(len(keys)), 2)
        if sources[i] != sources[j] and overlap[i, j] >= min_overlap_weeks
    ]
    z_crit = critical_z(alpha, tests=(2 * max_lag + 1) * max(1, len(pairs)))
    lags = np.arange(-max_lag, max_lag + 1)
    relationships, profiles = [], []
    for i, j in pairs:
        r, n, se = cross_correlations(values[:, i], values[:, j], max_lag, (breaks[i], breaks[j]))
        best = best_lag_index(r, lags)
        a, b = parts[keys[i]], parts[keys[j]]
        row = {"series_a": keys[i], "series_b": keys[j]}
        row |= {f"{part}_a": value for part, value in zip(KEY_COLUMNS, a, strict=True)}
        row |= {f"{part}_b": value for part, value in zip(KEY_COLUMNS, b, strict=True)}
        row["best_lag_weeks"] = 0 if best is None else int(lags[best])
        row["correlation"] = math.nan if best is None else float(r[best])  # None: no change
        row["threshold"] = math.nan if best is None else float(z_crit * se[best])
        p = 1.0 if best is None else normal_p_value(r[best] / se[best])
        row["p_value"] = min(1.0, p * len(lags) * len(pairs))
        row["n_overlap"] = int(overlap[i, j])
        row["significant"] = bool(row["p_value"] < alpha)
        row["direction"] = direction_text(
            a, b, row["best_lag_weeks"], row["correlation"], row["significant"], max_lag
        )
        row["run_id"] = run_id
        relationships.append(row)
        profiles.append((r, z_crit * se, n))
    logger.info(
        "relationships: %d weekly series, %d pairs compared, %d significant",
        len(keys),
        len(pairs),
        sum(row["significant"] for row in relationships),
    )
    return RelationshipResult(
        relationships=pd.DataFrame(relationships, columns=list(RELATIONSHIP_COLUMNS)),
        lag_correlations=_lag_table([(keys[i], keys[j]) for i, j in pairs], lags, profiles),
    )


def _lag_table(pairs: list[tuple[str, str]], lags: np.ndarray, profiles: list) -> pd.DataFrame:
    """One row per pair and lag (built at once: a frame per pair cost more than the maths)."""
    if not pairs:
        return pd.DataFrame(columns=list(LAG_CORRELATION_COLUMNS))
    r, threshold, n = (np.concatenate(parts) for parts in zip(*profiles, strict=True))
    return pd.DataFrame(
        {
            "series_a": np.repeat([a for a, _ in pairs], len(lags)),
            "series_b": np.repeat([b for _, b in pairs], len(lags)),
            "lag_weeks": np.tile(lags, len(pairs)),
            "correlation": r,
            "threshold": threshold,
            "n_pairs": n,
        }
    )


def lag_profile(
    a: pd.Series, b: pd.Series, max_lag: int = 8, *, alpha: float = 0.05, pairs: int = 1
) -> pd.DataFrame:
    """lag_weeks, correlation, threshold, n_pairs of two weekly series indexed by period start.

    The same transform and bar as ``relate_signals``; ``pairs``: how many pairs the caller
    compares (the Bonferroni factor beside the lags)."""
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more (got {max_lag})")
    both = pd.concat({"a": _by_week(a), "b": _by_week(b)}, axis=1)
    if both.empty:
        grid = both
    else:
        grid = both.reindex(pd.date_range(both.index.min(), both.index.max(), freq="7D"))
    r, n, se = cross_correlations(
        grid["a"].to_numpy(dtype=float), grid["b"].to_numpy(dtype=float), max_lag, (None, None)
    )
    z_crit = critical_z(alpha, tests=(2 * max_lag + 1) * pairs)
    return pd.DataFrame(
        {
            "lag_weeks": np.arange(-max_lag, max_lag + 1),
            "correlation": r,
            "threshold": z_crit * se,
            "n_pairs": n,
        }
    )


def _check_settings(min_overlap_weeks: int, max_lag: int, alpha: float) -> None:
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more (got {max_lag})")
    if min_overlap_weeks < max_lag + 4:
        raise ValueError(
            f"min_overlap_weeks ({min_overlap_weeks}) must be at least max_lag + 4 "
            f"({max_lag + 4}) so every lag has a few weeks to correlate"
        )
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha})")


def _by_week(values: pd.Series) -> pd.Series:
    """Values indexed by the Monday nearest their period start (missing values dropped).

    Nearest, not the one before: a week dated by its Sunday (Google Trends' own exports) is
    mostly the week of the Monday after."""
    weeks = _nearest_monday(pd.Series(values.index))
    by_week = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(weeks)).dropna()
    if by_week.index.has_duplicates:
        raise ValueError("a weekly series has two periods in one week; pass one value per week")
    return by_week.sort_index()


def _nearest_monday(starts: pd.Series) -> pd.Series:
    days = pd.to_datetime(starts).dt.normalize()
    to_monday = (days.dt.weekday + 3) % 7 - 3  # Mon 0, Tue..Thu 1..3 back, Fri..Sun 3..1 on
    return days - pd.to_timedelta(to_monday, unit="D")


def _weekly_grid(signals: pd.DataFrame):
    """Key parts by series key (in key order), values (weeks x series on consecutive Mondays, NaN
    when missing) and, per series, the week index of its known level shift (None if none)."""
    columns, parts, shift_weeks = {}, {}, {}
    for s in split_series(signals):
        rows = s.history[s.history["cadence"] == "weekly"]
        cut = COMPARABLE_SINCE.get(s.source)
        if cut is not None:
            rows = rows[rows["ds"] >= pd.Timestamp(cut[0])]
        if rows.empty:
            continue
        try:
            columns[s.key] = _by_week(rows.set_index("ds")["y"])
            parts[s.key] = (s.source, s.signal, s.group_type, s.group_value)
            if s.level_shift is not None and (rows["ds"] >= s.level_shift).any():
                first_new = rows.loc[rows["ds"] >= s.level_shift, "ds"].min()
                shift_weeks[s.key] = _nearest_monday(pd.Series([first_new]))[0]
        except ValueError:
            logger.warning("relationships: %s left out, two periods fall in one week", s.key)
    if not columns:
        return {}, np.empty((0, 0)), []
    keys = sorted(columns)  # series_a < series_b compares the keys as text
    grid = pd.DataFrame({key: columns[key] for key in keys})
    weeks = pd.date_range(grid.index.min(), grid.index.max(), freq="7D")
    grid = grid.reindex(weeks)
    # The week of each series' first period on the new level (none when it is the first week).
    breaks = [
        int(weeks.get_loc(shift_weeks[key])) or None if key in shift_weeks else None for key in keys
    ]
    return {key: parts[key] for key in keys}, grid.to_numpy(dtype=float), breaks
