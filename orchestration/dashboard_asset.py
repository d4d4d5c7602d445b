"""The dashboard as the last asset of the lineage: publishing what it reads."""

import dagster as dg
import duckdb

from orchestration.publish import current_generation, publish_warehouse
from orchestration.resources import WAREHOUSE_POOL, Warehouse
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
def mindpulse_dashboard(
    settings: dg.ResourceParam[Settings], warehouse: dg.ResourceParam[Warehouse]
) -> dg.MaterializeResult:
    if settings.warehouse == "snowflake":
        # Snowflake serves readers and writers at once: the dashboard reads the tables live
        # (cached queries, dashboard/warehouse.py), so there is no copy to publish. Materializing
        # still says what the pages will find.
        with warehouse.get_connection() as conn:
            row_counts = dashboard_row_counts(conn)
        return dg.MaterializeResult(
            metadata={
                "reads": dg.MetadataValue.text("Snowflake, live (no published copy)"),
                "url": dg.MetadataValue.url(DASHBOARD_URL),
                **row_counts,
            }
        )
    published = publish_warehouse(settings.duckdb_path, settings.published_duckdb_path)
    generation = current_generation(published)
    with duckdb.connect(str(published), read_only=True) as conn:
        row_counts = dashboard_row_counts(conn)
    return dg.MaterializeResult(
        metadata={
            "published_copy": dg.MetadataValue.path(str(published)),
            "generation": dg.MetadataValue.text(generation.name if generation else "none"),
            "url": dg.MetadataValue.url(DASHBOARD_URL),
            **row_counts,
        }
    )


def dashboard_row_counts(conn) -> dict[str, int]:
    """Rows of every table a page reads (DuckDB or Snowflake: unquoted names fold alike)."""
    counts = {}
    for schema, table in DASHBOARD_TABLES:
        [(rows,)] = conn.execute(f"select count(*) from {schema}.{table}").fetchall()
        counts[f"rows.{schema}.{table}"] = int(rows)
    return counts
