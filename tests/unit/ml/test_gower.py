"""Gower distance: a hand-computed case, its properties, and chunked nearest neighbours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml_assets.gower import FeatureSpec, encode, gower_matrix, nearest_neighbours

SPEC = FeatureSpec(categorical=("benefits", "seek_help"), numeric=("company_size_rank",))


def hand_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "benefits": ["yes", "yes", "no", None],
            "seek_help": ["no", "yes", None, None],
            "company_size_rank": [1, 5, 3, None],
        }
    )


def test_hand_computed_distances():
    # Range of company_size_rank on these rows: 5 - 1 = 4.
    # A-B: benefits same 0, seek_help differ 1, size |1-5|/4 = 1     -> (0 + 1 + 1) / 3 = 2/3
    # A-C: benefits differ 1, seek_help blank in C (skipped), |1-3|/4 -> (1 + 0.5) / 2 = 0.75
    # B-C: benefits differ 1, seek_help skipped, |5-3|/4 = 0.5       -> (1 + 0.5) / 2 = 0.75
    # D answered nothing: no feature shared with anyone              -> 1, and 0 to itself
    expected = np.array(
        [
            [0, 2 / 3, 0.75, 1],
            [2 / 3, 0, 0.75, 1],
            [0.75, 0.75, 0, 1],
            [1, 1, 1, 0],
        ]
    )
    found = gower_matrix(encode(hand_frame(), SPEC), dtype=np.float64)
    np.testing.assert_allclose(found, expected, atol=1e-12)


def test_query_rows_use_the_reference_codes_and_ranges():
    reference = encode(hand_frame(), SPEC)
    query = encode(
        pd.DataFrame(
            {
                "benefits": ["unsure", "unsure", "yes"],
                "seek_help": ["no", "no", "no"],
                "company_size_rank": [1, 1, 9],
            }
        ),
        SPEC,
        reference=reference,
    )
    found = gower_matrix(query, reference, dtype=np.float64)
    # 'unsure' is new: it matches no reference answer. Row 0 vs A: (1 + 0 + 0) / 3.
    assert found[0, 0] == pytest.approx(1 / 3)
    # Size 9 is outside the reference's 1..5: |9-1|/4 = 2 is clipped to 1. Vs A: (0+0+1)/3.
    assert found[2, 0] == pytest.approx(1 / 3)
    # Two query rows with the same new answer match each other.
    assert gower_matrix(query, dtype=np.float64)[0, 1] == 0


def random_answers(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "benefits": rng.choice(["yes", "no", "unsure"], n),
            "seek_help": rng.choice(["yes", "no"], n),
            "company_size_rank": rng.integers(1, 7, n).astype(float),
        }
    )
    for column in frame:
        frame.loc[rng.random(n) < 0.2, column] = None
    return frame


def naive_gower(frame: pd.DataFrame) -> np.ndarray:
    """Pair by pair, feature by feature, straight from the definition."""
    sizes = frame["company_size_rank"].dropna()
    span = sizes.max() - sizes.min()
    rows = frame.to_dict("records")
    result = np.zeros((len(rows), len(rows)))
    for i, a in enumerate(rows):
        for j, b in enumerate(rows):
            parts = [
                float(a[f] != b[f])
                for f in SPEC.categorical
                if a[f] is not None and b[f] is not None
            ]
            x, y = a["company_size_rank"], b["company_size_rank"]
            if not (np.isnan(x) or np.isnan(y)):
                parts.append(min(abs(x - y) / span, 1))
            result[i, j] = 0 if i == j else (np.mean(parts) if parts else 1)
    return result


def test_matches_the_definition_and_is_a_symmetric_distance():
    frame = random_answers(40, seed=1)
    found = gower_matrix(encode(frame, SPEC))
    np.testing.assert_allclose(found, naive_gower(frame), atol=1e-6)
    np.testing.assert_array_equal(found, found.T)
    assert (np.diag(found) == 0).all()
    assert found.min() >= 0 and found.max() <= 1


def test_chunked_nearest_neighbours_equal_the_full_matrix():
    reference = encode(random_answers(50, seed=2), SPEC)
    # Repeated rows check that identical queries are computed once and mapped back.
    queries = random_answers(70, seed=3)
    query = encode(pd.concat([queries, queries.iloc[:20]]), SPEC, reference=reference)
    full = gower_matrix(query, reference)
    index, distance = nearest_neighbours(query, reference, chunk_rows=7)
    np.testing.assert_array_equal(index, full.argmin(axis=1))
    np.testing.assert_allclose(distance, full.min(axis=1))
    assert nearest_neighbours(query.take(slice(0, 0)), reference)[0].shape == (0,)
