"""Deterministic sample data in the exact shape of the CDC export (sample mode and benchmarks).

The output is CSV text with the export's header, MM/DD/YYYY dates, text phases and quoting:
3 indicators x groups (national, 7 age bands, 2 sexes, 3 gender identities, 3 sexual
orientations, 5 race/ethnicity groups, 4 education levels, 2 disability statuses, and
``round(10 * scale)`` areas 'By State': real state names first, then 'Synthetic Area 052', ...)
x the 72 collection windows of the real survey calendar. As in the real export, every non-state
series also has a gap row for each of the 10 pauses between phases (Phase '-1', Time Period 1,
no values). Values are synthetic but plausible: a national level per indicator with a pandemic
peak in late 2020 and a decline after, relative group offsets, noise, and confidence intervals
that widen for small groups; every value is within 0-100 with low <= value <= high.

Two estimates are suppressed (empty), as the export does for small samples: 'Transgender' for
anxiety in period 65 (Quartile Range 'Estimate not reliable') and for depression in period 67.

Exactly three deliberately malformed rows exercise the quarantine on every default run. Each is
a corrupted copy of a valid row, written right after it, so the valid data stays complete:
  1. Depression, By Education 'High school diploma or GED', period 30: start date '13/45/2021';
  2. Anxiety, By Age '30 - 39 years', period 45: Value 'n/a';
  3. Anxiety or depression, By Sex 'Female', period 60: empty Subgroup.

The same (scale, seed, as_of) always gives the same text; each series draws from its own
random stream, so a series' values depend neither on the scale nor on `as_of`. The calendar is
the real survey's, which ended in September 2024, so the sample does not depend on today;
`as_of` (MINDPULSE_SAMPLE_AS_OF) ends it earlier, at the windows that ended before that day, as
the export looked then.
"""

from __future__ import annotations

import csv
import io
import zlib
from datetime import date

import numpy as np

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS, SURVEY_WINDOWS
from extract.cdc_pulse.file_source import EXPORT_COLUMNS

NATIONAL = "National Estimate"
BY_STATE = "By State"
US = "United States"

# Indicator -> national level (percent) at the calmest and at the peak of the curve below.
INDICATORS: dict[str, tuple[float, float]] = {
    "Symptoms of Depressive Disorder": (20.0, 30.0),
    "Symptoms of Anxiety Disorder": (25.0, 37.0),
    "Symptoms of Anxiety Disorder or Depressive Disorder": (30.0, 42.0),
}
# Shape of the national curve, 0 = calmest, 1 = peak, interpolated between these dates.
_CURVE = (
    ("2020-04-23", 0.55), ("2020-07-15", 0.75), ("2020-11-20", 1.0), ("2020-12-21", 1.0),
    ("2021-03-01", 0.7), ("2021-06-20", 0.2), ("2021-09-10", 0.45), ("2022-01-15", 0.5),
    ("2022-06-01", 0.35), ("2022-10-01", 0.45), ("2023-06-01", 0.25), ("2024-09-16", 0.05),
)  # fmt: skip
# Group -> (subgroup, value relative to national, share of the population). The share sets
# the width of the confidence interval: small groups get wide intervals.
GROUPS: dict[str, tuple[tuple[str, float, float], ...]] = {
    NATIONAL: ((US, 0.0, 1.0),),
    "By Age": (
        ("18 - 29 years", 0.40, 0.20), ("30 - 39 years", 0.15, 0.17),
        ("40 - 49 years", 0.05, 0.16), ("50 - 59 years", 0.0, 0.16),
        ("60 - 69 years", -0.20, 0.16), ("70 - 79 years", -0.40, 0.10),
        ("80 years and above", -0.38, 0.05),
    ),
    "By Sex": (("Male", -0.07, 0.49), ("Female", 0.07, 0.51)),
    "By Gender identity": (
        ("Cis-gender male", -0.10, 0.48), ("Cis-gender female", 0.05, 0.50),
        ("Transgender", 0.95, 0.006),
    ),
    "By Sexual orientation": (
        ("Gay or lesbian", 0.30, 0.03), ("Straight", -0.08, 0.90), ("Bisexual", 0.80, 0.04),
    ),
    "By Race/Hispanic ethnicity": (
        ("Hispanic or Latino", 0.05, 0.17), ("Non-Hispanic White, single race", -0.02, 0.60),
        ("Non-Hispanic Black, single race", 0.01, 0.12),
        ("Non-Hispanic Asian, single race", -0.18, 0.06),
        ("Non-Hispanic, other races and multiple races", 0.30, 0.04),
    ),
    "By Education": (
        ("Less than a high school diploma", 0.15, 0.08),
        ("High school diploma or GED", 0.07, 0.27),
        ("Some college/Associate's degree", 0.14, 0.30),
        ("Bachelor's degree or higher", -0.22, 0.35),
    ),
    "By Disability status": (("With disability", 0.80, 0.10), ("Without disability", -0.18, 0.90)),
}  # fmt: skip
STATE_NAMES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois",
    "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina",
    "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "West Virginia", "Wisconsin", "Wyoming",
)  # fmt: skip
_STATE_SHARE = 0.04  # state samples are small: intervals of about +-4 points
_NATIONAL_HALF_WIDTH = 0.8  # CI half-width of the national estimate, in points

# (indicator, subgroup, time period) of the suppressed estimates -> Quartile Range shown.
SUPPRESSED = {
    ("Symptoms of Anxiety Disorder", "Transgender", 65): "Estimate not reliable",
    ("Symptoms of Depressive Disorder", "Transgender", 67): "",
}
# (indicator, subgroup, time period) -> (export column, malformed text) of the bad copies.
MALFORMED = {
    ("Symptoms of Depressive Disorder", "High school diploma or GED", 30): (
        "Time Period Start Date",
        "13/45/2021",
    ),
    ("Symptoms of Anxiety Disorder", "30 - 39 years", 45): ("Value", "n/a"),
    ("Symptoms of Anxiety Disorder or Depressive Disorder", "Female", 60): ("Subgroup", ""),
}


