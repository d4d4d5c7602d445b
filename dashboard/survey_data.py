"""The questions the workplace-survey pages ask (OSMI "Mental Health in Tech"), as SQL.

Kept apart from dashboard/data.py, in the same style, so that each module stays small. How the
SQL reaches the warehouse lives in dashboard/warehouse.py. No query here reads a single
respondent's answers: segment sizes and treatment shares are counted in the warehouse, and the
recommendations are precomputed per workplace profile, never per person.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from dashboard.warehouse import run_query

SOURCE = "osmi_survey"  # raw.load_batches.source of the survey's loads
NOISE = -1  # ml.survey_segments.segment of respondents whose answers fit no group well
# (segment_profiles' SQL orders it last as a literal: a bound value in ORDER BY is not portable)


def segment_profiles() -> pd.DataFrame:
    """One row per segment of ml.segment_profiles, largest first and "no clear group" last."""
    return run_query(
        """
        select segment, label, size, share, treatment_rate, summary, distinguishing_answers,
               drivers, model_version, run_id, created_at
        from ml.segment_profiles
        order by case when segment = -1 then 1 else 0 end, size desc, segment
        """
    )


def segment_run() -> dict[str, Any] | None:
    """The newest row of ml.segment_runs: the model's size, stability and validity, or None."""
    frame = run_query(
        """
        select model_version, run_id, created_at, n_respondents, n_clustered, n_segments,
               noise_share, stability_ari_mean, stability_ari_min, validity_dbcv, features,
               survey_years
        from ml.segment_runs
        order by created_at desc
        limit 1
        """
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def segment_counts_by_year() -> pd.DataFrame:
    """Per survey year and segment: respondents, and how many answered the treatment question
    and said yes. Counted in the warehouse, so the page sees only these totals."""
    return run_query(
        """
        select segments.survey_year, segments.segment,
               count(*) as respondents,
               count(respondents.sought_treatment) as answered_treatment,
               sum(case when respondents.sought_treatment then 1 else 0 end) as sought_treatment
        from ml.survey_segments as segments
        left join marts.dim_survey_respondents as respondents
            on respondents.respondent_id = segments.respondent_id
        group by segments.survey_year, segments.segment
        order by segments.survey_year, segments.segment
        """
    )


def resource_recommendations() -> pd.DataFrame:
    """Every precomputed suggestion of ml.resource_recommendations, for every profile.

    The page reads them all (126 profiles, a few resources each) and picks the viewer's profile
    in the dashboard's own memory: the answers given in its form never go into a query, so they
    reach neither the warehouse nor its logs, and every viewer shares one cached result.
    """
    return run_query(
        """
        select profile_id, work_setting, remote_work, benefits, tech_company, rank,
               resource_id, resource_name, resource_type, contact, url, is_crisis, score,
               similarity, similar_respondents, explanation, model_version, run_id, created_at
        from ml.resource_recommendations
        order by profile_id, rank
        """
    )


def recommendations_for(
    recommendations: pd.DataFrame,
    *,
    work_setting: str,
    remote_work: str,
    benefits: str,
    tech_company: str,
) -> pd.DataFrame:
    """The rows of one profile (a lookup by its four columns), in rank order."""
    chosen = (
        (recommendations["work_setting"] == work_setting)
        & (recommendations["remote_work"] == remote_work)
        & (recommendations["benefits"] == benefits)
        & (recommendations["tech_company"] == tech_company)
    )
    return recommendations[chosen].sort_values("rank").reset_index(drop=True)


def json_list(raw: Any) -> list:
    """A JSON-array column (distinguishing_answers, drivers, features) as a list; a missing or
    malformed value gives an empty list, so the page shows less rather than failing."""
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str):
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return []
    return value if isinstance(value, list) else []
