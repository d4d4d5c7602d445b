"""How Google Trends writes its cells: interest values, partial flags and dates.

Shared by the reader (which needs numbers and dates to find request windows before landing)
and validation (which turns the landed text into typed rows), so both read a cell alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Google writes '<1' for a value above 0 that rounds below 1 on the request's 0..100 scale.
# It stands for the interval (0, 1); its midpoint 0.5 is the least biased single value: it
# keeps a series' order (above every 0, below every 1) and keeps sums and means honest,
# where 0 would undercount and 1 overcount every such week. `below_one` keeps the fact.
BELOW_ONE = "<1"
BELOW_ONE_VALUE = 0.5

_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n", ""})
# Date forms seen in exports: Google's own (ISO day, 'YYYY-MM' for monthly rows), what pandas
# writes for a pytrends index (with a midnight time, or an hour for hourly data), and a
# spreadsheet's US re-save.
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y")


def _stripped(cells: pd.Series) -> pd.Series:
    return cells.astype("string").str.strip()


def parse_interest(cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(value, below_one, bad) of interest cells: value float (NaN when blank or bad),
    below_one where the cell was '<1', bad where it was neither blank, '<1' nor a number
    from 0 to 100."""
    text = _stripped(cells)
    blank = text.isna() | (text == "")
    below_one = (text == BELOW_ONE).fillna(False).astype(bool)
    number = pd.to_numeric(text.mask(blank | below_one), errors="coerce").astype(float)
    in_range = number.between(0, 100)  # NaN and infinities are outside
    value = number.where(in_range)
    value[below_one] = BELOW_ONE_VALUE
    bad = ~blank & ~below_one & ~in_range
    return value, below_one, bad.astype(bool)


def parse_partial(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(is_partial, bad) of isPartial cells: 'True', 'false', '1', blank (false) ..."""
    text = _stripped(cells).fillna("").str.lower()
    is_true = text.isin(_TRUE)
    return is_true.astype(bool), ~(is_true | text.isin(_FALSE))


def parse_published_dates(cells: pd.Series) -> pd.Series:
    """Timestamps of date cells in the forms exports use; NaT where none fits."""
    text = _stripped(cells)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return parsed


def parse_iso_dates(cells: pd.Series) -> pd.Series:
    """Timestamps of landed 'YYYY-MM-DD' dates; NaT for anything else."""
    return pd.to_datetime(_stripped(cells), format="%Y-%m-%d", errors="coerce")


def granularity_of(dates: pd.Series) -> str | None:
    """'daily', 'weekly' or 'monthly' from the median spacing of the distinct dates; None when
    it is none of them (hourly data, a single date, odd spacing)."""
    distinct = np.sort(dates.dropna().unique())
    if len(distinct) < 2:
        return None
    days = np.median(np.diff(distinct) / np.timedelta64(1, "D"))
    if days == 1:
        return "daily"
    if 6 <= days <= 8:
        return "weekly"
    if 28 <= days <= 31:
        return "monthly"
    return None
