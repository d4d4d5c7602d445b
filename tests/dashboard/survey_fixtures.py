"""Workplace-survey rows for the fixture warehouse, in the layouts the Workplace segments and
Find resources pages read (the contract of issue 9).

marts.dim_survey_respondents: 70 respondents of the 2014 and 2016 surveys, in three workplace
situations and "no clear group", some without an answer on treatment; ml.survey_segments puts
each in its segment; ml.segment_profiles and ml.segment_runs describe the groups and the model;
ml.resource_recommendations comes from tests/dashboard/resource_fixtures.py.

The segment sizes and treatment shares of the profiles are counted from the respondents here,
as the pipeline counts them, so the tests can check the page against either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pytest

from ml_assets.survey_tables import SURVEY_TABLES
from orchestration.publish import current_generation, publish_warehouse
from tests.dashboard import resource_fixtures

if TYPE_CHECKING:  # dashboard_fixtures may one day build these tables too: no import cycle
    from tests.dashboard.dashboard_fixtures import Warehouse

MODEL_VERSION = "survey-segments/v1"
RUN_ID = "run-fixture-segments"
CREATED_AT = dt.datetime(2024, 10, 2, 7, 5)
NOISE = -1
NOISE_LABEL = "No clear group"

# (survey year, segment) -> (respondents, said they sought treatment, said they did not); the
# rest left the question blank. Segment 2 outnumbers segment 1 in 2016 only, so the order of
# the groups depends on the year; a few groups have fewer than ten answers on treatment.
PLAN = {
    (2014, 0): (16, 10, 5),
    (2014, 1): (12, 4, 7),
    (2014, 2): (8, 3, 4),
    (2014, NOISE): (4, 2, 2),
    (2016, 0): (10, 7, 3),
    (2016, 1): (6, 2, 3),
    (2016, 2): (11, 5, 5),
    (2016, NOISE): (3, 1, 1),
}
YEARS = (2014, 2016)

# How each situation answers (noise answers cycle through every situation's answers).
SITUATIONS = {
    0: {"company_size": ("More than 1000", "500-1000"), "is_tech_company": True,
        "benefits": "yes", "care_options": "yes", "anonymity": "yes", "remote_work": "sometimes"},
    1: {"company_size": ("1-5", "6-25"), "is_tech_company": True, "benefits": "no",
        "care_options": "no", "anonymity": "unsure", "remote_work": "yes"},
    2: {"company_size": ("26-100", "100-500"), "is_tech_company": False, "benefits": "unsure",
        "care_options": "unsure", "anonymity": "unsure", "remote_work": "no"},
}  # fmt: skip
COMPANY_SIZES = ("1-5", "6-25", "26-100", "100-500", "500-1000", "More than 1000")

LABELS = {
    0: "Large employers with clear mental-health support",
    1: "Small workplaces without mental-health support",
    2: "Mid-size workplaces: unsure what is offered",
    NOISE: NOISE_LABEL,
}
SUMMARIES = {
    0: "Most work for employers of 500 or more who offer mental-health benefits and say "
    "anonymity is protected. Many work remotely some of the time.",
    1: "Mostly very small tech workplaces where no mental-health benefits are offered. Many "
    "work remotely most of the time.",
    2: "Mid-size employers, often outside tech, where people are unsure what support exists.",
    NOISE: "Answers that do not fit any one group well.",
}
# Distinguishing answers (strongest first). An item without an answer is numeric (averages).
# Effect sizes follow Cohen's conventions: 0.2 small, 0.5 medium, 0.8 large.
DISTINGUISHING = {
    0: [("benefits", "Does your employer provide mental health benefits?", "yes", 0.92, 0.18, 1.63),
        ("company_size_rank", "How many employees does your company have?", None, 5.6, 2.4,
         1.21),
        ("anonymity", "Is your anonymity protected?", "yes", 0.62, 0.35, 0.55),
        ("remote_work", "Do you work remotely?", "sometimes", 0.35, 0.24, 0.24)],
    1: [("benefits", "Does your employer provide mental health benefits?", "no", 0.88, 0.21,
         -1.41),
        ("remote_work", "Do you work remotely?", "yes", 0.67, 0.31, 0.73)],
    2: [("care_options", "Do you know the options for mental health care?", "not_applicable",
         0.41, 0.25, 0.35)],
    NOISE: [],
}  # fmt: skip
EFFECT_WORDS = {1.63: "large", 1.21: "large", 0.55: "medium", 0.24: "small", -1.41: "large",
                0.73: "medium", 0.35: "small"}  # fmt: skip
DRIVERS = {
    0: [("benefits", "Does your employer provide mental health benefits?", 0.41),
        ("company_size_rank", "How many employees does your company have?", 0.27)],
    1: [("benefits", "Does your employer provide mental health benefits?", 0.38),
        ("remote_work", "Do you work remotely?", 0.22)],
    2: [("care_options", "Do you know the options for mental health care?", 0.31)],
    NOISE: [],
}  # fmt: skip
RUN = {
    "model_version": MODEL_VERSION, "run_id": RUN_ID, "created_at": CREATED_AT,
    "n_respondents": 70, "n_clustered": 63, "n_segments": 3, "noise_share": 7 / 70,
    "stability_ari_mean": 0.84, "stability_ari_min": 0.71, "validity_dbcv": 0.38,
    "features": json.dumps(["company_size_rank", "is_tech_company", "remote_work", "benefits",
                            "care_options", "anonymity"]),
    "survey_years": json.dumps(list(YEARS)),
}  # fmt: skip


def respondent_id(year: int, index: int) -> str:
    return f"osmi-{year}-" + hashlib.sha256(f"{year}|{index}".encode()).hexdigest()[:12]


def _respondent(year: int, index: int, segment: int, nth: int, treated: bool | None) -> dict:
    situation = SITUATIONS[segment if segment != NOISE else nth % 3]
    size = situation["company_size"][nth % 2]
    return {
        "respondent_id": respondent_id(year, index),
        "survey_year": year,
        "submitted_at": dt.datetime(2014, 8, 27, 11, 0) + dt.timedelta(hours=index)
        if year == 2014
        else None,
        "age": 24 + (index * 7) % 30,
        "age_out_of_range": False,
        "age_band": ("18-24", "25-34", "35-44", "45-54")[index % 4],
        "gender": ("female", "male", "non-binary or other", "male")[index % 4],
        "country": ("United States", "United Kingdom", "Canada")[index % 3],
        "us_state": "CA" if index % 3 == 0 else None,
        "is_self_employed": size == "1-5" and nth % 4 == 0,
        "company_size": size,
        "company_size_rank": COMPANY_SIZES.index(size) + 1,
        "is_tech_company": situation["is_tech_company"],
        "remote_work": situation["remote_work"],
        "family_history": ("yes", "no", "unsure")[nth % 3],
        "sought_treatment": treated,
        "work_interference": ("never", "rarely", "sometimes", "often")[nth % 4],
        "benefits": situation["benefits"],
        "care_options": situation["care_options"],
        "wellness_program": "no",
        "seek_help": "unsure",
        "anonymity": situation["anonymity"],
        "leave_ease": "unsure",
        "mental_health_consequence": "maybe",
        "phys_health_consequence": "no",
        "coworkers": "some",
        "supervisor": "some",
        "mental_health_interview": "no",
        "phys_health_interview": "maybe",
        "mental_vs_physical": "unsure",
        "obs_consequence": "no",
    }


def respondents_and_segments() -> tuple[pd.DataFrame, pd.DataFrame]:
    """marts.dim_survey_respondents and ml.survey_segments rows following PLAN."""
    respondents, segments = [], []
    for year in YEARS:
        index = 0
        for (plan_year, segment), (count, yes, no) in PLAN.items():
            if plan_year != year:
                continue
            for nth in range(count):
                treated = True if nth < yes else False if nth < yes + no else None
                respondents.append(_respondent(year, index, segment, nth, treated))
                segments.append(
                    {"respondent_id": respondent_id(year, index), "survey_year": year,
                     "segment": segment, "membership_probability": 0.0 if segment == NOISE
                     else 0.9, "outlier_score": 0.8 if segment == NOISE else 0.1,
                     "assigned_by": "clustered", "model_version": MODEL_VERSION,
                     "run_id": RUN_ID, "created_at": CREATED_AT}
                )  # fmt: skip
                index += 1
    return pd.DataFrame(respondents), pd.DataFrame(segments)


def counted(year: int | None = None) -> pd.DataFrame:
    """Per segment, from PLAN: respondents, yes answers and answers on treatment (one year or
    all): what the page should show."""
    rows: dict[int, list[int]] = {}
    for (plan_year, segment), (count, yes, no) in PLAN.items():
        if year is None or plan_year == year:
            total = rows.setdefault(segment, [0, 0, 0])
            total[0], total[1], total[2] = total[0] + count, total[1] + yes, total[2] + yes + no
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["respondents", "sought", "answered"]
    ).rename_axis("segment")


def profile_rows() -> pd.DataFrame:
    counts = counted()
    everyone = counts["respondents"].sum()
    rows = []
    for segment, label in LABELS.items():
        size, sought, answered = counts.loc[segment]
        rows.append({
            "segment": segment, "label": label, "size": int(size), "share": size / everyone,
            "treatment_rate": sought / answered, "summary": SUMMARIES[segment],
            "distinguishing_answers": json.dumps([
                {"feature": f, "question": q, "answer": a, "segment_share": s,
                 "others_share": o, "effect_size": h}
                for f, q, a, s, o, h in DISTINGUISHING[segment]]),
            "drivers": json.dumps([{"feature": f, "question": q, "importance": i}
                                   for f, q, i in DRIVERS[segment]]),
            "model_version": MODEL_VERSION, "run_id": RUN_ID, "created_at": CREATED_AT,
        })  # fmt: skip
    return pd.DataFrame(rows)


SURVEY_DDL = """
create table marts.dim_survey_respondents (
    respondent_id varchar not null, survey_year integer not null, submitted_at timestamp,
    age integer, age_out_of_range boolean not null, age_band varchar not null,
    gender varchar not null, country varchar, us_state varchar, is_self_employed boolean,
    company_size varchar, company_size_rank integer, is_tech_company boolean,
    remote_work varchar, family_history varchar, sought_treatment boolean,
    work_interference varchar, benefits varchar, care_options varchar,
    wellness_program varchar, seek_help varchar, anonymity varchar, leave_ease varchar,
    mental_health_consequence varchar, phys_health_consequence varchar, coworkers varchar,
    supervisor varchar, mental_health_interview varchar, phys_health_interview varchar,
    mental_vs_physical varchar, obs_consequence varchar);
