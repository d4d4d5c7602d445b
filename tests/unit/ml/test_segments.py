"""Workplace segments: planted situations found, noise kept apart, bounded and deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from ml_assets.segments import ASSIGNMENT_COLUMNS, SEGMENT_FEATURES, segment_respondents
from tests.unit.ml.survey_frames import real_2014_respondents, synthetic_respondents


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return synthetic_respondents((80, 80, 80), outliers=40, flip=0.15, seed=3)


@pytest.fixture(scope="module")
def result(planted):
    return segment_respondents(planted, seed=0)


def joined(frame: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(assignments, on=["respondent_id", "survey_year"], validate="1:1")


def test_planted_workplace_situations_are_recovered(planted, result):
    rows = joined(planted, result.assignments)
    clustered = rows[(rows["planted"] >= 0) & (rows["segment"] >= 0)]
    assert result.metrics["n_segments"] == 3
    assert adjusted_rand_score(clustered["planted"], clustered["segment"]) > 0.9
    # Nearly every planted respondent is in a segment; most random answerers are not.
    noise = rows.groupby("planted")["segment"].apply(lambda s: (s == -1).mean())
    assert noise.drop(-1).max() < 0.1
    assert noise[-1] > 0.5
    # Random answerers sit farther from any segment's densest part.
    scores = rows.groupby(rows["planted"] == -1)["outlier_score"].mean()
    assert scores[True] > scores[False] + 0.2


def test_assignments_and_metrics_follow_the_contract(planted, result):
    frame, metrics = result.assignments, result.metrics
    assert list(frame.columns) == ASSIGNMENT_COLUMNS
    assert len(frame) == len(planted) and frame["respondent_id"].is_unique
    assert frame["membership_probability"].between(0, 1).all()
    assert frame["outlier_score"].between(0, 1).all()
    assert (frame.loc[frame["segment"] == -1, "membership_probability"] == 0).all()
    assert set(frame["assigned_by"]) == {"clustered"}
    # Segments are numbered by size, largest first.
    sizes = frame.loc[frame["segment"] >= 0, "segment"].value_counts().sort_index()
    assert sizes.is_monotonic_decreasing
    assert metrics["n_respondents"] == metrics["n_clustered"] == len(planted)
    assert metrics["noise_share"] == pytest.approx((frame["segment"] == -1).mean())
    assert 0.8 < metrics["stability_ari_min"] <= metrics["stability_ari_mean"] <= 1
    assert -1 <= metrics["validity_dbcv"] <= 1
    # DBCV only on respondents who answered every clustering feature.
    complete = planted[list(SEGMENT_FEATURES.features)].notna().all(axis=1).sum()
    assert metrics["validity_rows"] == complete
    stages = ("distances", "cluster", "assign", "stability", "validity")
    assert all(metrics[f"seconds_{stage}"] >= 0 for stage in stages)


def test_same_input_in_any_order_gives_the_same_segments(planted, result):
    shuffled = planted.sample(frac=1, random_state=7)
    again = segment_respondents(shuffled, seed=0)
    pd.testing.assert_frame_equal(again.assignments, result.assignments)
    assert again.metrics["stability_ari_mean"] == result.metrics["stability_ari_mean"]


def test_beyond_max_exact_the_rest_take_their_nearest_neighbours_segment():
    frame = synthetic_respondents((190, 190, 190), outliers=30, flip=0.1, seed=4)
    frame.loc[frame.index[-10:], list(SEGMENT_FEATURES.features)] = None  # answered nothing
    exact = segment_respondents(frame).assignments
    sampled = segment_respondents(frame, max_exact=200, chunk_rows=64)
    rows = sampled.assignments
    assert rows["assigned_by"].value_counts().to_dict() == {
        "nearest_neighbour": 400,
        "clustered": 200,
    }
    assert sampled.metrics["n_clustered"] == 200 and sampled.metrics["n_assigned"] == 400
    assert rows["segment"].notna().all() and rows["segment"].dtype.kind == "i"
    assert adjusted_rand_score(exact["segment"], rows["segment"]) > 0.8
    # Nothing in common with any clustered respondent: no segment to borrow.
    blank = rows[rows["respondent_id"].isin(frame["respondent_id"].iloc[-10:])]
    borrowed = blank[blank["assigned_by"] == "nearest_neighbour"]
    assert len(borrowed) >= 5 and (borrowed["outlier_score"] == 1.0).all()
    assert (blank["segment"] == -1).all()


def test_too_few_respondents_are_all_noise_without_failing():
    few = synthetic_respondents((5, 5, 0), seed=5)
    result = segment_respondents(few)
    assert (result.assignments["segment"] == -1).all()
    assert result.metrics["n_segments"] == 0
    assert np.isnan(result.metrics["stability_ari_mean"])
    empty = segment_respondents(few.iloc[:0])
    assert empty.assignments.empty and empty.metrics["n_respondents"] == 0


def test_real_2014_survey_has_workplace_segments():
    respondents = real_2014_respondents()
    result = segment_respondents(respondents)
    metrics = result.metrics
    assert metrics["n_segments"] >= 2
    assert 0.1 < metrics["noise_share"] < 0.6
    assert metrics["stability_ari_mean"] > 0.3
