"""Plain words for a relationship between two signals: which moves first, never which causes.

Generic labels built from the series key's parts; the dashboard has its own, richer labels.
"""

from __future__ import annotations

import math


def series_label(signal: str, group_value: str, source: str) -> str:
    """A short generic label, e.g. 'articles per week (all outlets, news)'."""
    return f"{signal.replace('_', ' ')} ({group_value}, {source.replace('_', ' ')})"


def direction_text(
    a: tuple[str, ...], b: tuple[str, ...], lag: int, r: float, significant: bool, max_lag: int
) -> str:
    """Plain words for one pair; ``a`` and ``b`` are key parts (source, signal, type, value)."""
    label_a, label_b = (series_label(p[1], p[3], p[0]) for p in (a, b))
    if math.isnan(r):
        return (
            "No relationship can be measured: one of the series does not change once its "
            "trend is removed."
        )
    if not significant:
        where = "in the same week" if lag == 0 else f"at a lag of {_weeks(lag)}"
        return (
            f"No clear relationship at lags of up to {_weeks(max_lag)} (the strongest, "
            f"r = {r:.2f} {where}, is within what chance gives)."
        )
    opposite = r < 0
    if lag == 0:
        how = "move in opposite directions" if opposite else "move together"
        text = f"{label_a} and {label_b} {how} in the same week"
    else:
        first, second = (label_a, label_b) if lag > 0 else (label_b, label_a)
        text = f"{first} tends to move {_weeks(abs(lag))} before {second}"
        text += ", in the opposite direction" if opposite else ""
    return f"{text}, with r = {r:.2f}; this does not mean one causes the other."


def _weeks(n: int) -> str:
    return f"{n} week" if abs(n) == 1 else f"{n} weeks"
