"""Deterministic sample data in the exact shape of OSMI's 2014 survey export.

CSV text with the export's 27 columns, `NA` for unanswered questions, ``round(1000 * scale)``
respondents (scale 100: 100,000). Answers are synthetic but correlated the way the real survey
is: each respondent works in one of four workplace situations (a large employer with visible
support, a large employer whose support nobody has explained, a small company without
programmes, self-employed), which shapes company size and the support answers; family history
raises the chance of having sought treatment, and so, less, do known benefits and care options.
Each answer follows its situation with some noise, so segments are findable but not trivial.

The quirks of the real file are planted on purpose: gender written many ways ('Male', 'm',
'Woman', 'non-binary', 'A little about you'), a few impossible ages (-1726, -1, 5, 329,
99999999999), timestamps slightly out of order, a US state on a few non-US rows, and free-text
comments, some with an e-mail address, which the extract must never land.

The same (scale, seed) always gives the same text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RESPONDENTS_PER_SCALE = 1000
SEED = 2014
COLUMNS_2014 = (
    "Timestamp", "Age", "Gender", "Country", "state", "self_employed", "family_history",
    "treatment", "work_interfere", "no_employees", "remote_work", "tech_company", "benefits",
    "care_options", "wellness_program", "seek_help", "anonymity", "leave",
    "mental_health_consequence", "phys_health_consequence", "coworkers", "supervisor",
    "mental_health_interview", "phys_health_interview", "mental_vs_physical",
    "obs_consequence", "comments",
)  # fmt: skip

SIZES = ("1-5", "6-25", "26-100", "100-500", "500-1000", "More than 1000")
YES_NO_DK = ("Yes", "No", "Don't know")
LEAVE = ("Very easy", "Somewhat easy", "Don't know", "Somewhat difficult", "Very difficult")

# Situation -> (share of respondents, company size weights, P(self-employed),
# {answer: weights over YES_NO_DK (care_options: Yes, No, Not sure)}, leave weights).
_SITUATIONS = {
    "supported": (
        0.30,
        (0, 0, 0.05, 0.25, 0.2, 0.5),
        0.0,
        {"benefits": (0.85, 0.05, 0.1), "care_options": (0.7, 0.1, 0.2),
         "wellness_program": (0.7, 0.2, 0.1), "seek_help": (0.7, 0.15, 0.15),
         "anonymity": (0.65, 0.05, 0.3), "mental_vs_physical": (0.6, 0.15, 0.25)},
        (0.35, 0.35, 0.2, 0.07, 0.03),
    ),
    "unclear": (
        0.30,
        (0, 0.05, 0.15, 0.3, 0.15, 0.35),
        0.0,
        {"benefits": (0.2, 0.1, 0.7), "care_options": (0.1, 0.25, 0.65),
         "wellness_program": (0.05, 0.75, 0.2), "seek_help": (0.05, 0.45, 0.5),
         "anonymity": (0.05, 0.05, 0.9), "mental_vs_physical": (0.1, 0.15, 0.75)},
        (0.05, 0.1, 0.7, 0.1, 0.05),
    ),
    "small": (
        0.28,
        (0.25, 0.45, 0.3, 0, 0, 0),
        0.0,
        {"benefits": (0.15, 0.7, 0.15), "care_options": (0.05, 0.8, 0.15),
         "wellness_program": (0.02, 0.93, 0.05), "seek_help": (0.03, 0.9, 0.07),
         "anonymity": (0.15, 0.15, 0.7), "mental_vs_physical": (0.25, 0.35, 0.4)},
        (0.15, 0.2, 0.35, 0.2, 0.1),
    ),
    "self_employed": (
        0.12,
        (0.8, 0.15, 0.05, 0, 0, 0),
        1.0,
        {"benefits": (0.05, 0.55, 0.4), "care_options": (0.05, 0.6, 0.35),
         "wellness_program": (0.02, 0.9, 0.08), "seek_help": (0.02, 0.85, 0.13),
         "anonymity": (0.1, 0.1, 0.8), "mental_vs_physical": (0.2, 0.2, 0.6)},
        (0.3, 0.2, 0.4, 0.05, 0.05),
    ),
}  # fmt: skip
_COUNTRIES = (
    ("United States", 0.6), ("United Kingdom", 0.15), ("Canada", 0.06), ("Germany", 0.04),
    ("Netherlands", 0.03), ("Ireland", 0.03), ("Australia", 0.03), ("India", 0.02),
    ("France", 0.02), ("Sweden", 0.02),
)  # fmt: skip
_STATES = ("CA", "WA", "NY", "TX", "TN", "IL", "OH", "OR", "PA", "IN", "MA", "MI", "MN", "GA")
_GENDERS = (
    ("Male", 0.5), ("male", 0.15), ("M", 0.08), ("m", 0.02), ("Man", 0.01), ("Male ", 0.01),
    ("Female", 0.11), ("female", 0.05), ("F", 0.03), ("f", 0.01), ("Woman", 0.01),
    ("non-binary", 0.005), ("Genderqueer", 0.004), ("Agender", 0.003), ("Trans-female", 0.002),
    ("A little about you", 0.001), ("p", 0.001),
)  # fmt: skip
_IMPOSSIBLE_AGES = (-1726, -1, 5, 329, 99999999999)
_COMMENTS = (
    "My employer is great about this.",
    "I wish we talked about it more at work.",
    "Happy to talk more: someone.example@example.com",
    "Call me on 555-010-4477 if you want details.",
)


def _pick(rng: np.random.Generator, options, weights, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[
        rng.choice(len(options), size, p=weights / weights.sum())
    ]


def _noisy(rng, situation_answers: np.ndarray, options, noise: float) -> np.ndarray:
    """Each answer replaced by a uniformly random one with probability `noise`."""
    swap = rng.random(len(situation_answers)) < noise
    answers = situation_answers.copy()
    answers[swap] = _pick(rng, options, np.ones(len(options)), int(swap.sum()))
    return answers


def generate_sample_frame(scale: float = 1.0, seed: int = SEED) -> pd.DataFrame:
    """The sample respondents as the export's columns (text, None for NA)."""
    if not scale > 0:
        raise ValueError(f"scale must be a positive number such as 1 or 10, got {scale!r}")
    n = max(round(RESPONDENTS_PER_SCALE * scale), 20)
    rng = np.random.default_rng(seed)
    names = list(_SITUATIONS)
    situation = _pick(rng, names, [_SITUATIONS[s][0] for s in names], n)
    frame = {column: np.full(n, None, dtype=object) for column in COLUMNS_2014}
    for name, (_, sizes, self_employed, answers, leave) in _SITUATIONS.items():
        rows = np.flatnonzero(situation == name)
        k = len(rows)
        frame["no_employees"][rows] = _pick(rng, SIZES, sizes, k)
        frame["self_employed"][rows] = np.where(rng.random(k) < self_employed, "Yes", "No")
        for question, weights in answers.items():
            options = ("Yes", "No", "Not sure") if question == "care_options" else YES_NO_DK
            frame[question][rows] = _noisy(rng, _pick(rng, options, weights, k), options, 0.1)
        frame["leave"][rows] = _noisy(rng, _pick(rng, LEAVE, leave, k), LEAVE, 0.1)
    family = rng.random(n) < 0.4
    frame["family_history"] = np.where(family, "Yes", "No").astype(object)
    p_treatment = (
        0.3
        + 0.3 * family
        + 0.1 * (frame["benefits"] == "Yes")
        + 0.05 * (frame["care_options"] == "Yes")
    )
    treated = rng.random(n) < p_treatment
    frame["treatment"] = np.where(treated, "Yes", "No").astype(object)
    interferes = _pick(rng, ("Never", "Rarely", "Sometimes", "Often"), (0.15, 0.3, 0.4, 0.15), n)
    frame["work_interfere"] = np.where(treated | (rng.random(n) < 0.5), interferes, None)
    frame["remote_work"] = np.where(
        (situation == "self_employed") | (rng.random(n) < 0.25), "Yes", "No"
    ).astype(object)
    frame["tech_company"] = np.where(rng.random(n) < 0.8, "Yes", "No").astype(object)
    for question, options, weights in (
        ("mental_health_consequence", ("Yes", "No", "Maybe"), (0.25, 0.4, 0.35)),
        ("phys_health_consequence", ("Yes", "No", "Maybe"), (0.05, 0.75, 0.2)),
        ("coworkers", ("Yes", "No", "Some of them"), (0.2, 0.2, 0.6)),
        ("supervisor", ("Yes", "No", "Some of them"), (0.4, 0.3, 0.3)),
        ("mental_health_interview", ("Yes", "No", "Maybe"), (0.03, 0.8, 0.17)),
        ("phys_health_interview", ("Yes", "No", "Maybe"), (0.2, 0.35, 0.45)),
        ("obs_consequence", ("Yes", "No"), (0.15, 0.85)),
    ):
        frame[question] = _pick(rng, options, weights, n)

    country_names, country_weights = zip(*_COUNTRIES, strict=True)
    frame["Country"] = _pick(rng, country_names, country_weights, n)
    us = frame["Country"] == "United States"
    # A few non-US rows carry a state, as in the real export.
    stray_state = ~us & (rng.random(n) < 0.005)
    frame["state"] = np.where(us | stray_state, _pick(rng, _STATES, np.ones(len(_STATES)), n), None)
    gender_names, gender_weights = zip(*_GENDERS, strict=True)
    frame["Gender"] = _pick(rng, gender_names, gender_weights, n)
    ages = np.clip(np.round(rng.normal(32, 7.5, n)), 18, 72).astype(np.int64).astype(object)
    odd = rng.random(n) < 0.004
    ages[odd] = _pick(rng, _IMPOSSIBLE_AGES, np.ones(len(_IMPOSSIBLE_AGES)), int(odd.sum()))
    frame["Age"] = ages.astype(str)
    start = np.datetime64("2014-08-27T11:00:00")
    seconds = np.sort(rng.integers(0, 120 * 24 * 3600, n))
    # Submissions are logged almost in order: a few swap with their neighbour.
    swap = np.flatnonzero(rng.random(n - 1) < 0.003)
    seconds[swap], seconds[swap + 1] = seconds[swap + 1], seconds[swap]
    frame["Timestamp"] = (start + seconds.astype("timedelta64[s]")).astype(str)
    frame["Timestamp"] = np.char.replace(frame["Timestamp"].astype(str), "T", " ").astype(object)
    has_comment = rng.random(n) < 0.12
    frame["comments"] = np.where(
        has_comment, _pick(rng, _COMMENTS, np.ones(len(_COMMENTS)), n), None
    )
    return pd.DataFrame(frame, columns=list(COLUMNS_2014))


def generate_sample_csv(scale: float = 1.0, seed: int = SEED) -> str:
    """The sample as the export's CSV text: strings quoted, unanswered questions as NA."""
    frame = generate_sample_frame(scale, seed)
    return frame.to_csv(index=False, na_rep="NA", lineterminator="\n")
