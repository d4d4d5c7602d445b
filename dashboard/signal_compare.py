"""What the Compare signals page shows, worked out from the stored rows (no Streamlit here).

Readable names for any series of marts.fct_signals, the default pair, the orientation of a
stored pair (ml.signal_relationships keeps each pair once, series_a < series_b, and its lag
says how many weeks series_a moves before series_b; the reader may pick the two in either
order), the lag in words, why a pair has no lag profile, and the z-scores of the overlay chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard.labels import (
    community_label,
    group_type_label,
    reddit_signal_label,
    signal_label,
)

SOURCE_LABELS = {
    "cdc_pulse": "Household Pulse Survey",
    "reddit": "Reddit",
    "news": "News coverage",
    "google_trends": "Search interest",
}
NEWS_SIGNAL_LABELS = {"articles_per_week": "Articles per week"}
OUTLET_TYPE_LABELS = {
    "general_news": "general news outlets",
    "health_science": "health and science outlets",
    "business_technology": "business and technology outlets",
    "local_news": "local news outlets",
    "other": "other outlets",
}
NOT_MEASURED = "not measurable: a signal does not vary"


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source.replace("_", " ").capitalize())


def _signal_words(source: str, signal: str) -> str:
    if source == "reddit":
        return reddit_signal_label(signal)
    if source == "news":
        return NEWS_SIGNAL_LABELS.get(signal, signal.replace("_", " ").capitalize())
    if source == "google_trends":
        return f"“{signal}”"  # the signal is the search term itself
    return signal_label(signal)


def _group_words(group_type: str, group_value: str) -> str:
    if group_type in ("national", "place", "all"):
        return group_value
    if group_type == "subreddit":
        return community_label(group_value)
    if group_type == "outlet_type":
        return OUTLET_TYPE_LABELS.get(group_value, f"{group_value.replace('_', ' ')} outlets")
    return f"{group_type_label(group_type)}: {group_value}"


def series_label(source: str, signal: str, group_type: str, group_value: str) -> str:
    """'Reddit: Posts per week — r/mentalhealth', 'Search interest: “anxiety” — US-CA'."""
    return (
        f"{source_label(source)}: {_signal_words(source, signal)} — "
        f"{_group_words(group_type, group_value)}"
    )


def catalog_labels(catalog: pd.DataFrame) -> dict[str, str]:
    """series_key -> readable label for every series of the catalog (series_catalog)."""
    return {
        row.series_key: series_label(row.source, row.signal, row.group_type, row.group_value)
        for row in catalog.itertuples()
    }


def default_pair(catalog: pd.DataFrame, strongest: pd.DataFrame) -> tuple[str, str] | None:
    """The strongest significant relationship's pair if there is one (as stored), else the
    first two weekly series of different sources, else the first two series; None when the
    catalog holds fewer than two series."""
    keys = list(catalog["series_key"])
    significant = strongest[strongest["significant"].fillna(False).astype(bool)]
    for row in significant.itertuples():
        if row.series_a in keys and row.series_b in keys:
            return row.series_a, row.series_b
    weekly = catalog[catalog["weekly"]]
    for first in weekly.itertuples():
        other = weekly[weekly["source"] != first.source]
        if not other.empty:
            return first.series_key, other.iloc[0]["series_key"]
    return (keys[0], keys[1]) if len(keys) >= 2 else None


@dataclass(frozen=True)
class Orientation:
    """A pair as picked (first, second) and as stored (series_a < series_b)."""

    first: str
    second: str

    @property
    def flipped(self) -> bool:
        return self.first > self.second

    @property
    def stored(self) -> tuple[str, str]:
        return (self.second, self.first) if self.flipped else (self.first, self.second)

    def shown_lag(self, stored_lag: int) -> int:
        """A stored lag (weeks series_a moves before series_b) as weeks the first signal
        picked moves before the second."""
        return -stored_lag if self.flipped else stored_lag


def weeks_words(weeks: int) -> str:
    return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"


def timing_words(lag: int) -> str:
    """How a series with lag ``lag`` >= 0 relates to the next one, in words."""
    return "moves in the same week as" if lag == 0 else f"moves {weeks_words(lag)} before"


def lag_sentence(lag: int, first: str, second: str) -> str:
    """'<first> moves 2 weeks before <second>' for a lag in the picked orientation."""
    if lag < 0:
        return f"{second} {timing_words(-lag)} {first}"
    return f"{first} {timing_words(lag)} {second}"


def together_words(correlation: float) -> str:
    return "rise and fall together" if correlation >= 0 else "move in opposite directions"


def relationships_table(strongest: pd.DataFrame) -> pd.DataFrame:
    """The strongest pairs for display, each row read left to right: the signal that moves
    first, when, the other signal (a pair at lag 0 keeps its stored order)."""
    rows = []
    for row in strongest.itertuples():
        a = series_label(row.source_a, row.signal_a, row.group_type_a, row.group_value_a)
        b = series_label(row.source_b, row.signal_b, row.group_type_b, row.group_value_b)
        lag = int(row.best_lag_weeks)
        leader, follower = (b, a) if lag < 0 else (a, b)
        measured = not pd.isna(row.correlation)
        rows.append(
            {
                "Signal": leader,
                "Timing": timing_words(abs(lag)) if measured else "—",
                "Compared with": follower,
                "How they move": together_words(row.correlation) if measured else NOT_MEASURED,
                # A missing correlation stays missing (an empty cell), never 0.
                "Correlation": round(float(row.correlation), 2) if measured else None,
                "Needed (±)": round(float(row.threshold), 2),
                "Weeks in common": int(row.n_overlap),
                "Significant": "yes" if bool(row.significant) else "no",
            }
        )
    return pd.DataFrame(rows)


def common_weeks(first: pd.DataFrame, second: pd.DataFrame) -> int:
    """Periods both series have (by period start)."""
    return len(set(first["period_start"]) & set(second["period_start"]))


def why_no_profile(
    first: pd.Series,
    second: pd.Series,
    labels: dict[str, str],
    *,
    shared_weeks: int,
    fewest_stored_weeks: int,
) -> str:
    """Why the lag analysis stored nothing for this pair (two series_catalog rows), given the
    weeks they share and the fewest weeks any stored pair shares (0 when none is stored)."""
    if first["series_key"] == second["series_key"]:
        return "Pick two different signals to see how they move in time."
    if first["source"] == second["source"]:
        return (
            f"Both signals come from {source_label(first['source'])}. The lag analysis only "
            "compares signals of different sources: two series of one source share how it is "
            "collected, which alone would make them look related."
        )
    not_weekly = [row for row in (first, second) if not row["weekly"]]
    if not_weekly:
        names = " and ".join(labels[row["series_key"]] for row in not_weekly)
        verb = "is not a weekly series" if len(not_weekly) == 1 else "are not weekly series"
        return (
            f"{names} {verb}, and the lag analysis compares weekly series only (its periods "
            "must line up week by week to be shifted against each other)."
        )
    if shared_weeks == 0:
        return "These two signals have no week in common, so they cannot be compared in time."
    if fewest_stored_weeks and shared_weeks < fewest_stored_weeks:
        return (
            f"These two signals share only {weeks_words(shared_weeks)}, too few for a "
            f"trustworthy correlation: the pairs the analysis kept share at least "
            f"{weeks_words(fewest_stored_weeks)}."
        )
    return (
        f"No lag profile is stored for this pair although they share "
        f"{weeks_words(shared_weeks)}: the analysis may have run before one of them was "
        "published. It runs again with the next pipeline run."
    )


def shown_span(
    first: pd.DataFrame, second: pd.DataFrame
) -> tuple[pd.Timestamp, pd.Timestamp, bool]:
    """The period starts the overlay shows: where both series have data, or both whole
    spans when they do not overlap (the flag says which)."""
    start = max(first["period_start"].min(), second["period_start"].min())
    end = min(first["period_start"].max(), second["period_start"].max())
    if start <= end:
        return start, end, True
    return (
        min(first["period_start"].min(), second["period_start"].min()),
        max(first["period_start"].max(), second["period_start"].max()),
        False,
    )


def zscored(series: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The series' periods in [start, end] with column z: (value - mean) / standard deviation
    over those periods. A series that does not change there gets no z (NaN), not 0."""
    shown = series[series["period_start"].between(start, end)].copy()
    values = shown["value"].astype(float)
    spread = values.std(ddof=0)
    if len(values) == 0 or not spread or math.isnan(spread):
        shown["z"] = float("nan")
    else:
        shown["z"] = (values - values.mean()) / spread
    return shown.reset_index(drop=True)


def anomaly_words(row: pd.Series) -> str:
    """'above the expected range (expected 420, range 401–436)' for one ml.signal_anomalies row."""
    where = "above" if row["direction"] == "above" else "below"
    return (
        f"{where} the expected range (expected {row['expected']:,.1f}, "
        f"range {row['lower']:,.1f}–{row['upper']:,.1f})"
    )
