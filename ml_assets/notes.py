"""Plain-words notes on how a series' backtest was laid out and scored, shown next to it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ml_assets.backtest import Fold, NestedScore


def _period(ds: pd.Series, index: int) -> str:
    return f"{pd.Timestamp(ds.iloc[index]):%Y-%m-%d}"


def backtest_note(
    folds: Sequence[Fold],
    ds: pd.Series,
    score: NestedScore,
    *,
    prophet_folds: int,
    shift_at: pd.Timestamp | None,
    fell_back: bool = False,
) -> str:
    """How many folds, what each tested, which were scored and how the model was chosen."""
    if not folds:
        return (
            "No backtest: the window is too short for a fold with enough training periods; "
            f"the {score.final_choice} forecast is shown without a measured error."
        )
    horizons = sorted({f.horizon for f in folds})
    sizes = " or ".join(str(h) for h in horizons)
    tests = "; ".join(f"{_period(ds, f.origin)} to {_period(ds, f.end - 1)}" for f in folds)
    parts = [
        f"{len(folds)} rolling-origin folds, each trained on every period before it and "
        f"forecasting the next {sizes} periods (tests: {tests})",
        "the first fold only chooses; each later fold is scored with the candidate that had "
        "the lowest error relative to the naive forecast on the folds before it, so the "
        f"reported errors ({score.scored_points} points in {score.n_scored_folds} folds) come "
        "from folds that did not choose the model",
        f"Prophet forecasts only the last {min(prophet_folds, len(folds))} folds (its fits cost "
        "about ten times a smoother's)",
    ]
    if shift_at is not None:
        parts.append(
            f"no fold trains only before the level shift of {shift_at:%Y-%m-%d} and tests "
            "after it; folds that train across it model it"
        )
    parts.append(
        f"the published forecast uses {score.final_choice}, best on all {len(folds)} folds"
    )
    if fell_back:
        parts.append("it could not be fitted on the whole window, so the naive forecast is shown")
    return "Backtest: " + "; ".join(parts) + "."
