"""The cross-source tables' run records, and the hash their results are reused under.

ml.signal_relationships with ml.signal_lag_correlations, and ml.signal_anomalies, are computed
from the whole of marts.fct_signals. Each is written together with one row in its run table
(ml.signal_relationship_runs, ml.signal_anomaly_runs): the input hash, the settings and the
figures a reader wants first. A run whose fct_signals, settings and model version hash the same
as the stored run keeps the stored tables (an unchanged weekly run, a run after a crash).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ml_assets.anomalies import ANOMALY_TABLES, SIGNAL_ANOMALIES
from ml_assets.ml_tables import table_columns
from ml_assets.relationships import RELATIONSHIP_TABLES
from ml_assets.reuse import frame_input_hash
from ml_assets.series import KEY_COLUMNS

RELATIONSHIP_VERSION = "lead-lag/v1"
ANOMALY_VERSION = "robust-baseline/v1"
RELATIONSHIP_RUNS = "signal_relationship_runs"
ANOMALY_RUNS = "signal_anomaly_runs"
SIGNAL_LIBRARIES = ("numpy", "pandas")

_RUN = {
    "input_hash": "VARCHAR",
    "model_version": "VARCHAR",
    "run_id": "VARCHAR",
    "created_at": "TIMESTAMP",
}
RELATIONSHIP_RUN_COLUMNS: dict[str, str] = {
    "min_overlap_weeks": "INTEGER",
    "max_lag": "INTEGER",
    "alpha": "DOUBLE",
    "pairs_compared": "INTEGER",
    "significant_pairs": "INTEGER",
    **_RUN,
}
ANOMALY_RUN_COLUMNS: dict[str, str] = {
    "window_periods": "INTEGER",
    "min_history": "INTEGER",
    "threshold": "DOUBLE",
    "periods_flagged": "INTEGER",
    "series_flagged": "INTEGER",
    "newest_flagged": "INTEGER",
    **_RUN,
}
RELATIONSHIP_TABLES_WITH_RUNS = {**RELATIONSHIP_TABLES, RELATIONSHIP_RUNS: RELATIONSHIP_RUN_COLUMNS}
ANOMALY_TABLES_WITH_RUNS = {**ANOMALY_TABLES, ANOMALY_RUNS: ANOMALY_RUN_COLUMNS}


def signals_input_hash(signals: pd.DataFrame, *, model_version: str, settings: dict) -> str:
    """sha256 over every row of fct_signals (order-free), the model version and settings."""
    return frame_input_hash(
        signals,
        sort_by=(*KEY_COLUMNS, "period_start"),
        model_version=model_version,
        settings=settings,
        libraries=SIGNAL_LIBRARIES,
    )


def run_frame(figures: dict, *, input_hash: str, model_version: str, run_id: str, created_at):
    """The one row of a run table."""
    return pd.DataFrame(
        [
            {
                **figures,
                "input_hash": input_hash,
                "model_version": model_version,
                "run_id": run_id,
                "created_at": created_at,
            }
        ]
    )


def stored_run(
    conn: duckdb.DuckDBPyConnection,
    *,
    schema: str,
    tables: dict[str, dict[str, str]],
    runs_table: str,
    input_hash: str,
) -> dict | None:
    """The stored run's row when it was computed from `input_hash` and every table it wrote
    is there in its current layout; None otherwise (the tables are then computed again)."""
    for name, columns in tables.items():
        if table_columns(conn, schema, name) != list(columns):
            return None
    rows = conn.execute(f"select * from {schema}.{runs_table}").df()
    if len(rows) != 1 or rows.loc[0, "input_hash"] != input_hash:
        return None
    return rows.iloc[0].to_dict()


def newest_anomalies_stored(conn: duckdb.DuckDBPyConnection, *, schema: str) -> pd.DataFrame:
    """The stored anomalies of their series' newest period (the warning check's rows)."""
    return conn.execute(f"select * from {schema}.{SIGNAL_ANOMALIES} where is_newest").df()
