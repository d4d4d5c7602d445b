"""Gower distance over mixed categorical and numeric answers, vectorised and memory-bounded.

The distance between two rows is the mean, over the features both rows answered, of each
feature's own distance: 0 or 1 for a categorical feature (same answer or not), and for a
numeric one the absolute difference divided by the feature's range on the reference data,
clipped to [0, 1] (a query value outside the reference's range is at most "as far as it gets").
A feature either row left blank is skipped for that pair; a pair with no feature in common is at
distance 1, since nothing says they are alike. Ordinal answers (a company-size bucket) go in as
numeric ranks, so neighbouring buckets are closer than distant ones.

Why matrix products: the categorical part of a whole block of pairs is two products of one-hot
matrices (answers that match, answers both gave), which BLAS computes far faster than comparing
every pair feature by feature, and it is exact, since the counts are small integers. Only the few
numeric features are compared pair by pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FeatureSpec:
    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()

    @property
    def features(self) -> tuple[str, ...]:
        return self.categorical + self.numeric


@dataclass(frozen=True)
class Encoded:
    """Rows ready for distances: categorical codes (-1 = missing) and numeric values (nan)."""

    spec: FeatureSpec
    categories: tuple[tuple, ...]  # per categorical feature: the answer of each code
    codes: np.ndarray  # (rows, categorical features), int32, -1 when missing
    values: np.ndarray  # (rows, numeric features), float64, nan when missing
    ranges: np.ndarray  # (numeric features,), the reference data's max - min, 1.0 when 0

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: np.ndarray | slice) -> Encoded:
        """The same encoding restricted to some rows (ranges and categories unchanged)."""
        return Encoded(self.spec, self.categories, self.codes[rows], self.values[rows], self.ranges)


def encode(frame: pd.DataFrame, spec: FeatureSpec, reference: Encoded | None = None) -> Encoded:
    """Encode ``frame``'s features; with ``reference``, in its codes and with its ranges.

    Answers the reference never saw get new codes after the reference's, so they match nothing
    in it, yet two query rows with the same new answer still match each other.
    """
    if reference is not None and reference.spec != spec:
        raise ValueError("the reference was encoded with other features")
    codes = np.full((len(frame), len(spec.categorical)), -1, dtype=np.int32)
    categories = []
    for j, name in enumerate(spec.categorical):
        column = frame[name].astype(object)
        known = list(reference.categories[j]) if reference is not None else []
        new = sorted(set(column.dropna().unique()) - set(known), key=str)
        levels = known + new
        codes[:, j] = pd.Categorical(column, categories=levels).codes  # blank: -1
        categories.append(tuple(levels))
    values = np.empty((len(frame), len(spec.numeric)), dtype=np.float64)
    for j, name in enumerate(spec.numeric):
        values[:, j] = pd.to_numeric(frame[name], errors="coerce").to_numpy(np.float64)
    ranges = reference.ranges if reference is not None else _ranges(values)
    return Encoded(spec, tuple(categories), codes, values, ranges)


def _ranges(values: np.ndarray) -> np.ndarray:
    """Each column's max - min over its answers; 1.0 when it has one value or none, since then
    every pair of reference rows is equal on it anyway."""
    answered = ~np.isnan(values)
    high = np.where(answered, values, -np.inf).max(axis=0, initial=-np.inf)
    low = np.where(answered, values, np.inf).min(axis=0, initial=np.inf)
    spread = high - low
    return np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)


def _indicators(encoded: Encoded, widths: list[int], dtype) -> tuple[np.ndarray, np.ndarray]:
    """Two (rows, columns) indicator matrices whose products count, for every pair, the
    features both rows answered (``answered``) and those they answered the same (``same``).

    ``answered`` has one column per feature. ``same`` has one column per categorical answer
    level and, per numeric feature, the same column as ``answered``: the numeric features a
    pair shares cancel out of answered - same, which then counts the categorical mismatches.
    """
    rows = len(encoded)
    offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    answered = np.hstack([encoded.codes >= 0, ~np.isnan(encoded.values)]).astype(dtype)
    same = np.zeros((rows, int(offsets[-1]) + encoded.values.shape[1]), dtype=dtype)
    hit_rows, features = np.nonzero(encoded.codes >= 0)
    same[hit_rows, offsets[features] + encoded.codes[hit_rows, features]] = 1
    same[:, int(offsets[-1]) :] = answered[:, len(widths) :]
    return answered, same


def gower_matrix(a: Encoded, b: Encoded | None = None, dtype=np.float32) -> np.ndarray:
    """(len(a), len(b)) Gower distances; ``b`` None means a against itself (zero diagonal).

    Numeric differences are scaled by ``b``'s ranges (the reference's); a and b must share
    their encoding (encode one with the other as reference). Works in place: the peak is about
    three (len(a), len(b)) arrays of ``dtype``.
    """
    same_rows = b is None
    b = a if same_rows else b
    if a.spec != b.spec:
        raise ValueError("a and b were encoded with other features")
    widths = [max(len(x), len(y)) for x, y in zip(a.categories, b.categories, strict=True)]
    answered_a, same_a = _indicators(a, widths, dtype)
    answered_b, same_b = (answered_a, same_a) if same_rows else _indicators(b, widths, dtype)
    shared = answered_a @ answered_b.T  # features both answered
    distance = same_a @ same_b.T  # ... and answered the same (numeric: both answered)
    np.subtract(shared, distance, out=distance)  # categorical answers that differ
    for j, span in enumerate(b.ranges):
        x, y = a.values[:, j] / span, b.values[:, j] / span
        gap = np.subtract.outer(np.nan_to_num(x).astype(dtype), np.nan_to_num(y).astype(dtype))
        np.abs(gap, out=gap)
        np.minimum(gap, 1, out=gap)
        gap[np.isnan(x), :] = 0  # either blank: the feature is skipped for the pair
        gap[:, np.isnan(y)] = 0
        distance += gap
        del gap
    nothing_shared = shared == 0
    np.divide(distance, shared, out=distance, where=~nothing_shared)
    distance[nothing_shared] = 1  # nothing in common: nothing says they are alike
    if same_rows:
        np.fill_diagonal(distance, 0)  # a row is its own twin, even with nothing answered
    return distance


def nearest_neighbours(
    query: Encoded, reference: Encoded, chunk_rows: int = 2_048
) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the index of its nearest reference row and the distance to it.

    Survey answers repeat: many respondents give the same answers, so each distinct query row
    is computed once. Distinct rows go ``chunk_rows`` at a time, so memory stays at a few
    chunk_rows × len(reference) arrays whatever the number of query rows. Ties go to the
    first reference row, so the answer is deterministic.
    """
    if len(reference) == 0:
        raise ValueError("no reference rows to find neighbours among")
    distinct, row_of = _distinct_rows(query)
    index = np.empty(len(distinct), dtype=np.int64)
    distance = np.empty(len(distinct), dtype=np.float64)
    step = max(int(chunk_rows), 1)
    for start in range(0, len(distinct), step):
        rows = slice(start, start + step)
        block = gower_matrix(query.take(distinct[rows]), reference)
        index[rows] = block.argmin(axis=1)
        distance[rows] = block[np.arange(len(block)), index[rows]]
    return index[row_of], distance[row_of]


def _distinct_rows(encoded: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the first of each distinct row, and for every row its distinct row's number."""
    if len(encoded) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # Blank numeric answers get a value no answer has, so blanks compare equal to each other.
    values = np.where(np.isnan(encoded.values), -np.inf, encoded.values)
    keys = np.column_stack([encoded.codes.astype(np.float64), values])
    _, first, row_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return first, row_of.reshape(-1)
