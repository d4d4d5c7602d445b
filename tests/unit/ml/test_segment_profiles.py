"""Segment profiles: effect sizes by hand, planted answers found, plain and kind words."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from ml_assets.gower import FeatureSpec
from ml_assets.segment_profiles import (
    NO_CLEAR_GROUP,
    PROFILE_COLUMNS,
    normalised_mutual_information,
    profile_segments,
)
from tests.unit.ml.survey_frames import synthetic_respondents

DIAGNOSTIC_WORDS = re.compile(
    r"\b(depress\w*|anxious|disorder\w*|diagnos\w*|ill|illness|patients?)\b", re.I
)
SUPPORT = ("benefits", "care_options", "wellness_program", "seek_help", "anonymity")


def planted_assignments(frame: pd.DataFrame) -> pd.DataFrame:
    """The planted situations as segments (random answerers as noise): profiles are tested
    on known groups, whatever the clustering finds."""
    return frame[["respondent_id", "survey_year"]].assign(segment=frame["planted"])


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return synthetic_respondents((60, 60, 60), outliers=30, flip=0.1, seed=11)


@pytest.fixture(scope="module")
def profiles(planted) -> pd.DataFrame:
    return profile_segments(planted, planted_assignments(planted))


def test_cohens_h_and_shares_by_hand():
    # Segment 0: benefits yes, yes, yes, no (p1 = 0.75); others: yes, no, no, no (p2 = 0.25).
    # h = 2·asin(√0.75) − 2·asin(√0.25) = 2·π/3 − 2·π/6 = π/3 ≈ 1.0472.
    # sought_treatment in segment 0: True, True, None, False -> 2 of 3 who answered.
    frame = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(8)],
            "survey_year": 2014,
            "benefits": ["yes", "yes", "yes", "no", "yes", "no", "no", "no"],
            "sought_treatment": pd.array([True, True, None, False] + [False] * 4, "boolean"),
        }
    )
    assignments = frame[["respondent_id", "survey_year"]].assign(segment=[0] * 4 + [1] * 4)
    spec = FeatureSpec(categorical=("benefits",))
    profile = profile_segments(frame, assignments, features=spec).set_index("segment")
    answer = json.loads(profile.loc[0, "distinguishing_answers"])[0]
    assert (answer["answer"], answer["segment_share"], answer["others_share"]) == (
        "yes",
        0.75,
        0.25,
    )
    assert answer["effect_size"] == pytest.approx(math.pi / 3, abs=1e-4)
    assert profile.loc[0, "treatment_rate"] == pytest.approx(2 / 3)
    assert profile.loc[1, "treatment_rate"] == 0
    assert "75% vs 25% of others" in profile.loc[0, "summary"]


def test_numeric_answers_get_the_standardised_mean_difference():
    # Segment 0 ranks 5, 6, 6, 5 (mean 5.5, variance 1/3); others 1, 2, 2, 1 (mean 1.5, 1/3).
    # Pooled sd = √(1/3); SMD = (5.5 − 1.5) / √(1/3) = 4·√3 ≈ 6.928.
    frame = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(8)],
            "survey_year": 2014,
            "company_size_rank": [5, 6, 6, 5, 1, 2, 2, 1],
            "sought_treatment": [True, False] * 4,
        }
    )
    assignments = frame[["respondent_id", "survey_year"]].assign(segment=[0] * 4 + [-1] * 4)
    spec = FeatureSpec(numeric=("company_size_rank",))
    profile = profile_segments(frame, assignments, features=spec).set_index("segment")
    answer = json.loads(profile.loc[0, "distinguishing_answers"])[0]
    assert answer["effect_size"] == pytest.approx(4 * math.sqrt(3), abs=1e-3)
    assert (answer["segment_mean"], answer["others_mean"]) == (5.5, 1.5)
    assert "larger companies" in profile.loc[0, "summary"]
    assert profile.loc[-1, "label"] == NO_CLEAR_GROUP


def test_profiles_follow_the_contract(profiles, planted):
    assert list(profiles.columns) == PROFILE_COLUMNS
    assert sorted(profiles["segment"]) == [-1, 0, 1, 2]
    assert profiles["size"].sum() == len(planted)
    assert profiles["share"].sum() == pytest.approx(1)
    assert profiles["label"].is_unique
    assert profiles.set_index("segment").loc[-1, "label"] == NO_CLEAR_GROUP
    for _, row in profiles.iterrows():
        inside = planted["planted"] == row["segment"]
        assert row["treatment_rate"] == pytest.approx(
            planted.loc[inside, "sought_treatment"].mean()
        )
        answers = json.loads(row["distinguishing_answers"])
        effects = [abs(a["effect_size"]) for a in answers]
        assert 0 < len(answers) <= 5 and effects == sorted(effects, reverse=True)
        assert min(effects) >= 0.2 and len({a["feature"] for a in answers}) == len(answers)
        importance = [d["importance"] for d in json.loads(row["drivers"])]
        assert importance == sorted(importance, reverse=True)
        assert all(0 <= i <= 1 for i in importance)


def test_planted_answers_lead_each_profile(profiles):
    by_segment = profiles.set_index("segment")
    # Supportive employers: the strongest answers are supports offered, said by most.
    top = json.loads(by_segment.loc[0, "distinguishing_answers"])[0]
    assert top["feature"] in SUPPORT + ("leave_ease", "mental_vs_physical", "company_size")
    assert top["segment_share"] > 0.8 and top["effect_size"] > 0.8
    assert (
        by_segment.loc[0, "summary"].count("Most") + by_segment.loc[0, "summary"].count("most") >= 2
    )
    # The third situation is unsureness about what is offered: its label says so.
    assert "unsure" in by_segment.loc[2, "label"].lower()
    # Drivers: planted questions matter more than remote work, which was drawn at random.
    drivers = {d["feature"]: d["importance"] for d in json.loads(by_segment.loc[1, "drivers"])}
    assert min(drivers[f] for f in SUPPORT) > drivers["remote_work"]


def test_words_are_plain_and_never_diagnostic(profiles):
    text = " ".join(profiles["label"]) + " " + " ".join(profiles["summary"])
    assert not DIAGNOSTIC_WORDS.search(text)
    for summary in profiles["summary"]:
        assert 2 <= summary.count(".") <= 4  # two or three sentences
    assert not np.isnan(profiles["treatment_rate"]).any()


def test_driver_importance_is_scikit_learns_normalised_mutual_information():
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(4)
    inside = (rng.random(500) < 0.3).astype(np.int64)
    related = np.where(rng.random(500) < 0.7, inside * 2, rng.integers(0, 4, 500))
    for codes in (related, rng.integers(0, 3, 500), np.zeros(500, dtype=np.int64)):
        ours = normalised_mutual_information(codes, inside)
        assert ours == pytest.approx(normalized_mutual_info_score(inside, codes), abs=1e-12)
