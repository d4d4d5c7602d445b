"""The survey ML tables' contracts, and writing and reading them in DuckDB.

ml.survey_segments, ml.segment_profiles and ml.segment_runs are written together (one
transaction), ml.resource_recommendations on its own. Each carries the input hash it was
computed from, so an unchanged survey is not clustered again (``stored_input_hash``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ml_assets.ml_tables import table_columns, write_tables
from ml_assets.recommendations import RECOMMENDATION_COLUMNS
from ml_assets.segment_profiles import PROFILE_COLUMNS
from ml_assets.segments import ASSIGNMENT_COLUMNS

SURVEY_SEGMENTS = "survey_segments"
SEGMENT_PROFILES = "segment_profiles"
SEGMENT_RUNS = "segment_runs"
RESOURCE_RECOMMENDATIONS = "resource_recommendations"

_RUN = {
    "model_version": "VARCHAR",
    "input_hash": "VARCHAR",  # what the rows were computed from (see the assets)
    "run_id": "VARCHAR",
    "created_at": "TIMESTAMP",
}
_TYPES = {
    "respondent_id": "VARCHAR",
    "survey_year": "INTEGER",
    "segment": "INTEGER",
    "membership_probability": "DOUBLE",
    "outlier_score": "DOUBLE",
    "assigned_by": "VARCHAR",
    "label": "VARCHAR",
    "size": "INTEGER",
    "share": "DOUBLE",
    "treatment_rate": "DOUBLE",
    "summary": "VARCHAR",
    "distinguishing_answers": "VARCHAR",  # JSON
    "drivers": "VARCHAR",  # JSON
    "profile_id": "VARCHAR",
    "work_setting": "VARCHAR",
    "remote_work": "VARCHAR",
    "benefits": "VARCHAR",
    "tech_company": "VARCHAR",
    "rank": "INTEGER",
    "resource_id": "VARCHAR",
    "resource_name": "VARCHAR",
    "resource_type": "VARCHAR",
    "contact": "VARCHAR",
    "url": "VARCHAR",
    "is_crisis": "BOOLEAN",
    "score": "DOUBLE",
    "similarity": "DOUBLE",
    "similar_respondents": "INTEGER",
    "explanation": "VARCHAR",
}

SEGMENT_RUN_COLUMNS: dict[str, str] = {
    "n_respondents": "INTEGER",
    "n_clustered": "INTEGER",  # clustered exactly; the others took their nearest neighbour's
    "n_segments": "INTEGER",
    "noise_share": "DOUBLE",
    "stability_ari_mean": "DOUBLE",
    "stability_ari_min": "DOUBLE",
    "validity_dbcv": "DOUBLE",
    "validity_rows": "INTEGER",
    "min_cluster_size": "INTEGER",
    "min_samples": "INTEGER",
    "features": "VARCHAR",  # JSON list
    "survey_years": "VARCHAR",  # JSON list
    "seconds": "VARCHAR",  # JSON: seconds per stage
    **_RUN,
}
SURVEY_TABLES: dict[str, dict[str, str]] = {
    SURVEY_SEGMENTS: {name: _TYPES[name] for name in ASSIGNMENT_COLUMNS} | _RUN,
    SEGMENT_PROFILES: {name: _TYPES[name] for name in PROFILE_COLUMNS} | _RUN,
    SEGMENT_RUNS: SEGMENT_RUN_COLUMNS,
    RESOURCE_RECOMMENDATIONS: {name: _TYPES[name] for name in RECOMMENDATION_COLUMNS} | _RUN,
}


def with_run_columns(
    frame: pd.DataFrame, *, model_version: str, input_hash: str, run_id: str, created_at
) -> pd.DataFrame:
    return frame.assign(
        model_version=model_version, input_hash=input_hash, run_id=run_id, created_at=created_at
    )


def write_survey_tables(
    conn: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], *, schema: str
) -> dict[str, int]:
    """Replace each given survey table with its frame, in one transaction; rows written."""
    return write_tables(conn, tables, SURVEY_TABLES, schema=schema)


def stored_input_hash(conn: duckdb.DuckDBPyConnection, *, schema: str, table: str) -> str | None:
    """The one input hash every row of the table was computed from; None when the table is
    missing, has another layout, is empty or mixes hashes (it is then computed again)."""
    if table_columns(conn, schema, table) != list(SURVEY_TABLES[table]):
        return None
    hashes = conn.execute(f"select distinct input_hash from {schema}.{table}").fetchall()
    return hashes[0][0] if len(hashes) == 1 else None


def stored_segment_run(conn: duckdb.DuckDBPyConnection, *, schema: str) -> dict:
    """The row of ml.segment_runs (call after stored_input_hash found one)."""
    frame = conn.execute(f"select * from {schema}.{SEGMENT_RUNS}").df()
    return frame.iloc[0].to_dict()
