"""Rolling-origin backtest with nested model selection, and the error measures it reports.

Folds (:func:`plan_folds`): tiles of test periods laid back from the end of the modelling
window. Each fold trains on every period before its origin and forecasts the next ``h``
periods, where the step between periods and ``h`` (the periods that cover the horizon in days)
come from that fold's training periods only, as they would in production. A fold never trains
only before a known level shift and tests after it: no model can know the size of a shift it
has not seen, so those folds would measure the redesign, not the model. Test windows on the
earlier side of a shift tile back from the shift instead.

Selection (:func:`score_nested`): every candidate forecasts every fold it is given (one fit per
candidate and fold). Fold j is then scored with the candidate whose relative MAE (its absolute
errors over the naive forecast's on the same folds) was lowest on the folds before j; the first
fold only selects. The reported accuracy therefore comes from folds that did not choose the
model, and costs no extra fits.

MASE is Hyndman's, with each fold's scale the mean absolute one-step change of that fold's
training periods, leaving out the step across a known level shift (the model is told about it,
so counting it would make every error look small). A fold whose training periods never moved
has no scale and is left out of MASE rather than turning it into NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml_assets.series import horizon_periods, step_days

# Fewest training periods a fold may have: below this, a smoother's level is a guess.
MIN_TRAIN_OBS = 8
# Most folds per series: bounds the cost for long weekly series; the survey allows about 7.
MAX_FOLDS = 10


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(predicted))))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(predicted)) ** 2)))


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error, in percent; points whose actual is 0 are left out."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    nonzero = actual != 0
    if not nonzero.any():
        return float("nan")
    return float(100 * np.mean(np.abs((actual - predicted)[nonzero] / actual[nonzero])))


def naive_scale(train: np.ndarray, shift_index: int | None = None) -> float:
    """Mean |y_t - y_(t-1)| over the training periods, without the step across a level shift."""
    changes = np.abs(np.diff(np.asarray(train, float)))
    if shift_index is not None and 0 < shift_index < len(train):
        changes = np.delete(changes, shift_index - 1)
    return float(np.mean(changes)) if len(changes) else float("nan")


def scaled_errors(
    actual: np.ndarray, predicted: np.ndarray, train: np.ndarray, shift_index: int | None = None
) -> np.ndarray:
    """|error| / naive_scale(train); NaN when the training data never moved (scale 0)."""
    scale = naive_scale(train, shift_index)
    errors = np.abs(np.asarray(actual, float) - np.asarray(predicted, float))
    if not scale > 0:
        return np.full(errors.shape, np.nan)
    return errors / scale


def mase(actual, predicted, train, shift_index: int | None = None) -> float:
    scaled = scaled_errors(actual, predicted, train, shift_index)
    return float(np.mean(scaled)) if np.isfinite(scaled).any() else float("nan")


@dataclass(frozen=True)
class Fold:
    origin: int  # first test period; the fold trains on periods [0, origin)
    end: int  # test periods are [origin, end)
    step_days: int  # median spacing of the training periods, as production would project

    @property
    def horizon(self) -> int:
        return self.end - self.origin


def plan_folds(
    ds: pd.Series,
    *,
    horizon_days: int,
    shift_index: int | None = None,
    min_train: int = MIN_TRAIN_OBS,
    max_folds: int = MAX_FOLDS,
) -> list[Fold]:
    """Folds oldest first; see the module docstring for the layout."""
    ds = pd.to_datetime(pd.Series(ds)).reset_index(drop=True)
    folds: list[Fold] = []
    end = len(ds)
    while len(folds) < max_folds:
        origin, step, h = end - 1, 0, 0
        while origin >= max(min_train, 2):
            step = step_days(ds.iloc[:origin])
            h = horizon_periods(horizon_days, step)
            if origin + h <= end:
                break
            origin -= 1
        if origin < max(min_train, 2):
            break
        if shift_index is not None and origin <= shift_index < origin + h:
            end = shift_index  # would train before the shift and test after it
            continue
        folds.append(Fold(origin, origin + h, step))
        end = origin
    return folds[::-1]


@dataclass(frozen=True)
class FoldForecast:
    """One candidate's forecast of one fold: absolute errors and whether each point fell
    inside its 80% interval."""

    errors: np.ndarray
    inside: np.ndarray


@dataclass(frozen=True)
class CandidateScore:
    n_folds: int
    mae: float
    relative_mae: float
    interval_coverage: float


@dataclass
class NestedScore:
    n_folds: int
    chosen_per_fold: list[str | None]  # None for the first fold (it only selects)
    final_choice: str
    n_scored_folds: int = 0
    scored_points: int = 0
    mae: float = float("nan")
    rmse: float = float("nan")
    mape: float = float("nan")
    mase: float = float("nan")
    naive_mae: float = float("nan")
    naive_rmse: float = float("nan")
    naive_mape: float = float("nan")
    naive_mase: float = float("nan")
    relative_mae: float = float("nan")
    interval_coverage: float = float("nan")
    candidates: dict[str, CandidateScore] = field(default_factory=dict)

    @property
    def beats_naive(self) -> bool | None:
        if not np.isfinite(self.relative_mae):
            return None
        return bool(self.relative_mae < 1.0)


# candidate -> one FoldForecast per fold (None where it was not fitted or failed)
FoldResults = Mapping[str, Sequence[FoldForecast | None]]


def relative_error(results: FoldResults, name: str, folds: Sequence[int], baseline: str) -> float:
    """Sum of the candidate's absolute errors over the baseline's, on the given folds where both
    forecast; NaN when there is no such fold."""
    used = [j for j in folds if results[name][j] is not None and results[baseline][j] is not None]
    if not used:
        return float("nan")
    own = sum(float(results[name][j].errors.sum()) for j in used)
    base = sum(float(results[baseline][j].errors.sum()) for j in used)
    if base == 0:
        return 1.0 if own == 0 else float("inf")
    return own / base


def choose(results: FoldResults, before: int, baseline: str) -> str | None:
    """The candidate with the lowest relative error on folds [0, before); on a tie the one
    listed first (candidates are listed simplest first)."""
    best, best_score = None, float("inf")
    for name in results:
        score = relative_error(results, name, range(before), baseline)
        if np.isfinite(score) and score < best_score - 1e-12:
            best, best_score = name, score
    return best


def score_nested(
    results: FoldResults,
    *,
    actuals: Sequence[np.ndarray],
    trains: Sequence[np.ndarray],
    predictions: Mapping[str, Sequence[np.ndarray | None]],
    shift_indexes: Sequence[int | None],
    baseline: str,
) -> NestedScore:
    """Score fold j with the candidate chosen on folds before j (see the module docstring).

    ``actuals[j]``, ``trains[j]`` and ``predictions[name][j]`` are fold j's test values,
    training values and point forecasts; ``shift_indexes[j]`` the shift inside its training.
    """
    n_folds = len(actuals)
    chosen: list[str | None] = [None] + [choose(results, j, baseline) for j in range(1, n_folds)]
    final = choose(results, n_folds, baseline) or baseline
    score = NestedScore(n_folds=n_folds, chosen_per_fold=chosen, final_choice=final)
    score.candidates = {name: _candidate_score(results, name, baseline) for name in results}
    scored = [j for j in range(1, n_folds) if chosen[j] is not None]
    if not scored:
        return score
    actual = np.concatenate([actuals[j] for j in scored])
    model = np.concatenate([predictions[chosen[j]][j] for j in scored])
    naive = np.concatenate([predictions[baseline][j] for j in scored])
    model_scaled, naive_scaled = [], []
    for j in scored:
        model_scaled.append(
            scaled_errors(actuals[j], predictions[chosen[j]][j], trains[j], shift_indexes[j])
        )
        naive_scaled.append(
            scaled_errors(actuals[j], predictions[baseline][j], trains[j], shift_indexes[j])
        )
    score.n_scored_folds = len(scored)
    score.scored_points = len(actual)
    score.mae, score.rmse, score.mape = mae(actual, model), rmse(actual, model), mape(actual, model)
    score.naive_mae, score.naive_rmse = mae(actual, naive), rmse(actual, naive)
    score.naive_mape = mape(actual, naive)
    score.mase = _mean_finite(np.concatenate(model_scaled))
    score.naive_mase = _mean_finite(np.concatenate(naive_scaled))
    score.relative_mae = score.mae / score.naive_mae if score.naive_mae > 0 else float("nan")
    inside = np.concatenate([results[chosen[j]][j].inside for j in scored])
    score.interval_coverage = float(inside.mean())
    return score


def _candidate_score(results: FoldResults, name: str, baseline: str) -> CandidateScore:
    fitted = [f for f in results[name] if f is not None]
    if not fitted:
        return CandidateScore(0, float("nan"), float("nan"), float("nan"))
    errors = np.concatenate([f.errors for f in fitted])
    return CandidateScore(
        n_folds=len(fitted),
        mae=float(errors.mean()),
        relative_mae=relative_error(results, name, range(len(results[name])), baseline),
        interval_coverage=float(np.concatenate([f.inside for f in fitted]).mean()),
    )


def _mean_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else float("nan")
