"""Turn ``marts.fct_signals`` rows into series, and the rules that keep their periods comparable.

Survey periods are irregular: the Household Pulse Survey moved from weekly windows to two-week
windows, then to two-week windows every four weeks, then to four-week windows. So a series has no
fixed frequency; future steps are derived from the spacing of its latest periods instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

SIGNAL_COLUMNS = (
    "signal", "source", "cadence", "group_type", "group_value",
    "period_start", "period_end", "value", "unit",
)  # fmt: skip
KEY_COLUMNS = ("source", "signal", "group_type", "group_value")

# The Pulse questions (PHQ-2 / GAD-2) asked about the "last 7 days" until Phase 3.1 and about the
# "last 2 weeks" from Phase 3.2, whose first window starts 2021-07-21. Values before and after that
# change measure different things, so models for this source only see periods starting on or
# after it. Earlier periods stay in the history rows, unmodelled.
COMPARABLE_SINCE: dict[str, tuple[date, str]] = {
    "cdc_pulse": (date(2021, 7, 21), "the Phase 3.2 question change"),
}

# Known level shifts inside the modelling window: first period of the new level, and its cause.
# In the real export every national estimate fell at once between the last Phase 3.10 period
# (2023-10-18) and the first Phase 4.0 period (2024-01-09): anxiety 29.5 -> 17.0, depression
# 22.8 -> 13.4, while consecutive periods since 2021-07-21 never moved more than 4.7 points.
# Phase 4.0 redesigned the survey (four-week collection windows from then on). A trend model that
# sees this step extrapolates it as a steep decline, so the model gets a 0/1 level regressor.
LEVEL_SHIFTS: dict[str, tuple[date, str]] = {
    "cdc_pulse": (date(2024, 1, 9), "the Phase 4.0 redesign"),
}

# The Household Pulse Survey's last collection window closed on 2024-09-16 and the survey was not
# continued, so every future period of this source is a projection, never a period to come.
SOURCE_ENDED: dict[str, date] = {"cdc_pulse": date(2024, 9, 16)}

# Future steps: median spacing of the last STEP_WINDOW period starts (5 gaps), so one odd gap
# does not set the step, and the latest cadence does (28 days in Pulse Phase 4).
STEP_WINDOW = 6

_CADENCE_WORDS = {"weekly": "weekly", "biweekly": "two-weekly", "four_weekly": "four-weekly"}


@dataclass(frozen=True, eq=False)
class Series:
    """One series: its key parts and all its periods (ds, y, cadence), oldest first."""

    source: str
    signal: str
    group_type: str
    group_value: str
    unit: str
    history: pd.DataFrame

    @property
    def key(self) -> str:
        return series_key(self.source, self.signal, self.group_type, self.group_value)

    @property
    def window_start(self) -> date | None:
        return modelling_start(self.source)

    @property
    def level_shift(self) -> pd.Timestamp | None:
        shift = LEVEL_SHIFTS.get(self.source)
        return pd.Timestamp(shift[0]) if shift else None

    def modelling_frame(self) -> pd.DataFrame:
        """The periods the model may see: all of them, or those after the comparability cut."""
        start = self.window_start
        if start is None:
            return self.history.reset_index(drop=True)
        return self.history[self.history["ds"] >= pd.Timestamp(start)].reset_index(drop=True)


def spans_level_shift(ds: pd.Series, shift_at: pd.Timestamp | None) -> bool:
    """True when there are periods both before and on/after the shift (so its size is estimable)."""
    if shift_at is None:
        return False
    return bool((ds < shift_at).any() and (ds >= shift_at).any())


def series_key(source: str, signal: str, group_type: str, group_value: str) -> str:
    return f"{source}|{signal}|{group_type}|{group_value}"


def modelling_start(source: str) -> date | None:
    cut = COMPARABLE_SINCE.get(source)
    return cut[0] if cut else None


def split_series(signals: pd.DataFrame) -> list[Series]:
    """One Series per (source, signal, group_type, group_value), in key order (deterministic)."""
    missing = [c for c in SIGNAL_COLUMNS if c not in signals.columns]
    if missing:
        raise ValueError(
            f"signals lacks column(s) {missing}; pass rows of marts.fct_signals "
            f"(columns {list(SIGNAL_COLUMNS)})"
        )
    frame = signals.assign(ds=pd.to_datetime(signals["period_start"]).astype("datetime64[ns]"))
    duplicated = frame.duplicated([*KEY_COLUMNS, "ds"])
    if duplicated.any():
        example = frame.loc[duplicated, [*KEY_COLUMNS, "ds"]].iloc[0].tolist()
        raise ValueError(
            f"{int(duplicated.sum())} duplicate period(s) in signals, e.g. {example}; "
            "fct_signals must be unique on (source, signal, group_type, group_value, period_start)"
        )
    result = []
    for key, rows in frame.sort_values([*KEY_COLUMNS, "ds"]).groupby(list(KEY_COLUMNS), sort=True):
        history = pd.DataFrame(
            {
                "ds": rows["ds"].to_numpy(),
                "y": rows["value"].astype("float64").to_numpy(),
                "cadence": rows["cadence"].astype(str).to_numpy(),
            }
        )
        result.append(Series(*(str(k) for k in key), str(rows["unit"].iloc[0]), history))
    return result


_DAY = np.timedelta64(1, "D")


def step_days(ds: pd.Series) -> int:
    """Median spacing in days of the last STEP_WINDOW period starts (rounded to whole days).

    In numpy: the backtest asks this of every training window it plans, where pandas' own
    overhead was a tenth of the whole forecast step."""
    starts = np.asarray(pd.Series(ds), dtype="datetime64[ns]")
    recent = np.sort(starts[~np.isnat(starts)])[-STEP_WINDOW:]
    gaps = np.diff(recent) // _DAY  # whole days, as Timedelta.days counts them
    if len(gaps) == 0:
        raise ValueError("need at least 2 periods to derive a step between periods")
    return max(1, int(round(float(np.median(gaps)))))


def horizon_periods(horizon_days: int, step: int) -> int:
    """Future periods that cover horizon_days: ceil(horizon / step); 90 days at 28 days -> 4."""
    if horizon_days <= 0 or step <= 0:
        raise ValueError(f"horizon_days ({horizon_days}) and step ({step}) must be positive")
    return math.ceil(horizon_days / step)


def future_dates(last_ds: pd.Timestamp, step: int, periods: int) -> list[pd.Timestamp]:
    """last_ds + k * step days for k = 1..periods."""
    return [pd.Timestamp(last_ds) + pd.Timedelta(days=step * k) for k in range(1, periods + 1)]


def eligible_series(signals: pd.DataFrame, min_obs: int) -> pd.DataFrame:
    """One row per series: its periods, its modelling-window periods, and whether it is forecast.

    The forecast wrapper reports this table (skipped series and why) next to the forecasts.
    """
    if min_obs < 3:
        raise ValueError(f"min_obs must be at least 3 (got {min_obs}): a fit needs a trend")
    rows = []
    for s in split_series(signals):
        n_model = len(s.modelling_frame())
        since = f" since {s.window_start.isoformat()}" if s.window_start else ""
        ok = n_model >= min_obs
        reason = "ok" if ok else f"only {n_model} period(s){since}; need {min_obs}"
        rows.append((s.key, s.source, s.signal, s.group_type, s.group_value, len(s.history),
                     n_model, ok, reason))  # fmt: skip
    columns = ["series_key", *KEY_COLUMNS, "n_obs", "n_model_obs", "eligible", "reason"]
    return pd.DataFrame(rows, columns=columns)


def cadence_note(s: Series, *, n_model: int, step: int, periods: int, interval_width: float) -> str:
    """Plain-words note shown next to the forecast: cadence, window, step, interval, survey end."""
    # The cadences in time order, each run of equal cadences said once.
    cadence = s.history["cadence"]
    words = [_CADENCE_WORDS.get(c, c) for c in cadence[cadence.ne(cadence.shift())]]
    periods_text = (
        f"Periods are irregular ({' → '.join(words)})"
        if len(words) > 1
        else f"Periods are {words[0]}"
    )
    cut = COMPARABLE_SINCE.get(s.source)
    since = f" since {cut[1]} ({cut[0].isoformat()})" if cut else ""
    parts = [
        periods_text,
        f"model fitted on {n_model} periods{since}",
        f"steps of {step} days (median spacing of the last {STEP_WINDOW} periods), "
        f"{periods} future periods",
        f"{round(interval_width * 100)}% intervals",
    ]
    shift = LEVEL_SHIFTS.get(s.source)
    if shift and spans_level_shift(s.modelling_frame()["ds"], pd.Timestamp(shift[0])):
        parts.append(
            f"a level shift is modelled from {shift[0].isoformat()} ({shift[1]}), "
            "where all estimates dropped at once"
        )
    ended = SOURCE_ENDED.get(s.source)
    if ended is not None:
        parts.append(
            f"the survey ended on {ended.isoformat()}, "
            "so these are projections for periods that were never surveyed"
        )
    else:
        parts.append(
            f"forecasts start after the last observed period ({s.history['ds'].max():%Y-%m-%d})"
        )
    return "; ".join(parts) + "."
