"""Respondent frames in marts.dim_survey_respondents columns, for the segment and
recommendation tests: synthetic ones with planted workplace types, and the real 2014 OSMI
survey (../shared; skipped when absent) mapped to the contract's columns and values."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from tests.real_data import OSMI_SURVEY_2014, require

COMPANY_SIZES = ("1-5", "6-25", "26-100", "100-500", "500-1000", "More than 1000")
ANSWERS = {
    "benefits": ("yes", "no", "unsure", "not_applicable"),
    "care_options": ("yes", "no", "unsure", "not_applicable"),
    "wellness_program": ("yes", "no", "unsure"),
    "seek_help": ("yes", "no", "unsure"),
    "anonymity": ("yes", "no", "unsure"),
    "leave_ease": (
        "very easy",
        "somewhat easy",
        "neither easy nor difficult",
        "somewhat difficult",
        "very difficult",
        "unsure",
    ),
    "mental_vs_physical": ("yes", "no", "unsure"),
    "remote_work": ("yes", "sometimes", "no"),
}
# Three workplace situations: (answers, company size ranks, chance of having sought treatment).
PLANTED = {
    "supportive large employer": (
        dict(
            benefits="yes",
            care_options="yes",
            wellness_program="yes",
            seek_help="yes",
            anonymity="yes",
            leave_ease="very easy",
            mental_vs_physical="yes",
        ),
        (6,),
        0.7,
    ),
    "small employer without support": (
        dict(
            benefits="no",
            care_options="no",
            wellness_program="no",
            seek_help="no",
            anonymity="no",
            leave_ease="very difficult",
            mental_vs_physical="no",
        ),
        (1,),
        0.3,
    ),
    "unsure what is offered": (
        dict(
            benefits="unsure",
            care_options="unsure",
            wellness_program="unsure",
            seek_help="unsure",
            anonymity="unsure",
            leave_ease="unsure",
            mental_vs_physical="unsure",
        ),
        (3,),
        0.5,
    ),
}


def synthetic_respondents(
    sizes: tuple[int, ...] = (120, 120, 120),
    *,
    outliers: int = 0,
    flip: float = 0.1,
    missing: float = 0.02,
    seed: int = 0,
) -> pd.DataFrame:
    """Respondents of the PLANTED situations (``sizes`` in their order) plus ``outliers``
    answering at random. Each answer is swapped for a random one with chance ``flip`` and left
    blank with chance ``missing``. Column ``planted`` holds the situation's index (-1 outlier)."""
    rng = np.random.default_rng(seed)
    rows = []
    kinds = [(k, n) for k, n in enumerate(sizes)] + [(-1, outliers)]
    situations = list(PLANTED.values())
    for kind, count in kinds:
        for _ in range(count):
            if kind >= 0:
                answers, ranks, treated = situations[kind]
                row = {
                    f: (rng.choice(ANSWERS[f]) if rng.random() < flip else a)
                    for f, a in answers.items()
                }
                rank = int(rng.choice(ranks))
            else:
                row = {f: rng.choice(ANSWERS[f][:3]) for f in situations[0][0]}
                rank, treated = int(rng.integers(1, 7)), 0.5
            row = {f: (None if rng.random() < missing else a) for f, a in row.items()}
            rows.append(
                {
                    **row,
                    "planted": kind,
                    "company_size_rank": rank,
                    "sought_treatment": bool(rng.random() < treated),
                }
            )
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame.insert(0, "respondent_id", [f"osmi-2014-{i:012x}" for i in range(n)])
    frame.insert(1, "survey_year", 2014)
    frame["company_size"] = [COMPANY_SIZES[r - 1] for r in frame["company_size_rank"]]
    frame["is_self_employed"] = frame["company_size_rank"].eq(1) & (rng.random(n) < 0.5)
    frame["is_tech_company"] = rng.random(n) < 0.8
    frame["remote_work"] = rng.choice(ANSWERS["remote_work"], n)
    frame["family_history"] = rng.choice(["yes", "no"], n)
    frame["work_interference"] = rng.choice(["never", "rarely", "sometimes", "often"], n)
    frame["gender"] = rng.choice(["female", "male", "non-binary or other"], n)
    frame["age"] = rng.integers(20, 60, n)
    return frame


