"""Every candidate forecaster through the real libraries: shape, intervals, level shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml_assets.candidates import CANDIDATES, CandidateFailed, Training, relevel, window_mean

DS = pd.Series(pd.date_range("2021-07-21", periods=30, freq="28D"))
FUTURE = pd.Series(pd.date_range(DS.iloc[-1] + pd.Timedelta(days=28), periods=4, freq="28D"))
NOISY = 25 + np.random.default_rng(3).normal(0, 0.5, 30)


def test_relevel_moves_the_periods_before_a_shift_to_the_level_after_it():
    y = np.array([28.0, 29.0, 30.0, 17.0, 18.0])
    moved, step = relevel(y, 3)
    # As many periods on each side as there are after it (two): 17.5 after vs 29.5 before.
    assert step == pytest.approx(17.5 - 29.5)
    assert moved[3:].tolist() == [17.0, 18.0]
    np.testing.assert_allclose(moved[:3], y[:3] + step)
    same, none = relevel(y, None)
    assert none == 0.0 and same.tolist() == y.tolist()


@pytest.mark.parametrize("name", sorted(CANDIDATES))
def test_every_candidate_forecasts_each_period_with_an_interval(name):
    train = Training(DS, NOISY)
    prediction = CANDIDATES[name](train, FUTURE, True)
    for values in (prediction.mean, prediction.lower, prediction.upper):
        assert values.shape == (4,) and np.isfinite(values).all()
    assert (prediction.lower <= prediction.mean).all() and (
        prediction.mean <= prediction.upper
    ).all()
    assert (prediction.upper - prediction.lower > 0).all()
    # Noise around 25 stays near 25, whatever the model.
    assert np.abs(prediction.mean - 25).max() < 2
    # A final fit also gives the in-sample fit over the training periods.
    assert prediction.fitted is not None and len(prediction.fitted) == len(DS)
    backtest = CANDIDATES[name](train, FUTURE, False)
    assert backtest.fitted is None


@pytest.mark.parametrize("name", sorted(CANDIDATES))
def test_a_known_level_shift_is_modelled_not_extrapolated(name):
    # 26 periods near 28, then 4 near 17 (a redesign), noise small.
    y = np.where(np.arange(30) < 26, 28.0, 17.0) + np.random.default_rng(5).normal(0, 0.2, 30)
    shift = DS.iloc[26]
    prediction = CANDIDATES[name](Training(DS, y, shift_at=shift), FUTURE, True)
    assert np.abs(prediction.mean - 17).max() < 1.5, prediction.mean
    # The in-sample fit stays at the level the periods were observed at.
    fitted = prediction.fitted[5:20]
    assert np.nanmean(np.abs(fitted - 28)) < 1.5


def test_window_mean_averages_the_last_three_periods():
    y = np.array([10.0, 11.0, 12.0, 13.0, 14.0, 30.0, 31.0, 29.0])
    prediction = window_mean(Training(DS.iloc[:8], y), FUTURE, False)
    assert prediction.mean.tolist() == [30.0] * 4
    with pytest.raises(CandidateFailed):
        window_mean(Training(DS.iloc[:4], y[:4]), FUTURE, False)


def test_a_window_too_short_for_a_damped_trend_sits_the_fold_out():
    with pytest.raises(CandidateFailed):
        CANDIDATES["damped_ets"](Training(DS.iloc[:5], NOISY[:5]), FUTURE, False)


def test_window_mean_interval_when_the_horizon_outruns_the_training_data():
    # 8 weekly periods, 13 ahead (a 90-day horizon): beyond k = 3 the training data holds no
    # k-step error to measure, and the interval widens like a random walk instead.
    y = np.array([10.0, 11.0, 9.5, 10.5, 10.0, 11.5, 10.0, 10.5])
    ds = pd.Series(pd.date_range("2024-01-01", periods=8, freq="W-MON"))
    future = pd.Series(pd.date_range("2024-02-26", periods=13, freq="W-MON"))
    prediction = window_mean(Training(ds, y), future, False)
    width = prediction.upper - prediction.lower
    assert len(width) == 13 and np.isfinite(width).all()
    assert np.all(np.diff(width[2:]) > 0)