def state_areas(scale: float) -> list[str]:
    """Names of the 'By State' areas at this scale: real names first, then synthetic ones."""
    count = max(0, round(10 * scale))
    names = list(STATE_NAMES[:count])
    names += [f"Synthetic Area {i:03d}" for i in range(len(STATE_NAMES) + 1, count + 1)]
    return names


def generate_sample_csv(scale: float = 1.0, seed: int = 20200423, as_of: date | None = None) -> str:
    """The sample export as CSV text (see the module docstring for its content)."""
    groups = dict(GROUPS)
    groups[BY_STATE] = tuple(_state_subgroups(state_areas(scale), seed))
    estimates = {
        (indicator, group, subgroup): _series(indicator, group, subgroup, rel, share, seed)
        for indicator in INDICATORS
        for group, members in groups.items()
        for subgroup, rel, share in members
    }
    quartiles = _state_quartiles(estimates)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for window in SURVEY_WINDOWS:
        if as_of is not None and window.end >= as_of:
            break  # the windows are in calendar order
        dates = [_us_date(window.start), _us_date(window.end)]
        head = [window.phase, window.time_period, window.label, *dates]
        for indicator in INDICATORS:
            for group, members in groups.items():
                if window.is_gap and group == BY_STATE:
                    continue  # the export has no gap rows for states
                for subgroup, _, _ in members:
                    state = subgroup if group == BY_STATE else US
                    key = (indicator, subgroup, window.time_period)
                    row = [indicator, group, state, subgroup, *head]
                    if window.is_gap or key in SUPPRESSED:
                        row += ["", "", "", "", SUPPRESSED.get(key, "")]
                        writer.writerow(row)
                        continue
                    low, value, high = estimates[(indicator, group, subgroup)][window.time_period]
                    quartile = quartiles.get((indicator, window.time_period, subgroup), "")
                    row += [f"{value:.1f}", f"{low:.1f}", f"{high:.1f}"]
                    row += [f"{low:.1f} - {high:.1f}", quartile]
                    writer.writerow(row)
                    if key in MALFORMED:
                        writer.writerow(_corrupt(row, *MALFORMED[key]))
    return out.getvalue()


def _state_subgroups(names: list[str], seed: int):
    for name in names:
        offset = _rng(seed, "state", name).normal(0.0, 0.10)
        yield name, float(offset), _STATE_SHARE


def _rng(seed: int, *key: str) -> np.random.Generator:
    """A random stream of its own for each key, stable across runs, platforms and scales."""
    return np.random.default_rng([seed, zlib.crc32("|".join(key).encode("utf-8"))])


def _national_curve(indicator: str) -> np.ndarray:
    calm, peak = INDICATORS[indicator]
    days = np.array([w.start.toordinal() for w in COLLECTION_WINDOWS], dtype=float)
    anchor_days = [date.fromisoformat(day).toordinal() for day, _ in _CURVE]
    shape = np.interp(days, anchor_days, [level for _, level in _CURVE])
    return calm + (peak - calm) * shape


def _series(
    indicator: str, group: str, subgroup: str, rel: float, share: float, seed: int
) -> dict[int, tuple[float, float, float]]:
    """Time period -> (low CI, value, high CI), rounded to one decimal like the export."""
    rng = _rng(seed, indicator, group, subgroup)
    half = min(_NATIONAL_HALF_WIDTH / np.sqrt(share), 15.0)
    n = len(COLLECTION_WINDOWS)
    noise = rng.normal(0.0, half / 2.5, n) + rng.normal(0.0, 0.3, n)
    value = np.clip(_national_curve(indicator) * (1.0 + rel) + noise, 1.0, 97.0).round(1)
    spread = half * rng.uniform(0.85, 1.15, n)  # intervals are not all the same width
    low = np.clip(value - spread, 0.0, 100.0).round(1)
    high = np.clip(value + spread, 0.0, 100.0).round(1)
    periods = [w.time_period for w in COLLECTION_WINDOWS]
    return {
        p: (float(lo), float(v), float(hi))
        for p, lo, v, hi in zip(periods, low, value, high, strict=True)
    }


def _state_quartiles(estimates: dict) -> dict[tuple[str, int, str], str]:
    """(indicator, period, state) -> the quartile bin of that state's value among all states.

    Like the export, bins are written '16.5 - 20.7' in the first two periods and '16.6-19.4'
    after that.
    """
    bins: dict[tuple[str, int, str], str] = {}
    for indicator in INDICATORS:
        states = [(k[2], v) for k, v in estimates.items() if k[0] == indicator and k[1] == BY_STATE]
        for window in COLLECTION_WINDOWS:
            period = window.time_period
            ranked = sorted(states, key=lambda item: item[1][period][1])
            separator = " - " if period <= 2 else "-"
            for quarter in np.array_split(np.arange(len(ranked)), 4):
                if len(quarter) == 0:
                    continue
                values = [ranked[i][1][period][1] for i in quarter]
                label = f"{min(values):.1f}{separator}{max(values):.1f}"
                for i in quarter:
                    bins[(indicator, period, ranked[i][0])] = label
    return bins


def _corrupt(row: list, column: str, text: str) -> list:
    bad = list(row)
    bad[EXPORT_COLUMNS.index(column)] = text
    return bad


def _us_date(day: date) -> str:
    return day.strftime("%m/%d/%Y")
