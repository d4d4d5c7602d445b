"""Write ``ml.forecasts`` and ``ml.forecast_metrics`` to DuckDB, replacing them in one transaction.

The column names and types below are the contract the dashboard and later issues read.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.settings import ML_SCHEMA

_KEY = {
    "series_key": "VARCHAR",
    "source": "VARCHAR",
    "signal": "VARCHAR",
    "group_type": "VARCHAR",
    "group_value": "VARCHAR",
}
_RUN = {"model_version": "VARCHAR", "run_id": "VARCHAR", "created_at": "TIMESTAMP"}

FORECAST_COLUMNS: dict[str, str] = {
    **_KEY,
    "ds": "DATE",
    "y": "DOUBLE",
    "yhat": "DOUBLE",
    "yhat_lower": "DOUBLE",
    "yhat_upper": "DOUBLE",
    "is_forecast": "BOOLEAN",
    **_RUN,
}

METRIC_COLUMNS: dict[str, str] = {
    **_KEY,
    "n_obs": "INTEGER",
    "train_start": "DATE",
    "train_end": "DATE",
    "step_days": "INTEGER",
    "horizon_periods": "INTEGER",
    "n_folds": "INTEGER",
    **{m: "DOUBLE" for m in ("mae", "rmse", "mape", "mase")},
    **{f"naive_{m}": "DOUBLE" for m in ("mae", "rmse", "mape", "mase")},
    "beats_naive": "BOOLEAN",
    "cadence_note": "VARCHAR",
    **_RUN,
}

ML_TABLES: dict[str, dict[str, str]] = {
    "forecasts": FORECAST_COLUMNS,
    "forecast_metrics": METRIC_COLUMNS,
}


def write_ml_tables(
    conn: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]
) -> dict[str, int]:
    """Replace each given ml table with its DataFrame; all or nothing. Returns rows written.

    Tables are recreated from the contract's DDL (so types are the contract's, not pandas'),
    inside one transaction: if any insert fails, every ml table keeps its previous contents.
    """
    unknown = sorted(set(tables) - set(ML_TABLES))
    if unknown:
        raise ValueError(f"unknown ml table(s) {unknown}; expected some of {sorted(ML_TABLES)}")
    for name, frame in tables.items():
        expected = list(ML_TABLES[name])
        if list(frame.columns) != expected:
            raise ValueError(
                f"ml.{name}: columns {list(frame.columns)} do not match the contract {expected}; "
                "build the frame with forecast_all()"
            )
    written: dict[str, int] = {}
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ML_SCHEMA}")
        for name, frame in tables.items():
            written[name] = _replace_table(conn, name, frame)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return written


def _replace_table(conn: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    columns = ML_TABLES[name]
    table = f"{ML_SCHEMA}.{name}"
    ddl = ", ".join(f"{col} {typ}" for col, typ in columns.items())
    conn.execute(f"CREATE OR REPLACE TABLE {table} ({ddl})")
    view = f"_mindpulse_ml_{name}_frame"
    conn.register(view, frame)
    try:
        casts = ", ".join(f"CAST({col} AS {typ})" for col, typ in columns.items())
        conn.execute(f"INSERT INTO {table} SELECT {casts} FROM {view}")
    finally:
        conn.unregister(view)
    return len(frame)
