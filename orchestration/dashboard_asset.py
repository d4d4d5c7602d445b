"""The dashboard as the last asset of the lineage: publishing what it reads."""

import dagster as dg
import duckdb

from orchestration.publish import current_generation, publish_warehouse
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings

DASHBOARD_KEY = dg.AssetKey(["dashboard", "mindpulse_dashboard"])
DASHBOARD_TABLES = (
    ("raw", "load_batches"),
    (MARTS_SCHEMA, "fct_signals"),
    (ML_SCHEMA, "forecasts"),
    (ML_SCHEMA, "forecast_metrics"),
    (ML_SCHEMA, "forecast_candidates"),
    (ML_SCHEMA, "reddit_insights"),  # the Community pulse page's themes
    (MARTS_SCHEMA, "dim_survey_respondents"),  # the Workplace segments page
    (ML_SCHEMA, "survey_segments"),
    (ML_SCHEMA, "segment_profiles"),
    (ML_SCHEMA, "segment_runs"),
    (ML_SCHEMA, "resource_recommendations"),  # the Find resources page
    (ML_SCHEMA, "signal_relationships"),  # the Compare signals page
    (ML_SCHEMA, "signal_lag_correlations"),
    (ML_SCHEMA, "signal_anomalies"),
    (MARTS_SCHEMA, "fct_suicide_rates"),  # the Global context page
)
DASHBOARD_URL = "http://localhost:8501"


@dg.asset(
    key=DASHBOARD_KEY,
    group_name="dashboard",
    kinds={"streamlit"},
    pool=WAREHOUSE_POOL,
    deps=[dg.AssetKey(list(table)) for table in DASHBOARD_TABLES if table[0] != "raw"],
    description=(
        "Streamlit dashboard (make dashboard). Materializing publishes the read-only copy of the "
        "warehouse it reads; it only runs after every upstream check has passed."
    ),
)
def mindpulse_dashboard(settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    published = publish_warehouse(settings.duckdb_path, settings.published_duckdb_path)
    generation = current_generation(published)
    with duckdb.connect(str(published), read_only=True) as conn:
        row_counts = {
            f"rows.{schema}.{table}": conn.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
            for schema, table in DASHBOARD_TABLES
        }
    return dg.MaterializeResult(
        metadata={
            "published_copy": dg.MetadataValue.path(str(published)),
            "generation": dg.MetadataValue.text(generation.name if generation else "none"),
            "url": dg.MetadataValue.url(DASHBOARD_URL),
            **row_counts,
        }
    )
