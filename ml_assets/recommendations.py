"""General resource suggestions for a workplace situation, from what went with seeking help
among survey respondents in a similar one.

A profile is the dashboard form's four answers (work setting, remote work, employer benefits,
tech company). Profiles and respondents are one-hot vectors over those four fields; cosine
similarity picks the respondents whose workplace is most like the profile: the ``k`` most
similar and everyone tied with the k-th, so the choice among equally similar respondents is not
arbitrary. Among them, for each workplace support (benefits, care options, a wellness
programme, resources on seeking help, anonymity, easy leave), the share who had sought
treatment is compared between those who had the support and those who did not. A support that
went with seeking help more often raises the resources tagged with it; the profile itself adds
tags (self-employed, remote, no or unsure benefits). These are associations in a survey, not
effects: the explanations say "more often", never that a support caused anything.

Crisis resources come first in every list, whatever the scores. Suggestions are general; no
explanation says anything about the person's health.

Every one of the 7 × 3 × 3 × 2 = 126 profiles is computed at once: one matrix product of
profiles by respondents gives all similarities, a second counts the supports among each
profile's similar respondents.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ml_assets.recommendation_wording import crisis_explanation, explanation

RECOMMENDATION_VERSION = "resource-recommendations/v1"
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "work_setting": (
        "self-employed",
        "1-5",
        "6-25",
        "26-100",
        "100-500",
        "500-1000",
        "More than 1000",
    ),
    "remote_work": ("yes", "sometimes", "no"),
    "benefits": ("yes", "no", "unsure"),
    "tech_company": ("yes", "no"),
}
# Support -> (the answers that count as having it, the catalog tag of resources about it).
SUPPORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "benefits": (("yes",), "benefits"),
    "care_options": (("yes",), "care_options"),
    "wellness_program": (("yes",), "wellness_program"),
    "seek_help": (("yes",), "seek_help"),
    "anonymity": (("yes",), "anonymity"),
    "leave_ease": (("very easy", "somewhat easy"), "leave"),
}
RECOMMENDATION_COLUMNS = [
    "profile_id",
    *PROFILE_FIELDS,
    "rank",
    "resource_id",
    "resource_name",
    "resource_type",
    "contact",
    "url",
    "is_crisis",
    "score",  # crisis resources 1.0; others in [0, 1]
    "similarity",  # mean cosine similarity of the similar respondents used
    "similar_respondents",
    "explanation",
]
SMOOTHING = 10  # pseudo-respondents at the similar group's overall rate, per compared group
MIN_GROUP = 5  # fewer respondents with (or without) a support: too few to compare
PROFILE_WEIGHT = 0.1  # a resource matching the profile's situation: worth a 10-point gap


def profile_id(profile: Mapping[str, str]) -> str:
    """'work_setting=<v>;remote_work=<v>;benefits=<v>;tech_company=<v>', checked."""
    for field, allowed in PROFILE_FIELDS.items():
        if profile.get(field) not in allowed:
            raise ValueError(f"{field} must be one of {allowed}, not {profile.get(field)!r}")
    return ";".join(f"{field}={profile[field]}" for field in PROFILE_FIELDS)


def all_profiles() -> pd.DataFrame:
    """Every combination of the form's fields (126 rows), with its profile_id."""
    frame = pd.DataFrame(
        list(itertools.product(*PROFILE_FIELDS.values())), columns=list(PROFILE_FIELDS)
    )
    frame.insert(0, "profile_id", [profile_id(row) for row in frame.to_dict("records")])
    return frame


def respondent_profiles(respondents: pd.DataFrame) -> pd.DataFrame:
    """Respondents in the profile's fields. work_setting is 'self-employed' when they are,
    else their company size. Benefits 'not_applicable' (not eligible for any) counts as 'no':
    for what might help, having none to use is the situation that matters."""
    self_employed = respondents["is_self_employed"].astype("boolean").fillna(False).to_numpy(bool)
    tech = respondents["is_tech_company"].astype("boolean")
    return pd.DataFrame(
        {
            "work_setting": np.where(
                self_employed, "self-employed", respondents["company_size"].astype(object)
            ),
            "remote_work": respondents["remote_work"],
            "benefits": respondents["benefits"].replace({"not_applicable": "no"}),
            "tech_company": tech.map({True: "yes", False: "no"}).astype(object),
        },
        index=respondents.index,
    )


