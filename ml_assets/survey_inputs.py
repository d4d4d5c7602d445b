"""What the survey ML tables are computed from, as one hash: the key under which they are reused.

Segments and recommendations depend on the respondents' answers, the model version, its
settings and the libraries that compute them. When none of those changed, the stored tables
are the result, and a run keeps them instead of clustering again (HDBSCAN and its bootstraps
are the costly part of a survey run, and importing hdbscan alone takes most of a second).
"""

from __future__ import annotations

import pandas as pd

from ml_assets.reuse import frame_input_hash

SURVEY_LIBRARIES = ("hdbscan", "scikit-learn", "numpy", "pandas")


def survey_input_hash(respondents: pd.DataFrame, *, model_version: str, settings: dict) -> str:
    """sha256 over every respondent's answers (order-free), the model version and settings."""
    return frame_input_hash(
        respondents,
        sort_by=("survey_year", "respondent_id"),
        model_version=model_version,
        settings=settings,
        libraries=SURVEY_LIBRARIES,
    )
