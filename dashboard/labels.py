"""Reader-facing names for the codes stored in the marts.

Wording rule: these are population-level survey indicators (the share of adults reporting
symptoms), never diagnoses or labels about people.
"""

from __future__ import annotations

SIGNAL_LABELS = {
    "anxiety": "Symptoms of anxiety disorder",
    "depression": "Symptoms of depressive disorder",
    "anxiety_or_depression": "Symptoms of anxiety or depressive disorder",
}

SIGNAL_ORDER = ("anxiety_or_depression", "anxiety", "depression")

GROUP_TYPE_LABELS = {
    "national": "National estimate",
    "age": "Age",
    "sex": "Sex",
    "state": "State",
    "race_ethnicity": "Race / Hispanic ethnicity",
    "education": "Education",
    "gender_identity": "Gender identity",
    "sexual_orientation": "Sexual orientation",
    "disability_status": "Disability status",
}

CADENCE_LABELS = {
    "weekly": "weekly",
    "biweekly": "every two weeks",
    "four_weekly": "every four weeks",
}

# ml_assets.candidates names -> what a reader is told.
MODEL_LABELS = {
    "naive": "Naive (last value carried forward)",
    "window_mean_3": "Mean of the last 3 periods",
    "drift": "Random walk with drift",
    "auto_ets": "Exponential smoothing (AutoETS)",
    "damped_ets": "Damped-trend exponential smoothing",
    "auto_theta": "Theta method (AutoTheta)",
    "prophet": "Prophet",
}

INDICATOR_EXPLANATION = (
    "Share of adults (18+) in the U.S. Census Bureau Household Pulse Survey who reported "
    "symptoms on more than half the days or nearly every day (PHQ-2 / GAD-2 screening "
    "questions). These are population estimates with confidence intervals, not diagnoses."
)


def signal_label(signal: str) -> str:
    return SIGNAL_LABELS.get(signal, signal.replace("_", " ").capitalize())


def group_type_label(group_type: str) -> str:
    return GROUP_TYPE_LABELS.get(group_type, group_type.replace("_", " ").capitalize())


def model_label(model_name: str) -> str:
    return MODEL_LABELS.get(model_name, model_name)


def cadence_label(cadence: str) -> str:
    return CADENCE_LABELS.get(cadence, cadence.replace("_", " "))


def ordered_signals(signals: list[str]) -> list[str]:
    """Known signals in a fixed reading order, unknown ones after them alphabetically."""
    known = [s for s in SIGNAL_ORDER if s in signals]
    return known + sorted(s for s in signals if s not in SIGNAL_ORDER)


def ordered_group_types(group_types: list[str]) -> list[str]:
    """National first, then the order of GROUP_TYPE_LABELS, unknown ones last."""
    known = [g for g in GROUP_TYPE_LABELS if g in group_types]
    return known + sorted(g for g in group_types if g not in GROUP_TYPE_LABELS)
