"""Where the real public datasets live: ../shared/data/real beside the repository, never in it.

Tests that use them skip with this message when they are absent (e.g. a clone without shared/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT

REAL_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "real"
CDC_EXPORT = (
    REAL_DATA_DIR
    / "cdc_hps_anxiety_depression"
    / (
        "Indicators_of_Anxiety_or_Depression_Based_on_Reported_Frequency_of_Symptoms"
        "_During_Last_7_Days.csv"
    )
)


def missing_reason(path: Path) -> str:
    return (
        f"real dataset not found at {path} (it lives outside the repository, in ../shared; "
        "its SOURCE.md says where it comes from)"
    )


def require(path: Path) -> Path:
    """The path of a real dataset, or skip the calling test with the reason."""
    if not path.is_file():
        pytest.skip(missing_reason(path))
    return path


REDDIT_SCRAPE = REAL_DATA_DIR / "reddit_r_mentalhealth_2023_2024" / "mental_health_posts.csv"
OSMI_SURVEY_2014 = REAL_DATA_DIR / "osmi_tech_survey_2014" / "survey.csv"
NEWSAPI_HEALTH = REAL_DATA_DIR / "news_newsapi_health_2023" / "health.json"
TRENDS_EXPORT = REAL_DATA_DIR / "google_trends_states_2018_2023" / "multiTimeline.csv"
WHO_SUICIDE = REAL_DATA_DIR / "who_suicide_statistics" / "who_suicide_statistics.csv"