def _one_hot(profiles: pd.DataFrame) -> np.ndarray:
    """(rows, 15) indicators of each field's value; a blank field is all zeros."""
    blocks = [
        np.column_stack([profiles[field].to_numpy(object) == value for value in values])
        for field, values in PROFILE_FIELDS.items()
    ]
    return np.hstack(blocks).astype(np.float32)


def similarities(profiles: pd.DataFrame, respondents: pd.DataFrame) -> np.ndarray:
    """(profiles, respondents) cosine similarity of their one-hot answers, in [0, 1];
    0 for a respondent who answered none of the four fields."""
    p = _one_hot(profiles)
    r = _one_hot(respondent_profiles(respondents))
    norms = np.sqrt(p.sum(axis=1))[:, None] * np.sqrt(r.sum(axis=1))[None, :]
    dot = p @ r.T
    return np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)


def similar_sets(similarity: np.ndarray, k: int) -> np.ndarray:
    """(profiles, respondents) mask: the k most similar respondents and all tied with the k-th
    (similarity above 0 only)."""
    n = similarity.shape[1]
    if n == 0:
        return np.zeros_like(similarity, dtype=bool)
    kth = np.partition(similarity, n - min(k, n), axis=1)[:, n - min(k, n)]
    return (similarity >= kth[:, None]) & (similarity > 0)


def support_rates(respondents: pd.DataFrame, similar: np.ndarray) -> dict[str, np.ndarray]:
    """Per profile and support: the treatment rate of similar respondents with it and
    without it (raw and smoothed), and the group sizes; one matrix product for all."""
    treated = respondents["sought_treatment"].astype("boolean")
    answered = treated.notna().to_numpy()
    yes = treated.fillna(False).to_numpy(bool)
    columns = [answered, yes]
    for name, (having, _) in SUPPORTS.items():
        has = respondents[name].isin(having).to_numpy()
        lacks = respondents[name].notna().to_numpy() & ~has
        columns += [has & answered, has & yes, lacks & answered, lacks & yes]
    counts = similar.astype(np.float32) @ np.column_stack(columns).astype(np.float32)
    base = np.divide(
        counts[:, 1], counts[:, 0], out=np.full(len(counts), np.nan), where=counts[:, 0] > 0
    )
    prior = np.nan_to_num(base, nan=0.0)[:, None]
    n_with, t_with, n_without, t_without = (counts[:, 2 + i :: 4] for i in range(4))
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = {
            "n_with": n_with,
            "n_without": n_without,
            "rate_with": t_with / n_with,
            "rate_without": t_without / n_without,
            "lift": (t_with + SMOOTHING * prior) / (n_with + SMOOTHING)
            - (t_without + SMOOTHING * prior) / (n_without + SMOOTHING),
        }
    enough = (n_with >= MIN_GROUP) & (n_without >= MIN_GROUP)
    rates["lift"] = np.where(enough, rates["lift"], 0.0)
    return rates


def profile_tags(profile: Mapping[str, str]) -> set[str]:
    """Catalog tags the situation itself asks for."""
    tags = set()
    if profile["work_setting"] == "self-employed":
        tags |= {"self_employed", "low_cost"}
    if profile["remote_work"] in ("yes", "sometimes"):
        tags.add("remote")
    if profile["benefits"] == "no":
        tags.add("low_cost")
    if profile["benefits"] == "unsure":
        tags.add("benefits")
    return tags


