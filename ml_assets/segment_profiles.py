"""What sets each workplace segment apart, in figures and in plain words.

For every segment (and the respondents in none, "No clear group"), the answers that are more
or less common in it than among everyone else, with their effect sizes: Cohen's h for a
categorical answer (2·asin√p₁ − 2·asin√p₂ between the share in the segment and the share among
the others; 0.2 is small, 0.5 medium, 0.8 large), the standardised mean difference for a
numeric one. Answers with |effect| below 0.2 are not reported: the difference is too small to
describe a group by.

Drivers say which questions membership depends on: the normalised mutual information between
a question's answers and being in the segment or not (0: the answers say nothing about
membership, 1: they decide it), among those who answered it.

Labels and summaries are built from the strongest answers, in the words of
ml_assets.segment_wording: they describe workplaces, never the people in them. The treatment
rate is reported as an outcome; it was not used to find the segments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml_assets.gower import FeatureSpec
from ml_assets.segment_wording import answer_phrase, numeric_phrase, question
from ml_assets.segments import SEGMENT_FEATURES

NO_CLEAR_GROUP = "No clear group"
PROFILE_FEATURES = FeatureSpec(
    categorical=SEGMENT_FEATURES.categorical
    + ("company_size", "remote_work", "is_tech_company", "is_self_employed"),
)
PROFILE_COLUMNS = [
    "segment",
    "label",
    "size",
    "share",  # of all respondents
    "treatment_rate",  # sought_treatment true among those in the segment who answered
    "summary",
    "distinguishing_answers",  # JSON list, strongest first
    "drivers",  # JSON list, strongest first
]
MIN_EFFECT = 0.2


def profile_segments(
    respondents: pd.DataFrame,
    assignments: pd.DataFrame,
    *,
    features: FeatureSpec = PROFILE_FEATURES,
    top: int = 5,
    min_effect: float = MIN_EFFECT,
) -> pd.DataFrame:
    """One row per segment of ``assignments`` (ml.survey_segments rows) with the
    ml.segment_profiles columns the asset does not add. The noise row (-1) is present when
    some respondents are in no segment."""
    keys = ["respondent_id", "survey_year"]
    rows = assignments[[*keys, "segment"]].merge(respondents, on=keys, how="left", validate="1:1")
    answers = _answers(rows, features)
    treated = rows["sought_treatment"].astype("boolean")
    profiles, labels = [], set()
    for segment in sorted(rows["segment"].unique()):
        inside = (rows["segment"] == segment).to_numpy()
        found = _distinguishing(answers, inside, features, min_effect)[:top]
        rate, others_rate = _rate(treated[inside]), _rate(treated[~inside])
        label = NO_CLEAR_GROUP if segment == -1 else _label(found, labels, segment)
        labels.add(label)
        profiles.append(
            {
                "segment": int(segment),
                "label": label,
                "size": int(inside.sum()),
                "share": float(inside.mean()),
                "treatment_rate": rate,
                "summary": _summary(segment, inside, found, rate, others_rate),
                "distinguishing_answers": json.dumps(found),
                "drivers": json.dumps(_drivers(answers, inside, features)),
            }
        )
    return pd.DataFrame(profiles, columns=PROFILE_COLUMNS)


@dataclass(frozen=True)
class _Answers:
    """Each question's answers as integer codes (-1 blank) with the answer of each code, and
    numeric answers as floats: counting codes is fast at any number of respondents."""

    codes: dict[str, np.ndarray]
    levels: dict[str, list[str]]
    numbers: dict[str, np.ndarray]


def _answers(rows: pd.DataFrame, features: FeatureSpec) -> _Answers:
    """Booleans become 'yes'/'no'; every feature, numeric too, gets codes (for drivers)."""
    codes, levels, numbers = {}, {}, {}
    for name in features.categorical:
        column = rows[name]
        if column.dtype == bool or str(column.dtype) == "boolean":
            column = column.astype("boolean").map({True: "yes", False: "no"})
        codes[name], found = pd.factorize(column.astype(object), sort=True)
        levels[name] = [str(level) for level in found]
    for name in features.numeric:
        numbers[name] = pd.to_numeric(rows[name], errors="coerce").to_numpy(np.float64)
        codes[name], _ = pd.factorize(numbers[name], sort=True)
    return _Answers(codes, levels, numbers)


def cohens_h(p_inside: float, p_others: float) -> float:
    return float(2 * np.arcsin(np.sqrt(p_inside)) - 2 * np.arcsin(np.sqrt(p_others)))


def _distinguishing(
    answers: _Answers, inside: np.ndarray, features: FeatureSpec, min_effect: float
) -> list[dict]:
    """Answers whose share (or mean) differs between the segment and the others by at least
    ``min_effect``, strongest first, the strongest answer of each question only."""
    found = []
    for name in features.categorical:
        codes, levels = answers.codes[name], answers.levels[name]
        given = codes >= 0
        count_in = np.bincount(codes[given & inside], minlength=len(levels))
        count_out = np.bincount(codes[given & ~inside], minlength=len(levels))
        if not count_in.sum() or not count_out.sum():
            continue
        for answer, p1, p2 in zip(
            levels, count_in / count_in.sum(), count_out / count_out.sum(), strict=True
        ):
            found.append(
                {
                    "feature": name,
                    "question": question(name),
                    "answer": answer,
                    "segment_share": round(float(p1), 4),
                    "others_share": round(float(p2), 4),
                    "effect_size": round(cohens_h(p1, p2), 4),
                }
            )
    for name in features.numeric:
        found.extend(_mean_difference(name, answers.numbers[name], inside))
    # Ties (the two answers of a yes/no question): the answer more common in the segment.
    found.sort(
        key=lambda f: (-abs(f["effect_size"]), f["effect_size"] < 0, f["feature"], f["answer"])
    )
    # One answer per question: "few say yes" and "most say no" tell the same thing twice.
    strongest = {}
    for f in found:
        if abs(f["effect_size"]) >= min_effect:
            strongest.setdefault(f["feature"], f)
    return list(strongest.values())


def _mean_difference(name: str, values: np.ndarray, inside: np.ndarray) -> list[dict]:
    """Standardised mean difference (pooled standard deviation) of a numeric answer."""
    a, b = values[inside & ~np.isnan(values)], values[~inside & ~np.isnan(values)]
    if len(a) < 2 or len(b) < 2:
        return []
    pooled = np.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    if pooled == 0:
        return []
    effect = (a.mean() - b.mean()) / pooled
    return [
        {
            "feature": name,
            "question": question(name),
            "answer": "higher" if effect > 0 else "lower",
            "segment_share": None,  # a mean, not a share: see the two fields below
            "others_share": None,
            "segment_mean": round(float(a.mean()), 4),
            "others_mean": round(float(b.mean()), 4),
            "effect_size": round(float(effect), 4),
        }
    ]


def normalised_mutual_information(codes: np.ndarray, inside: np.ndarray) -> float:
    """NMI between answer codes (>= 0) and membership, normalised by the mean of the two
    entropies (scikit-learn's default), from one contingency table."""
    table = np.bincount(codes * 2 + inside, minlength=2 * (codes.max() + 1)).reshape(-1, 2)
    joint = table / table.sum()
    answer, member = joint.sum(axis=1), joint.sum(axis=0)
    seen = joint > 0
    information = np.sum(joint[seen] * np.log(joint[seen] / np.outer(answer, member)[seen]))
    entropy = -sum(np.sum(p[p > 0] * np.log(p[p > 0])) for p in (answer, member))
    return float(max(information, 0.0) / (entropy / 2)) if entropy > 0 else 0.0


def _drivers(answers: _Answers, inside: np.ndarray, features: FeatureSpec) -> list[dict]:
    """Normalised mutual information between each question and membership (among those who
    answered it), strongest first."""
    drivers = []
    for name in features.features:
        codes = answers.codes[name]
        given = codes >= 0
        if inside[given].all() or not inside[given].any():
            continue
        importance = normalised_mutual_information(codes[given], inside[given].astype(np.int64))
        drivers.append(
            {"feature": name, "question": question(name), "importance": round(importance, 4)}
        )
    return sorted(drivers, key=lambda d: (-d["importance"], d["feature"]))


def _rate(treated: pd.Series) -> float:
    answered = treated.dropna()
    return float(answered.mean()) if len(answered) else float("nan")


def _phrase(found: dict) -> tuple[str, str]:
    if found["segment_share"] is None:
        return numeric_phrase(found["feature"], found["effect_size"] > 0)
    return answer_phrase(found["feature"], found["answer"])


def _label(found: list[dict], taken: set[str], segment: int) -> str:
    """The short tags of the answers most typical of the segment (more common in it): two,
    or more until the label is not another segment's."""
    tags = [_phrase(f)[1] for f in found if f["effect_size"] > 0] or ["answers close to average"]
    candidates = [", ".join(tags[:count]) for count in range(min(2, len(tags)), len(tags) + 1)]
    label = next((c for c in candidates if c[0].upper() + c[1:] not in taken), candidates[0])
    label = label[0].upper() + label[1:]
    return label if label not in taken else f"{label} (group {segment + 1})"


def _sentence(found: dict) -> str:
    phrase, _ = _phrase(found)
    if found["segment_share"] is None:
        return (
            f"on average they {phrase} ({found['segment_mean']:.1f} vs "
            f"{found['others_mean']:.1f} for others)"
        )
    p1, p2 = found["segment_share"], found["others_share"]
    if p1 >= 0.5 or p1 < 0.2:
        lead = "most" if p1 >= 0.5 else "few"
    else:
        lead = "more" if p1 > p2 else "fewer"
    return f"{lead} {phrase} ({p1:.0%} vs {p2:.0%} of others)"


def _summary(
    segment: int, inside: np.ndarray, found: list[dict], rate: float, others_rate: float
) -> str:
    size, share = int(inside.sum()), float(inside.mean())
    people = "respondent" if size == 1 else "respondents"
    if segment == -1:
        opening = (
            f"{size} {people} ({share:.0%} of all) whose workplace answers fit no group clearly."
        )
    else:
        opening = f"A group of {size} {people} ({share:.0%} of all)."
    if found:
        clauses = [_sentence(f) for f in found[:2]]
        middle = " " + ", and ".join(clauses) + "."
        middle = middle[:2].upper() + middle[2:]
    else:
        middle = " Their answers differ little from everyone else's."
    if np.isnan(rate):
        closing = " None of them said whether they had sought treatment."
    else:
        others = "" if np.isnan(others_rate) else f" ({others_rate:.0%} of others)"
        closing = (
            f" Among those who answered, {rate:.0%} had sought mental-health treatment{others}."
        )
    return opening + middle + closing
