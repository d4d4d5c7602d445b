"""Resource suggestions: crisis first, planted association ranked, plain words, 126 profiles."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml_assets.recommendations import (
    PROFILE_FIELDS,
    RECOMMENDATION_COLUMNS,
    SUPPORTS,
    all_profiles,
    precompute_recommendations,
    profile_id,
    recommend,
    respondent_profiles,
    similarities,
    support_rates,
)
from tests.unit.ml.survey_frames import workplace_respondents

SEED_CATALOG = (
    Path(__file__).resolve().parents[3] / "dbt_project" / "seeds" / "resource_catalog.csv"
)
FORBIDDEN = re.compile(r"\b(depress\w*|anxious|disorder\w*|diagnos\w*|ill|patients?)\b|caus", re.I)


def small_catalog() -> pd.DataFrame:
    rows = [
        ("lifeline", "Lifeline", "crisis", True, "crisis", "Call 988"),
        ("text_line", "Text line", "crisis", True, "crisis|remote", "Text 741741"),
        ("peer_group", "Peer group", "peer_support", False, "peer|international", "Online"),
        ("care_finder", "Care finder", "therapy_directory", False, "care_options", "Online"),
        ("wellness_guide", "Wellness guide", "information", False, "wellness_program", "Online"),
        (
            "cheap_therapy",
            "Cheap therapy",
            "therapy_directory",
            False,
            "low_cost|self_employed",
            "Web",
        ),
    ]
    frame = pd.DataFrame(
        rows, columns=["resource_id", "name", "resource_type", "is_crisis", "tags", "contact"]
    )
    frame["url"] = "https://example.org/" + frame["resource_id"]
    frame["description"] = "One plain sentence about " + frame["name"] + "."
    return frame


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return workplace_respondents(2_000, seed=1)


@pytest.fixture(scope="module")
def table(respondents) -> pd.DataFrame:
    return precompute_recommendations(respondents, small_catalog(), k=100)


def test_every_profile_is_present_once_per_resource_with_contiguous_ranks(table):
    assert list(table.columns) == RECOMMENDATION_COLUMNS
    assert table["profile_id"].nunique() == 7 * 3 * 3 * 2 == len(all_profiles())
    assert not table.duplicated(["profile_id", "resource_id"]).any()
    for _, ranks in table.groupby("profile_id")["rank"]:
        assert sorted(ranks) == list(range(1, len(small_catalog()) + 1))
    # profile_id is built from the four columns, in the contract's order.
    first = table.iloc[0]
    assert first["profile_id"] == ";".join(f"{f}={first[f]}" for f in PROFILE_FIELDS)


def test_crisis_resources_come_first_for_every_profile(table):
    for _, rows in table.sort_values("rank").groupby("profile_id"):
        assert rows["resource_id"].head(2).tolist() == ["lifeline", "text_line"]
        assert rows["is_crisis"].tolist() == [True, True, False, False, False, False]
        assert (rows["score"].diff().iloc[3:] <= 0).all()  # the rest by score


def test_the_planted_association_ranks_the_care_resource_higher(table):
    rank = table.pivot(index="profile_id", columns="resource_id", values="rank")
    assert (rank["care_finder"] < rank["peer_group"]).all()
    assert (rank["care_finder"] < rank["wellness_guide"]).mean() > 0.9
    care = table[table["resource_id"] == "care_finder"]
    assert (
        care["explanation"].str.contains("knew their employer's mental-health care options").all()
    )
    # The figures quoted are the planted rates (80% vs 20%), give or take sampling.
    quoted = care["explanation"].str.extract(r"\((\d+)% vs (\d+)%\)").astype(int)
    assert (quoted[0] - quoted[1]).min() > 30
    assert abs(quoted[0].mean() - 80) < 5 and abs(quoted[1].mean() - 20) < 5


def test_profile_tags_lift_resources_made_for_the_situation(table):
    cheap = table[table["resource_id"] == "cheap_therapy"]
    own = cheap["work_setting"] == "self-employed"
    assert cheap.loc[own, "score"].mean() > cheap.loc[~own, "score"].mean()
    assert cheap.loc[own, "explanation"].str.contains("work for themselves").all()
    assert not cheap.loc[~own, "explanation"].str.contains("work for themselves").any()


def test_similar_respondents_and_similarity(table, respondents):
    assert table["similarity"].between(0, 1).all()
    assert (table["similar_respondents"] >= 100).all()  # k, plus everyone tied with the k-th
    # 2,000 respondents over 126 profiles: the exact matches (about 16) are too few for
    # k = 100, so every group also holds respondents who differ in one answer.
    assert (table["similarity"] < 1).all()
    mapped = respondent_profiles(respondents)
    assert set(mapped["benefits"].dropna()) == {"yes", "no", "unsure"}  # not_applicable -> no
    assert (mapped.loc[respondents["is_self_employed"], "work_setting"] == "self-employed").all()
    # A respondent identical to a profile has similarity 1; one who answered nothing, 0.
    one = respondents.iloc[[0]]
    profiles = all_profiles()
    profile = profiles[profiles["profile_id"] == profile_id(mapped.iloc[0].to_dict())]
    blank = one.assign(is_self_employed=None, company_size=None, remote_work=None)
    blank = blank.assign(benefits=None, is_tech_company=None)
    assert similarities(profile, pd.concat([one, blank])).tolist() == [[1.0, 0.0]]


def test_words_are_plain_and_never_claim_a_cause(table):
    for text in table["explanation"].unique():
        assert not FORBIDDEN.search(text), text
    non_crisis = table[~table["is_crisis"]]
    assert non_crisis["explanation"].str.contains("more often|It fits your situation|general").all()


def test_one_profile_is_ranked_as_in_the_precomputed_table(table, respondents):
    profile = {
        "work_setting": "26-100",
        "remote_work": "no",
        "benefits": "unsure",
        "tech_company": "yes",
    }
    one = recommend(profile, respondents, small_catalog(), k=100)
    expected = table[table["profile_id"] == profile_id(profile)].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, expected)
    with pytest.raises(ValueError, match="work_setting"):
        profile_id({**profile, "work_setting": "huge"})


def test_too_few_with_a_support_gives_no_lift():
    frame = workplace_respondents(200, seed=2)
    frame["anonymity"] = "no"
    frame.loc[frame.index[:3], "anonymity"] = "yes"  # 3 respondents: too few to compare
    rates = support_rates(frame, np.ones((1, len(frame)), dtype=bool))
    assert rates["lift"][0, list(SUPPORTS).index("anonymity")] == 0
    assert rates["lift"][0, list(SUPPORTS).index("care_options")] > 0.3  # planted: 80% vs 20%


def test_the_real_catalog_puts_its_crisis_lines_first_on_every_list():
    # Speed at 100k respondents is make bench's (the pipeline's resource_recommendations step).
    catalog = pd.read_csv(SEED_CATALOG)
    table = precompute_recommendations(workplace_respondents(2_000, seed=1), catalog)
    assert len(table) == 126 * len(catalog)
    crisis = catalog.loc[catalog["is_crisis"], "resource_id"].tolist()
    first = table[table["rank"] <= len(crisis)]
    assert first["is_crisis"].all() and len(first) == 126 * len(crisis)
