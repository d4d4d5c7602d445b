"""Periods where a signal departs from its own recent level (a robust baseline).

For every series of ``marts.fct_signals`` (any cadence), each period with at least
``min_history`` earlier periods is compared with the median of the previous ``window`` values.
The spread is the scaled median absolute deviation of those values (1.4826 * MAD estimates the
standard deviation of normal data, and one odd week barely moves it), floored so that a flat
series does not flag every small wiggle: at least 2.5% of the baseline and at least the
resolution the series is published at (1 for counts and whole-number indices, 0.1 for percents
given to one decimal). A period is flagged when its robust z, (value - baseline) / spread, is
beyond ``threshold``.

Known level shifts and comparability cuts are not anomalies: the Household Pulse redesign
(``series.LEVEL_SHIFTS``) and its question change (``series.COMPARABLE_SINCE``) moved every
estimate at once for a known reason. A baseline window never reaches back across such a date:
the new level's first ``min_history`` periods are not judged at all, and later ones only
against the new level (with window 12, until the window holds only the new level, it holds
fewer values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ml_assets.series import COMPARABLE_SINCE, LEVEL_SHIFTS, Series, split_series

__all__ = [
    "ANOMALY_COLUMNS",
    "ANOMALY_TABLES",
    "SIGNAL_ANOMALIES",
    "find_anomalies",
    "newest_anomalies",
]

SIGNAL_ANOMALIES = "signal_anomalies"
METHOD = "robust_baseline"
MAD_TO_SD = 1.4826  # 1.4826 * MAD = the standard deviation, for normally distributed values
RELATIVE_FLOOR = 0.025  # the spread is at least 2.5% of the baseline

ANOMALY_COLUMNS: dict[str, str] = {
    "series_key": "VARCHAR",
    "source": "VARCHAR",
    "signal": "VARCHAR",
    "group_type": "VARCHAR",
    "group_value": "VARCHAR",
    "period_start": "DATE",
    "value": "DOUBLE",
    "expected": "DOUBLE",  # the baseline: median of the previous `window` values
    "lower": "DOUBLE",  # expected -/+ threshold * spread: the band the value left
    "upper": "DOUBLE",
    "robust_z": "DOUBLE",
    "direction": "VARCHAR",  # 'above' | 'below'
    "method": "VARCHAR",  # 'robust_baseline'
    "is_newest": "BOOLEAN",  # the period is the series' newest
    "run_id": "VARCHAR",
}
ANOMALY_TABLES: dict[str, dict[str, str]] = {SIGNAL_ANOMALIES: ANOMALY_COLUMNS}


def find_anomalies(
    signals: pd.DataFrame,
    *,
    window: int = 12,
    min_history: int = 8,
    threshold: float = 3.5,
    run_id: str = "",
) -> pd.DataFrame:
    """The flagged periods of every series (rows of marts.fct_signals), oldest first per series."""
    if not 3 <= min_history <= window:
        raise ValueError(
            f"need 3 <= min_history <= window (got min_history={min_history}, window={window}): "
            "a median of fewer than 3 values is no baseline"
        )
    if not threshold > 0:
        raise ValueError(f"threshold must be positive (got {threshold})")
    frames = [
        _series_anomalies(s, window=window, min_history=min_history, threshold=threshold)
        for s in split_series(signals)
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(ANOMALY_COLUMNS))
    flagged = pd.concat(frames, ignore_index=True).assign(method=METHOD, run_id=run_id)
    return flagged[list(ANOMALY_COLUMNS)]


def newest_anomalies(anomalies: pd.DataFrame) -> pd.DataFrame:
    """The flagged periods that are their series' newest: what is unusual right now."""
    return anomalies[anomalies["is_newest"].astype(bool)].reset_index(drop=True)


def _series_anomalies(s: Series, *, window: int, min_history: int, threshold: float):
    newest = s.history["ds"].max()
    observed = s.history.dropna(subset=["y"]).reset_index(drop=True)
    y = observed["y"].to_numpy(dtype=float)
    ds = observed["ds"].to_numpy(dtype="datetime64[ns]")
    # Each period is compared only with earlier periods on its own side of every known break.
    level = np.zeros(len(y), dtype=int)
    for cut in _known_breaks(s.source):
        level += ds >= cut
    padded = np.concatenate([np.full(window, np.nan), y])
    padded_level = np.concatenate([np.full(window, -1), level])
    previous = sliding_window_view(padded, window)[: len(y)]  # row t: the values before t
    same_level = sliding_window_view(padded_level, window)[: len(y)] == level[:, None]
    previous = np.where(same_level, previous, np.nan)
    evaluated = np.flatnonzero((~np.isnan(previous)).sum(axis=1) >= min_history)
    if len(evaluated) == 0:
        return pd.DataFrame()
    previous = previous[evaluated]
    baseline = np.nanmedian(previous, axis=1)
    mad = np.nanmedian(np.abs(previous - baseline[:, None]), axis=1)
    floor = np.maximum(RELATIVE_FLOOR * np.abs(baseline), max(1e-9, resolution(y)))
    spread = np.maximum(MAD_TO_SD * mad, floor)
    z = (y[evaluated] - baseline) / spread
    flag = np.abs(z) > threshold
    rows = evaluated[flag]
    return pd.DataFrame(
        {
            "series_key": s.key,
            "source": s.source,
            "signal": s.signal,
            "group_type": s.group_type,
            "group_value": s.group_value,
            "period_start": ds[rows],
            "value": y[rows],
            "expected": baseline[flag],
            "lower": baseline[flag] - threshold * spread[flag],
            "upper": baseline[flag] + threshold * spread[flag],
            "robust_z": z[flag],
            "direction": np.where(z[flag] > 0, "above", "below"),
            "is_newest": ds[rows] == newest.to_datetime64(),
        }
    )


def resolution(values: np.ndarray) -> float:
    """The step the values are published in: 1 for whole numbers, 0.1 for one decimal, ...;
    0 when they have more than six decimals (a computed value, no published step)."""
    finite = values[np.isfinite(values)]
    for decimals in range(7):
        scaled = finite * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return 10.0**-decimals
    return 0.0


def _known_breaks(source: str) -> list[np.datetime64]:
    """Dates from which the source's values are known to sit at another level."""
    return [
        np.datetime64(pd.Timestamp(cuts[source][0]), "ns")
        for cuts in (LEVEL_SHIFTS, COMPARABLE_SINCE)
        if source in cuts
    ]
