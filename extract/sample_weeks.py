"""What the weekly samples share: their calendar, and the relationship planted across sources.

Reddit, news and search-interest samples cover the same complete weeks, so their signals
overlap in ``marts.fct_signals`` the way real ones would. One weekly "public attention" series
moves two of them: search interest in 'mental health' follows it in the same week and
r/mentalhealth's post volume LEAD_WEEKS later. Cross-source analysis
(``ml_assets.relationships``) must find that lead at that lag, and must not report the other
generated pairs, which share nothing but the calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

WEEKS = 104
LEAD_WEEKS = 2  # search interest in 'mental health' leads r/mentalhealth posts by this much
_ATTENTION_SEED = 20_261_126


def sample_weeks(now: datetime | None = None, weeks: int = WEEKS) -> list[date]:
    """Mondays of the `weeks` complete weeks before the week of `now` (UTC), oldest first."""
    stamp = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    today = stamp.date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=k) for k in range(weeks, 0, -1)]


def attention(monday: date) -> float:
    """The shared weekly shock of the week starting `monday`: standard normal, and the same
    whatever day or window the sample is made in (seeded by the calendar week alone)."""
    rng = np.random.default_rng([_ATTENTION_SEED, monday.toordinal()])
    return float(rng.standard_normal())


def attention_led(monday: date, lag_weeks: int = LEAD_WEEKS) -> float:
    """The shock a series `lag_weeks` behind the attention series shows in this week."""
    return attention(monday - timedelta(weeks=lag_weeks))
