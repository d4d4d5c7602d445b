"""The ml tables' contracts, and writing and reading them in the warehouse (DuckDB or
Snowflake, through extract.warehouse's one connection interface).

The column names and types below are the contract the dashboard and later issues read. The
forecast tables are replaced together in one transaction; ml.post_sentiment is updated row by
row (new and edited posts), also in one transaction. The schema is the caller's to name (the
orchestration layer passes its ``ML_SCHEMA``), so this module depends on nothing above it.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from extract.warehouse import catalog_type, write_atomically
from extract.warehouse import table_columns as warehouse_columns

_KEY = {
    "series_key": "VARCHAR",
    "source": "VARCHAR",
    "signal": "VARCHAR",
    "group_type": "VARCHAR",
    "group_value": "VARCHAR",
}
# input_hash: what a stored result was computed from (see ml_assets.reuse); run_id and
# created_at say when it was computed, which for a reused result is an earlier run.
_RUN = {
    "input_hash": "VARCHAR",
    "model_version": "VARCHAR",
    "run_id": "VARCHAR",
    "created_at": "TIMESTAMP",
}

FORECAST_COLUMNS: dict[str, str] = {
    **_KEY,
    "ds": "DATE",
    "y": "DOUBLE",
    "yhat": "DOUBLE",
    "yhat_lower": "DOUBLE",
    "yhat_upper": "DOUBLE",
    "is_forecast": "BOOLEAN",
    "model_name": "VARCHAR",
    **_RUN,
}

METRIC_COLUMNS: dict[str, str] = {
    **_KEY,
    "model_name": "VARCHAR",
    "candidates": "VARCHAR",
    "n_obs": "INTEGER",
    "train_start": "DATE",
    "train_end": "DATE",
    "step_days": "INTEGER",
    "horizon_periods": "INTEGER",
    "n_folds": "INTEGER",
    "n_scored_folds": "INTEGER",
    "scored_points": "INTEGER",
    **{m: "DOUBLE" for m in ("mae", "rmse", "mape", "mase")},
    **{f"naive_{m}": "DOUBLE" for m in ("mae", "rmse", "mape", "mase")},
    "relative_mae": "DOUBLE",
    "interval_coverage_80": "DOUBLE",
    "beats_naive": "BOOLEAN",
    "seconds": "DOUBLE",
    "backtest_note": "VARCHAR",
    "cadence_note": "VARCHAR",
    **_RUN,
}

# Every candidate's own backtest on every fold it was fitted (not nested: for comparison).
CANDIDATE_COLUMNS: dict[str, str] = {
    "series_key": "VARCHAR",
    "model_name": "VARCHAR",
    "chosen": "BOOLEAN",
    "n_folds": "INTEGER",
    "mae": "DOUBLE",
    "relative_mae": "DOUBLE",
    "interval_coverage_80": "DOUBLE",
    "seconds": "DOUBLE",
    **_RUN,
}

ML_TABLES: dict[str, dict[str, str]] = {
    "forecasts": FORECAST_COLUMNS,
    "forecast_metrics": METRIC_COLUMNS,
    "forecast_candidates": CANDIDATE_COLUMNS,
}

# ml.post_sentiment: one row per post of marts.fct_reddit_posts, kept up to date row by row
# (not replaced with the forecast tables): a run scores only new or edited texts.
POST_SENTIMENT = "post_sentiment"
POST_SENTIMENT_COLUMNS: dict[str, str] = {
    "post_id": "VARCHAR NOT NULL",
    "text_hash": "VARCHAR NOT NULL",  # sha256 of the scored text (title, plus body if any)
    "compound": "DOUBLE NOT NULL",  # VADER's normalized score, -1 .. 1
    "negative": "DOUBLE NOT NULL",  # shares of the text, 0 .. 1, summing to about 1
    "neutral": "DOUBLE NOT NULL",
    "positive": "DOUBLE NOT NULL",
    "label": "VARCHAR NOT NULL",  # 'negative' | 'neutral' | 'positive' (compound -/+ 0.05)
    "model": "VARCHAR NOT NULL",  # e.g. 'vaderSentiment 3.3.2'
    "run_id": "VARCHAR NOT NULL",  # the run that scored this text (an earlier one if reused)
    "scored_at": "TIMESTAMP NOT NULL",  # UTC, naive
}


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(ML_TABLES[name]))


def write_ml_tables(
    conn: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], *, schema: str
) -> dict[str, int]:
    """Replace each given forecast table with its DataFrame; all or nothing (write_tables)."""
    return write_tables(conn, tables, ML_TABLES, schema=schema)


def write_tables(
    conn,
    tables: dict[str, pd.DataFrame],
    contracts: dict[str, dict[str, str]],
    *,
    schema: str,
) -> dict[str, int]:
    """Replace each given table with its DataFrame; all or nothing. Returns rows written.

    `conn`: DuckDB, or an extract.warehouse.SnowflakeSession. A table whose layout is not its
    contract's is created again from the contract's DDL (so types are the contract's, not
    pandas'); then, in one transaction, every table is emptied and filled: if any insert fails,
    every table keeps its previous contents. DuckDB takes the DDL into the transaction too;
    Snowflake commits around DDL, so there it (and the frames' upload) comes first.
    """
    unknown = sorted(set(tables) - set(contracts))
    if unknown:
        raise ValueError(f"unknown ml table(s) {unknown}; expected some of {sorted(contracts)}")
    for name, frame in tables.items():
        expected = list(contracts[name])
        if list(frame.columns) != expected:
            raise ValueError(
                f"{schema}.{name}: columns {list(frame.columns)} do not match the contract "
                f"{expected}"
            )
    views = {name: f"_mindpulse_ml_{name}_frame" for name in tables}

    def prepare(registered: list[str]) -> None:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name, frame in tables.items():
            ensure_table(conn, schema, name, contracts[name])
            registered.append(views[name])
            conn.register(views[name], frame)

    def write() -> dict[str, int]:
        return {
            name: fill_table(conn, schema, name, contracts[name], views[name], len(frame))
            for name, frame in tables.items()
        }

    return write_atomically(conn, prepare, write)


def ensure_table(conn, schema: str, name: str, columns: dict[str, str]) -> None:
    """Create ``schema.name`` from its contract's DDL unless it already has that layout."""
    expected = [(col, catalog_type(conn, typ)) for col, typ in columns.items()]
    if warehouse_columns(conn, schema, name) != expected:
        ddl = ", ".join(f"{col} {typ}" for col, typ in columns.items())
        conn.execute(f"CREATE OR REPLACE TABLE {schema}.{name} ({ddl})")


def fill_table(conn, schema: str, name: str, columns: dict[str, str], view: str, rows: int) -> int:
    """Empty ``schema.name`` and insert the registered frame, cast to the contract's types."""
    casts = ", ".join(f"CAST({col} AS {typ.split()[0]})" for col, typ in columns.items())
    conn.execute(f"DELETE FROM {schema}.{name}")
    conn.execute(f"INSERT INTO {schema}.{name} SELECT {casts} FROM {view}")
    return rows


def read_stored_results(
    conn: duckdb.DuckDBPyConnection, *, schema: str, input_hashes: Iterable[str]
) -> dict[str, pd.DataFrame]:
    """Stored rows of every ml table whose input_hash is one of ``input_hashes``.

    Tables that are missing or have another layout (an older contract) give no rows: their
    results are recomputed, never read in a shape the contract no longer has.
    """
    wanted = pd.DataFrame({"input_hash": sorted(set(input_hashes))})
    stored = {name: empty_table(name) for name in ML_TABLES}
    if wanted.empty:
        return stored
    conn.register("_mindpulse_wanted_hashes", wanted)
    try:
        for name, columns in ML_TABLES.items():
            if table_columns(conn, schema, name) != list(columns):
                return {name: empty_table(name) for name in ML_TABLES}
            stored[name] = conn.execute(
                f"select t.* from {schema}.{name} as t "
                "where t.input_hash in (select input_hash from _mindpulse_wanted_hashes)"
            ).df()
    finally:
        conn.unregister("_mindpulse_wanted_hashes")
    return stored


def table_columns(conn, schema: str, table: str) -> list[str]:
    """The table's column names in order; empty when it does not exist."""
    return [name for name, _ in warehouse_columns(conn, schema, table)]


def read_post_sentiment(conn: duckdb.DuckDBPyConnection, *, schema: str) -> pd.DataFrame:
    """post_id, text_hash and model of every stored score; none if the table is missing or has
    another layout (its scores are then computed again, never read in an old shape)."""
    columns = ["post_id", "text_hash", "model"]
    if table_columns(conn, schema, POST_SENTIMENT) != list(POST_SENTIMENT_COLUMNS):
        return pd.DataFrame(columns=columns)
    return conn.execute(f"select {', '.join(columns)} from {schema}.{POST_SENTIMENT}").df()


def write_post_sentiment(
    conn: duckdb.DuckDBPyConnection, scored: pd.DataFrame, *, keep: Iterable[str], schema: str
) -> int:
    """Store new scores and drop those of posts no longer in `keep`; all or nothing.

    `scored` replaces the stored row of each of its posts. A table with another layout is
    recreated from the contract (read_post_sentiment gave no rows for it, so every post is in
    `scored`). Returns the rows the table holds afterwards.
    """
    if list(scored.columns) != list(POST_SENTIMENT_COLUMNS):
        raise ValueError(
            f"{schema}.{POST_SENTIMENT}: columns {list(scored.columns)} do not match the "
            f"contract {list(POST_SENTIMENT_COLUMNS)}; build the frame with score_posts()"
        )
    table = f"{schema}.{POST_SENTIMENT}"
    casts = ", ".join(
        f"CAST({col} AS {typ.split()[0]})" for col, typ in POST_SENTIMENT_COLUMNS.items()
    )
    keep_frame = pd.DataFrame({"post_id": pd.Series(list(keep), dtype="object")})

    def prepare(registered: list[str]) -> None:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        ensure_table(conn, schema, POST_SENTIMENT, POST_SENTIMENT_COLUMNS)
        registered.append("_mindpulse_post_sentiment_scored")
        conn.register("_mindpulse_post_sentiment_scored", scored)
        registered.append("_mindpulse_post_sentiment_keep")
        conn.register("_mindpulse_post_sentiment_keep", keep_frame)

    def write() -> int:
        # Casts: pandas gives an empty frame's columns no text type.
        conn.execute(
            f"DELETE FROM {table} WHERE post_id IN "
            "(SELECT CAST(post_id AS VARCHAR) FROM _mindpulse_post_sentiment_scored) "
            "OR post_id NOT IN "
            "(SELECT CAST(post_id AS VARCHAR) FROM _mindpulse_post_sentiment_keep)"
        )
        conn.execute(f"INSERT INTO {table} SELECT {casts} FROM _mindpulse_post_sentiment_scored")
        [(rows,)] = conn.execute(f"SELECT count(*) FROM {table}").fetchall()
        return rows

    return write_atomically(conn, prepare, write)
