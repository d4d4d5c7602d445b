"""The statistics of ml_assets.relationships: two weekly series made comparable, their
correlation at each lag, and the bar a correlation must pass.

A series is detrended (least squares line) and differenced, a difference across a missing week
or a known level shift being missing, then standardised. r_k = corr(a_t, b_{t+k}) over the
weeks both have. Under no relationship a cross-correlation of two autocorrelated series varies
more than 1/n says; Bartlett's formula var(r_k) ~ (1 + 2 * sum_{j=1..m} rho_a(j) * rho_b(j)) / n_k,
with the series' own autocorrelations rho (m = min(10, n/4)), floored at 1/n_k, gives its spread.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def critical_z(alpha: float, *, tests: int) -> float:
    """|z| a two-sided test must pass so that ``tests`` of them together err with chance alpha."""
    return NormalDist().inv_cdf(1 - alpha / (2 * tests))


def best_lag_index(r: np.ndarray, lags: np.ndarray) -> int | None:
    """Index of the largest |r| (ties: the smaller |lag|, then the positive one); None if none."""
    strength = np.round(np.abs(r), 12)
    if np.isnan(strength).all():
        return None
    order = np.lexsort((-lags, np.abs(lags)))  # by |lag|, then positive first
    ranked = np.nan_to_num(strength[order], nan=-1.0)
    return int(order[int(np.argmax(ranked))])


def cross_correlations(
    a: np.ndarray, b: np.ndarray, max_lag: int, breaks: tuple[int | None, int | None]
):
    """Correlation, points and Bartlett standard error at each lag -max_lag..max_lag."""
    if len(a) < 2:  # no week-to-week change at all
        nothing = np.full(2 * max_lag + 1, np.nan)
        return nothing, np.zeros(2 * max_lag + 1, dtype=int), nothing
    common = ~np.isnan(a) & ~np.isnan(b)
    x = _stationary(np.where(common, a, np.nan), breaks[0])
    y = _stationary(np.where(common, b, np.nan), breaks[1])
    lags = 2 * max_lag + 1
    padded = np.concatenate([np.full(max_lag, np.nan), y, np.full(max_lag, np.nan)])
    shifted = sliding_window_view(padded, len(y))[:lags]  # row i: b_{t+k}, k = i - max_lag
    both = ~np.isnan(shifted) & ~np.isnan(x)
    n = both.sum(axis=1)
    r = _masked_correlation(np.broadcast_to(x, shifted.shape), shifted, both, n)
    factor = 1.0 + 2.0 * float(np.dot(_autocorrelation(x), _autocorrelation(y)))
    with np.errstate(divide="ignore"):
        variance = np.maximum(factor, 1.0) / n
    return r, n, np.sqrt(variance)


def _stationary(values: np.ndarray, break_at: int | None) -> np.ndarray:
    """Detrended, differenced, standardised; NaN where a week or its previous week is missing.

    ``values[t] - values[t-1]`` with the difference at ``break_at`` (a known level shift) left
    out. All NaN when fewer than 3 values or when nothing varies once the trend is removed."""
    diff = np.full(max(len(values) - 1, 0), np.nan)
    ok = ~np.isnan(values)
    if ok.sum() < 3:
        return diff
    t = np.arange(len(values), dtype=float)
    slope, intercept = np.polyfit(t[ok], values[ok], 1)
    residual = values - (slope * t + intercept)
    diff = residual[1:] - residual[:-1]
    if break_at is not None:
        diff[break_at - 1] = np.nan  # the difference into the level-shift week
    spread = np.nanstd(diff) if (~np.isnan(diff)).sum() >= 2 else 0.0
    scale = max(1.0, float(np.nanmax(np.abs(values))))
    if not spread > 1e-12 * scale:
        return np.full_like(diff, np.nan)
    return (diff - np.nanmean(diff)) / spread


def _masked_correlation(x: np.ndarray, y: np.ndarray, mask: np.ndarray, n: np.ndarray):
    """Pearson correlation per row over the masked points (NaN with fewer than 3 or no spread)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        count = np.where(n > 0, n, np.nan)
        xm = np.where(mask, x, 0.0)
        ym = np.where(mask, y, 0.0)
        dx = np.where(mask, xm - (xm.sum(axis=1) / count)[:, None], 0.0)
        dy = np.where(mask, ym - (ym.sum(axis=1) / count)[:, None], 0.0)
        r = (dx * dy).sum(axis=1) / np.sqrt((dx * dx).sum(axis=1) * (dy * dy).sum(axis=1))
    return np.where(n >= 3, np.clip(r, -1.0, 1.0), np.nan)


def _autocorrelation(x: np.ndarray) -> np.ndarray:
    """rho(1..m) of a standardised series (missing weeks count as 0), m = min(10, n / 4)."""
    m = max(1, min(10, int((~np.isnan(x)).sum()) // 4))
    filled = np.nan_to_num(x)
    denominator = float(np.dot(filled, filled))
    if denominator == 0 or len(filled) <= m:
        return np.zeros(10)
    rho = np.array([np.dot(filled[:-j], filled[j:]) / denominator for j in range(1, m + 1)])
    return np.pad(rho, (0, 10 - m))


def normal_p_value(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))
