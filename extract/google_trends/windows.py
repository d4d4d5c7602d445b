"""Request windows of a stitched series: where they border, and how to put them on one scale.

Google scales every request to its own 0..100, so a long daily series fetched in several
request windows (Google gives daily values for at most about nine months per request) jumps
at each window border. Per series (term, place, granularity), a border is:

- sure, where a date comes again (overlapping windows concatenated) or the series goes on in
  another file (each file is its own request);
- found, in a daily series, where the level shifts as only a new scale makes it shift: the
  median of the SPAN days after a day differs from the median of the SPAN days before by a
  factor of at least MIN_FACTOR, and that log-ratio is an outlier among the series' own
  log-ratios (robust z above MIN_Z: distance from their median over 1.4826 x their median
  absolute deviation), AND every window the borders cut the series into reaches 100 (each
  request was scaled to peak at 100). The last condition is what tells a new window from a
  real sudden change: a series that jumps and peaks after the jump has no 100 before it.
  The border is placed on the day within the outlier run where the mean log level shifts most.

Windows are numbered 0..k in date order, and each is chain-linked to the one before by the
ratio of the previous window's values to its own across the border: the medians on the dates
both hold when they overlap, else the medians of the previous window's last SPAN values and its
own first SPAN. The factors multiply up, so interest * window_link_factor is on window 0's scale
and continuous. A border that cannot be linked (a median of 0) keeps factor 1 and is reported.
Where windows overlap, the later window's row of each date is kept and the earlier one dropped
(the same day seen twice; ``Stitched.duplicates_dropped`` counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from extract.google_trends import values

SPAN = 7  # days on each side of a border: a whole week, so weekdays and weekends balance
MIN_FACTOR = 1.5
MIN_Z = 4.0
MIN_SCALE = 0.02  # floor of the robust spread of log-ratios (a series of equal values has 0)
PEAK = 100.0
_SERIES = ["term", "place", "granularity"]


@dataclass
class Stitched:
    records: pd.DataFrame  # the records kept, window_index and window_link_factor filled in
    duplicates_dropped: int
    unlinked_borders: list[dict] = field(default_factory=list)


@dataclass
class _Window:
    positions: np.ndarray  # record positions, in date order
    overlaps_previous: bool


def stitch(records: pd.DataFrame) -> Stitched:
    """The records with their windows, duplicates of overlapping windows dropped."""
    records = records.reset_index(drop=True)
    count = len(records)
    days = values.parse_iso_dates(records["period_date"]).to_numpy("datetime64[D]")
    interest = values.parse_interest(records["interest"])[0].to_numpy(float)
    window_index = np.zeros(count, dtype=int)
    link_factor = np.ones(count)
    keep = np.ones(count, dtype=bool)
    unlinked: list[dict] = []
    usable = ~np.isnat(days) & records[_SERIES].notna().all(axis=1).to_numpy()
    usable &= records["_problem"].isna().to_numpy()
    series = records[usable].groupby(_SERIES, sort=False, dropna=False).indices
    positions_of_usable = np.flatnonzero(usable)
    file_names = records["file_name"].to_numpy(object)
    for (term, place, granularity), local in series.items():
        positions = positions_of_usable[local]  # payload order
        windows = _sure_windows(positions, days, file_names)
        if granularity == "daily":
            windows = [part for window in windows for part in _split_daily(window, interest)]
        factor = 1.0
        last_window_of_day: dict[np.datetime64, int] = {}
        for index, window in enumerate(windows):
            if index:
                step = _step(windows[index - 1], window, days, interest)
                if step is None:
                    unlinked.append(
                        {
                            "term": term,
                            "place": place,
                            "border_date": str(days[window.positions[0]]),
                        }
                    )
                factor *= step or 1.0
            window_index[window.positions] = index
            link_factor[window.positions] = factor
            for day in days[window.positions]:
                last_window_of_day[day] = index
        latest = np.array([last_window_of_day[day] for day in days[positions]])
        keep[positions[latest > window_index[positions]]] = False
    stitched = records.assign(
        window_index=[str(i) for i in window_index],
        window_link_factor=[repr(float(f)) for f in link_factor],
    )
    kept = stitched[keep].reset_index(drop=True)
    return Stitched(kept, int((~keep).sum()), unlinked)


def _sure_windows(positions: np.ndarray, days: np.ndarray, file_names: np.ndarray):
    """Windows split where a date comes again or the file changes, in date order."""
    series_days, series_files = days[positions], file_names[positions]
    breaks = np.flatnonzero(
        (series_days[1:] <= series_days[:-1]) | (series_files[1:] != series_files[:-1])
    )
    runs = np.split(np.arange(len(positions)), breaks + 1)
    runs.sort(key=lambda run: series_days[run[0]])  # stable: equal starts keep file order
    windows: list[list[np.ndarray]] = []
    overlaps: list[bool] = []
    last_day = None
    for run in runs:
        first = series_days[run[0]]
        same_file = windows and series_files[windows[-1][-1][0]] == series_files[run[0]]
        if windows and same_file and first > last_day:
            windows[-1].append(run)  # the same file's rows out of order: one request
        else:
            overlaps.append(bool(windows) and first <= last_day)
            windows.append([run])
        last_day = series_days[run[-1]] if last_day is None else max(last_day, series_days[run[-1]])
    result = []
    for runs_of_window, overlapping in zip(windows, overlaps, strict=True):
        local = np.concatenate(runs_of_window)
        local = local[np.argsort(series_days[local], kind="stable")]
        result.append(_Window(positions[local], overlapping))
    return result


def _split_daily(window: _Window, interest: np.ndarray) -> list[_Window]:
    borders = level_shift_borders(interest[window.positions])
    cuts = np.split(window.positions, borders)
    return [_Window(part, window.overlaps_previous and i == 0) for i, part in enumerate(cuts)]


def level_shift_borders(series: np.ndarray) -> list[int]:
    """Positions in a daily series (date order, NaN where missing) where a new request window
    starts, by the rule in the module docstring."""
    count = len(series)
    if count < 2 * SPAN:
        return []
    blocks = sliding_window_view(series, SPAN)  # blocks[i]: days i .. i + SPAN - 1
    enough = np.isfinite(blocks).sum(axis=1) >= SPAN // 2 + 1
    with np.errstate(all="ignore"):
        medians = np.where(
            enough, np.nanmedian(np.where(enough[:, None], blocks, 0), axis=1), np.nan
        )
        log_means = np.nanmean(np.log1p(np.where(enough[:, None], blocks, 0)), axis=1)
    at = np.arange(SPAN, count - SPAN + 1)  # a window may start at `at`
    ratio = np.log1p(medians[at]) - np.log1p(medians[at - SPAN])  # log((after+1)/(before+1))
    shift = np.abs(log_means[at] - log_means[at - SPAN])
    center = np.nanmedian(ratio)
    spread = max(1.4826 * np.nanmedian(np.abs(ratio - center)), MIN_SCALE)
    with np.errstate(invalid="ignore"):
        outlier = (np.abs(ratio - center) / spread > MIN_Z) & (np.abs(ratio) >= np.log(MIN_FACTOR))
    flagged = np.flatnonzero(outlier)
    candidates = []  # (strength, position): the day of the strongest shift of each outlier run
    for run in np.split(flagged, np.flatnonzero(np.diff(flagged) > 1) + 1):
        if len(run):
            best = run[np.argmax(shift[run])]
            candidates.append((abs(ratio[best]), int(at[best])))
    peaks = np.flatnonzero(series >= PEAK)
    accepted: list[int] = []
    for _, position in sorted(candidates, reverse=True):
        if any(abs(position - other) < SPAN for other in accepted):
            continue
        cuts = [0, *sorted([*accepted, position]), count]
        if all(((peaks >= a) & (peaks < b)).any() for a, b in zip(cuts, cuts[1:], strict=False)):
            accepted.append(position)
    return sorted(accepted)


def _step(previous: _Window, window: _Window, days: np.ndarray, interest: np.ndarray):
    """The factor that puts `window` on the scale of `previous`; None when it cannot be told."""
    if window.overlaps_previous:
        earlier = pd.Series(interest[previous.positions], index=days[previous.positions])
        later = pd.Series(interest[window.positions], index=days[window.positions])
        both = pd.concat([earlier, later], axis=1, join="inner").dropna()
        before, after = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    else:
        before = interest[previous.positions]
        before = before[np.isfinite(before)][-SPAN:]
        after = interest[window.positions]
        after = after[np.isfinite(after)][:SPAN]
    if not len(before) or not len(after):
        return None
    numerator, denominator = float(np.median(before)), float(np.median(after))
    if numerator > 0 and denominator > 0:
        return numerator / denominator
    return None