"""
# The ML tables exactly as the pipeline writes them (ml_assets/survey_tables.py).
SURVEY_DDL += "".join(
    f"create table ml.{name} ({', '.join(f'{c} {t}' for c, t in columns.items())});\n"
    for name, columns in SURVEY_TABLES.items()
)


# The survey's load, in sample mode: the page says the answers are generated.
LOAD_BATCH = {"source": "osmi_survey", "batch_id": "osmi_survey-sample-fixture",
              "source_mode": "sample", "landing_path": "/tmp/landing/osmi_survey/batch.jsonl",
              "rows_in": 70, "rows_loaded": 70, "rows_quarantined": 0,
              "loaded_at": CREATED_AT}  # fmt: skip


def survey_tables() -> list[tuple[str, pd.DataFrame]]:
    respondents, segments = respondents_and_segments()
    return [
        ("marts.dim_survey_respondents", respondents),
        ("ml.survey_segments", segments),
        ("ml.segment_profiles", profile_rows()),
        ("ml.segment_runs", pd.DataFrame([RUN])),
        ("ml.resource_recommendations", resource_fixtures.recommendation_rows()),
        ("raw.load_batches", pd.DataFrame([LOAD_BATCH])),
    ]


def write_survey_tables(path: Path, *, empty: bool = False) -> None:
    """Add the survey tables to the warehouse file at ``path`` (empty ones with ``empty``)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(SURVEY_DDL)
        for table, frame in [] if empty else survey_tables():
            con.register("frame", frame)
            con.execute(f"insert into {table} by name select * from frame")
            con.unregister("frame")
    finally:
        con.close()


def publish_survey(target: Warehouse, *, empty: bool = False) -> Path:
    """The dashboard's fixture warehouse plus the survey tables, published as the pipeline
    publishes (see tests/dashboard/publications.py); returns the generation."""
    from tests.dashboard.dashboard_fixtures import build_warehouse

    build_warehouse(target.working_path, survey=False)
    write_survey_tables(target.working_path, empty=empty)
    publish_warehouse(target.working_path, target.published_path)
    generation = current_generation(target.published_path)
    assert generation is not None
    return generation


@contextmanager
def dashboard_reading(data_dir: Path) -> Iterator[Warehouse]:
    """Point the dashboard's settings at ``data_dir`` for a whole test module (the conftest
    fixtures do it per test)."""
    from tests.dashboard.dashboard_fixtures import Warehouse

    with pytest.MonkeyPatch.context() as patch:
        target = Warehouse(data_dir)
        for name, value in target.env().items():
            patch.setenv(name, value)
        patch.delenv("MINDPULSE_DUCKDB_PATH", raising=False)
        yield target


def unescaped(text: str) -> str:
    """Text as shown, without the markdown escapes the pages add."""
    return re.sub(r"\\(.)", r"\1", text)
