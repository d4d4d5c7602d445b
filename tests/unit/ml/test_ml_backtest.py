"""Metric arithmetic against hand-computed values, fold layout, and nested model selection."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from ml_assets.backtest import (
    FoldForecast,
    choose,
    mae,
    mape,
    mase,
    naive_scale,
    plan_folds,
    rmse,
    score_nested,
)

ACTUAL = np.array([10.0, 12.0, 14.0])
PREDICTED = np.array([11.0, 11.0, 17.0])  # errors -1, +1, -3
TRAIN = np.array([8.0, 10.0, 9.0, 12.0])  # one-step changes 2, 1, 3

# The survey's periods since the Phase 3.2 question change: 39 starts, the Phase 4.0 redesign
# (2024-01-09) at position 30.
SINCE_3_2 = pd.Series(
    [pd.Timestamp(w.start) for w in COLLECTION_WINDOWS if w.start >= date(2021, 7, 21)]
)
SHIFT = int((pd.Timestamp("2024-01-09") > SINCE_3_2).sum())


def test_metrics_match_hand_computed_values():
    assert mae(ACTUAL, PREDICTED) == pytest.approx(5 / 3)
    assert rmse(ACTUAL, PREDICTED) == pytest.approx(math.sqrt(11 / 3))
    assert mape(ACTUAL, PREDICTED) == pytest.approx(100 * (1 / 10 + 1 / 12 + 3 / 14) / 3)
    assert naive_scale(TRAIN) == pytest.approx(2.0)
    assert mase(ACTUAL, PREDICTED, TRAIN) == pytest.approx((5 / 3) / 2)


def test_the_scale_leaves_out_the_step_across_a_known_level_shift():
    train = np.array([28.0, 29.0, 28.0, 17.0, 18.0])  # changes 1, 1, 11 (the shift), 1
    assert naive_scale(train) == pytest.approx(14 / 4)
    assert naive_scale(train, shift_index=3) == pytest.approx(1.0)
    assert mase(np.array([18.0]), np.array([17.0]), train, shift_index=3) == pytest.approx(1.0)


def test_mape_leaves_out_zero_actuals_and_mase_is_nan_for_a_flat_training_set():
    assert mape(np.array([0.0, 10.0]), np.array([5.0, 11.0])) == pytest.approx(10.0)
    assert math.isnan(mase(ACTUAL, PREDICTED, np.array([5.0, 5.0, 5.0])))
    assert math.isnan(naive_scale(np.array([5.0])))


def test_folds_on_the_survey_calendar_respect_the_level_shift():
    assert len(SINCE_3_2) == 39 and SHIFT == 30
    folds = plan_folds(SINCE_3_2, horizon_days=90, shift_index=SHIFT)
    assert [(f.origin, f.end) for f in folds] == [
        (10, 14),
        (14, 18),
        (18, 22),
        (22, 26),
        (26, 30),
        (31, 35),
        (35, 39),
    ]
    for fold in folds:
        trains_before_only = fold.origin <= SHIFT
        assert not (trains_before_only and fold.origin <= SHIFT < fold.end), fold
        # Step and horizon come from the fold's training periods only.
        assert fold.step_days == 28 and fold.horizon == 4
    # Without the shift the fold that trains before it and tests after it would be laid out.
    unaware = plan_folds(SINCE_3_2, horizon_days=90)
    assert any(f.origin <= SHIFT < f.end for f in unaware)


def test_horizon_follows_the_training_cadence():
    # Two-weekly periods: a 90-day horizon is 7 periods; a fold never overlaps the next.
    ds = pd.Series(pd.date_range("2021-01-06", periods=40, freq="14D"))
    folds = plan_folds(ds, horizon_days=90, min_train=8)
    assert {f.horizon for f in folds} == {7} and {f.step_days for f in folds} == {14}
    assert folds[-1].end == 40
    assert all(a.end == b.origin for a, b in zip(folds, folds[1:], strict=False))
    assert folds[0].origin >= 8
    assert len(plan_folds(ds, horizon_days=90, min_train=8, max_folds=2)) == 2
    assert plan_folds(ds.iloc[:10], horizon_days=90, min_train=8) == []


def fold(errors, inside=None) -> FoldForecast:
    errors = np.asarray(errors, float)
    return FoldForecast(
        errors, np.ones(len(errors), bool) if inside is None else np.asarray(inside)
    )


def test_each_fold_is_scored_with_the_model_chosen_on_earlier_folds():
    # "lucky" is perfect on the last fold only; "steady" beats naive on the first two.
    results = {
        "naive": [fold([2, 2]), fold([2, 2]), fold([2, 2])],
        "steady": [fold([1, 1]), fold([1, 1]), fold([3, 3], [False, True])],
        "lucky": [fold([4, 4]), fold([4, 4]), fold([0, 0])],
    }
    actuals = [np.array([10.0, 10.0])] * 3
    predictions = {
        name: [a + f.errors for a, f in zip(actuals, folds, strict=True)]
        for name, folds in results.items()
    }
    score = score_nested(
        results,
        actuals=actuals,
        trains=[np.array([9.0, 10.0, 11.0])] * 3,
        predictions=predictions,
        shift_indexes=[None] * 3,
        baseline="naive",
    )
    assert score.chosen_per_fold == [None, "steady", "steady"]
    assert (score.n_folds, score.n_scored_folds, score.scored_points) == (3, 2, 4)
    # Folds 2 and 3 with "steady": errors 1, 1, 3, 3 against naive's 2, 2, 2, 2.
    assert score.mae == pytest.approx(2.0) and score.naive_mae == pytest.approx(2.0)
    assert score.relative_mae == pytest.approx(1.0) and score.beats_naive is False
    assert score.interval_coverage == pytest.approx(3 / 4)
    assert score.mase == pytest.approx(2.0)  # training changes are 1 per period
    # Over all three folds "steady" (10 vs 12) still beats "lucky" (16 vs 12): it is published.
    assert score.final_choice == "steady"
    assert score.candidates["lucky"].relative_mae == pytest.approx(16 / 12)


def test_a_candidate_that_sat_a_fold_out_is_compared_on_the_folds_it_forecast():
    results = {
        "naive": [fold([2]), fold([2]), fold([2])],
        "prophet": [None, fold([1]), fold([1])],
    }
    assert choose(results, 1, "naive") == "naive"  # no earlier fold for prophet yet
    assert choose(results, 2, "naive") == "prophet"


def test_a_flat_training_fold_does_not_turn_mase_into_nan():
    results = {"naive": [fold([1]), fold([1]), fold([1])]}
    actuals = [np.array([6.0])] * 3
    predictions = {"naive": [np.array([5.0])] * 3}
    trains = [np.array([1.0, 2.0]), np.array([5.0, 5.0]), np.array([1.0, 3.0])]  # fold 2 flat
    score = score_nested(
        results,
        actuals=actuals,
        trains=trains,
        predictions=predictions,
        shift_indexes=[None] * 3,
        baseline="naive",
    )
    assert score.mase == pytest.approx(0.5)  # only fold 3 has a scale (2): 1 / 2