def precompute_recommendations(
    respondents: pd.DataFrame, catalog: pd.DataFrame, *, k: int = 100
) -> pd.DataFrame:
    """Ranked resources for all 126 profiles (ml.resource_recommendations without the run
    columns), crisis resources first in each."""
    return _rank(all_profiles(), respondents, catalog, k)


def recommend(
    profile: Mapping[str, str], respondents: pd.DataFrame, catalog: pd.DataFrame, *, k: int = 100
) -> pd.DataFrame:
    """Ranked resources for one profile, as precompute_recommendations ranks them."""
    one = pd.DataFrame([{field: profile[field] for field in PROFILE_FIELDS}])
    one.insert(0, "profile_id", profile_id(profile))
    return _rank(one, respondents, catalog, k)


def _rank(
    profiles: pd.DataFrame, respondents: pd.DataFrame, catalog: pd.DataFrame, k: int
) -> pd.DataFrame:
    respondents = respondents.sort_values(["survey_year", "respondent_id"], ignore_index=True)
    resources = catalog.reset_index(drop=True).to_dict("records")
    for resource in resources:
        resource["is_crisis"] = _as_bool(resource["is_crisis"])
        resource["tag_set"] = (
            set(str(resource["tags"]).split("|")) if pd.notna(resource["tags"]) else set()
        )
    similarity = similarities(profiles, respondents)
    similar = similar_sets(similarity, k)
    count = similar.sum(axis=1)
    total = (similarity * similar).sum(axis=1)
    mean_similarity = np.divide(total, count, out=np.full(len(count), np.nan), where=count > 0)
    rates = support_rates(respondents, similar)
    rows = []
    for p, profile in enumerate(profiles.to_dict("records")):
        group = {
            "similarity": round(float(mean_similarity[p]), 4),
            "similar_respondents": int(count[p]),
        }
        lifts = {
            name: {key: values[p, i] for key, values in rates.items()}
            for i, name in enumerate(SUPPORTS)
        }
        suggestions = [_suggestion(resource, profile, group, lifts) for resource in resources]
        # Crisis first (in catalog order), then by score; ties keep the catalog's order.
        order = sorted(
            range(len(resources)),
            key=lambda r: (not resources[r]["is_crisis"], -suggestions[r]["score"], r),
        )
        for rank, r in enumerate(order, start=1):
            rows.append({**profile, "rank": rank, **suggestions[r], **group})
    return pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS)


def _suggestion(resource: dict, profile: dict, group: dict, lifts: dict[str, dict]) -> dict:
    """A resource's score and explanation for one profile.

    Score: (1 - PROFILE_WEIGHT) × the largest positive lift among the supports the resource is
    tagged with + PROFILE_WEIGHT × the share of the profile's own tags it carries, in [0, 1];
    crisis resources 1.0 (they are first anyway).
    """
    about = [name for name, (_, tag) in SUPPORTS.items() if tag in resource["tag_set"]]
    best = max(about, key=lambda name: lifts[name]["lift"], default=None)
    lift = max(float(lifts[best]["lift"]), 0.0) if best else 0.0
    wanted = profile_tags(profile)
    matched = resource["tag_set"] & wanted
    fit = len(matched) / len(wanted) if wanted else 0.0
    if resource["is_crisis"]:
        score, text = 1.0, crisis_explanation(resource)
    else:
        score = round(float(np.clip((1 - PROFILE_WEIGHT) * lift + PROFILE_WEIGHT * fit, 0, 1)), 4)
        evidence = None
        if lift > 0:
            evidence = (best, float(lifts[best]["rate_with"]), float(lifts[best]["rate_without"]))
        text = explanation(
            resource, group["similar_respondents"], group["similarity"], evidence, matched
        )
    return {
        "resource_id": resource["resource_id"],
        "resource_name": resource["name"],
        "resource_type": resource["resource_type"],
        "contact": resource["contact"],
        "url": resource["url"],
        "is_crisis": resource["is_crisis"],
        "score": score,
        "explanation": text,
    }


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "t", "1", "yes")
    return bool(value) if pd.notna(value) else False