def _lower(series: pd.Series, renames: dict[str, str] | None = None) -> pd.Series:
    lowered = series.str.strip().str.lower()
    return lowered.replace(renames or {}).where(series.notna(), None)


def _yes_no(series: pd.Series) -> pd.Series:
    return series.map({"Yes": True, "No": False}).astype("boolean")


def real_2014_respondents() -> pd.DataFrame:
    """The real 2014 OSMI survey in the contract's columns (skips the test when absent).

    Only the columns the segments, profiles and recommendations read are mapped; "Don't know"
    and "Not sure" become 'unsure', as the dbt staging model maps them.
    """
    raw = pd.read_csv(require(OSMI_SURVEY_2014))
    unsure = {"don't know": "unsure", "not sure": "unsure"}
    some = {"some of them": "some"}
    ids = [
        "osmi-2014-" + hashlib.sha256(f"{i}|{t}".encode()).hexdigest()[:12]
        for i, t in enumerate(raw["Timestamp"])
    ]
    size = raw["no_employees"].where(raw["no_employees"].isin(COMPANY_SIZES))
    frame = pd.DataFrame(
        {
            "respondent_id": ids,
            "survey_year": 2014,
            "age": raw["Age"].where(raw["Age"].between(18, 100)),
            "is_self_employed": _yes_no(raw["self_employed"]),
            "company_size": size,
            "company_size_rank": size.map({s: i + 1 for i, s in enumerate(COMPANY_SIZES)}),
            "is_tech_company": _yes_no(raw["tech_company"]),
            "remote_work": _lower(raw["remote_work"]),
            "family_history": _lower(raw["family_history"]),
            "sought_treatment": _yes_no(raw["treatment"]),
            "work_interference": _lower(raw["work_interfere"]),
            "benefits": _lower(raw["benefits"], unsure),
            "care_options": _lower(raw["care_options"], unsure),
            "wellness_program": _lower(raw["wellness_program"], unsure),
            "seek_help": _lower(raw["seek_help"], unsure),
            "anonymity": _lower(raw["anonymity"], unsure),
            "leave_ease": _lower(raw["leave"], unsure),
            "mental_health_consequence": _lower(raw["mental_health_consequence"]),
            "coworkers": _lower(raw["coworkers"], some),
            "supervisor": _lower(raw["supervisor"], some),
            "mental_vs_physical": _lower(raw["mental_vs_physical"], unsure),
            "obs_consequence": _lower(raw["obs_consequence"]),
        }
    )
    return frame


def workplace_respondents(n: int = 2_000, *, seed: int = 0) -> pd.DataFrame:
    """Respondents with every profile field and support drawn at random, except one planted
    association: those who know their employer's care options sought treatment far more often
    (80% vs 20%); every other support is unrelated to treatment."""
    rng = np.random.default_rng(seed)
    size = rng.choice(COMPANY_SIZES, n)
    care = rng.choice(["yes", "no", "unsure"], n)
    frame = pd.DataFrame(
        {
            "respondent_id": [f"osmi-2016-{i:012x}" for i in range(n)],
            "survey_year": 2016,
            "is_self_employed": rng.random(n) < 0.15,
            "company_size": size,
            "company_size_rank": [COMPANY_SIZES.index(s) + 1 for s in size],
            "is_tech_company": rng.random(n) < 0.7,
            "remote_work": rng.choice(ANSWERS["remote_work"], n),
            "benefits": rng.choice(ANSWERS["benefits"], n),
            "care_options": care,
            "sought_treatment": rng.random(n) < np.where(care == "yes", 0.8, 0.2),
        }
    )
    for name in ("wellness_program", "seek_help", "anonymity", "leave_ease", "mental_vs_physical"):
        frame[name] = rng.choice(ANSWERS[name], n)
    return frame
