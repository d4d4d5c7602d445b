"""Helpers for running the dbt project in Snowflake's dialect against a local fakesnow server.

fakesnow serves Snowflake's REST protocol on 127.0.0.1 and runs each statement, translated from
Snowflake SQL, in an in-memory DuckDB database. dbt reaches it through the real dbt-snowflake
adapter and snowflake-connector-python, so every statement is the Snowflake SQL dbt would send
to production: `datediff(day, ...)`, `create or replace transient table ... as`, Snowflake
types and upper-case identifiers.

The project's profiles.yml is not used: its `snowflake` output authenticates with a key pair
against a real account. A test-only profiles.yml in a temporary folder defines a `snowflake`
target with password auth, host, port and protocol of the fakesnow server instead; the models,
tests, seeds and macros under test are the project's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import fakesnow
import pandas as pd
import yaml
from snowflake.connector import SnowflakeConnection
from snowflake.connector import connect as snowflake_connect

from extract.batch import ExtractBatch
from extract.cdc_pulse import RAW_TABLE
from extract.cdc_pulse.records import RAW_COLUMNS
from extract.google_trends.records import RAW_COLUMNS as TRENDS_COLUMNS
from extract.google_trends.records import RAW_TABLE as TRENDS_TABLE
from extract.news.records import RAW_COLUMNS as NEWS_COLUMNS
from extract.news.records import RAW_TABLE as NEWS_TABLE
from extract.osmi_survey.records import RAW_COLUMNS as OSMI_COLUMNS
from extract.osmi_survey.records import RAW_TABLE as OSMI_TABLE
from extract.raw_load import LOAD_COLUMNS
from extract.reddit.records import RAW_COLUMNS as REDDIT_COLUMNS
from extract.reddit.records import RAW_TABLE as REDDIT_TABLE
from extract.who_suicide.records import RAW_COLUMNS as WHO_COLUMNS
from extract.who_suicide.records import RAW_TABLE as WHO_TABLE
from ml_assets.ml_tables import POST_SENTIMENT, POST_SENTIMENT_COLUMNS
from tests.dbt.dbt_harness import DbtRun, run_dbt

# Bound at import: the first call of fakesnow.server() imports the submodule fakesnow.server,
# which then shadows the function on the package, so a second `fakesnow.server()` in the same
# process would call a module (fakesnow 0.12.1).
_fakesnow_server = fakesnow.server

PROFILE = "mindpulse"  # dbt_project.yml `profile:`
TARGET = "snowflake"  # the same target name as in the project's profiles.yml
DATABASE = "MINDPULSE"  # the project profile's default SNOWFLAKE_DATABASE
RAW = f"{DATABASE}.RAW"
ML = f"{DATABASE}.ML"
DBT_SCHEMAS = ("STAGING", "MARTS")  # created by `dbt build` (macros/generate_schema_name.sql)


def start_server() -> AbstractContextManager[dict[str, Any]]:
    """Run a fakesnow server in a thread of this process; yields snowflake.connector arguments.

    The arguments are host 127.0.0.1, a free port, protocol http and a fake account, user and
    password. All sessions share one in-memory database, kept until the process ends.
    """
    return _fakesnow_server()


def write_profile(profiles_dir: Path, server: Mapping[str, Any]) -> Path:
    """Write a profiles.yml whose `snowflake` target points at the fakesnow `server`."""
    output = {
        "type": "snowflake",
        "account": server["account"],
        "user": server["user"],
        "password": server["password"],
        "host": server["host"],
        "port": server["port"],
        "protocol": server["protocol"],
        "database": DATABASE,
        # As in the project's profile: only nodes without a schema of their own land here.
        "schema": "staging",
        # fakesnow answers every session from one in-process DuckDB database, where concurrent
        # DDL can conflict in ways Snowflake's does not; parallelism is not under test here.
        "threads": 1,
    }
    profile = {PROFILE: {"target": TARGET, "outputs": {TARGET: output}}}
    profiles_dir.mkdir(parents=True, exist_ok=True)
    path = profiles_dir / "profiles.yml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


def connect(server: Mapping[str, Any]) -> SnowflakeConnection:
    """A snowflake-connector-python connection to the fakesnow server (no database selected)."""
    # No probing of cloud metadata endpoints for platform detection: this test stays on
    # 127.0.0.1 (dbt-snowflake turns the probe off the same way).
    return snowflake_connect(**server, platform_detection_timeout_seconds=0.0)


def query(conn: SnowflakeConnection, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
    with conn.cursor() as cursor:
        return cursor.execute(sql, params).fetchall()


def run_dbt_snowflake(args: list[str], *, profiles_dir: Path, work_dir: Path) -> DbtRun:
    """`dbt <args> --target snowflake` with the profile of `write_profile`, as the CLI runs."""
    return run_dbt(
        [*args, "--target", TARGET],
        duckdb_path=None,
        work_dir=work_dir,
        profiles_dir=profiles_dir,
    )


def create_raw_layer(conn: SnowflakeConnection) -> None:
    """Create database MINDPULSE with an empty table of every source in RAW (CDC, Reddit, OSMI,
    news, search interest, WHO) and ML.POST_SENTIMENT (the tables dbt reads), and no other
    schema.

    Columns and types are the contracts of extract/ and ml_assets/ (VARCHAR, INTEGER, DATE,
    DOUBLE, TIMESTAMP are Snowflake types too). raw.quarantine and raw.load_batches are left
    out: no model or test reads them.
    """
    tables = {
        f"{RAW}.{RAW_TABLE}": RAW_COLUMNS + LOAD_COLUMNS,
        f"{RAW}.{REDDIT_TABLE}": REDDIT_COLUMNS + LOAD_COLUMNS,
        f"{RAW}.{OSMI_TABLE}": OSMI_COLUMNS + LOAD_COLUMNS,
        f"{RAW}.{NEWS_TABLE}": NEWS_COLUMNS + LOAD_COLUMNS,
        f"{RAW}.{TRENDS_TABLE}": TRENDS_COLUMNS + LOAD_COLUMNS,
        f"{RAW}.{WHO_TABLE}": WHO_COLUMNS + LOAD_COLUMNS,
        f"{ML}.{POST_SENTIMENT}": tuple(POST_SENTIMENT_COLUMNS.items()),
    }
    with conn.cursor() as cursor:
        cursor.execute(f"create database if not exists {DATABASE}")
        # fakesnow keeps its databases for the life of the process and can neither drop nor
        # replace one, so start from empty schemas; the ones dbt must create do not exist yet.
        for schema in ("RAW", "ML", *DBT_SCHEMAS):
            cursor.execute(f"drop schema if exists {DATABASE}.{schema} cascade")
        for schema in (RAW, ML):
            cursor.execute(f"create schema {schema}")
        for table, columns in tables.items():
            ddl = ", ".join(f"{name} {type_}" for name, type_ in columns)
            cursor.execute(f"create table {table} ({ddl})")


def load_raw_rows(
    conn: SnowflakeConnection, batch: ExtractBatch, loaded_at: datetime, stage_dir: Path
) -> int:
    """Bulk-load the batch's rows into RAW.CDC_PULSE_INDICATORS the way Snowflake loads files.

    The rows plus the load columns go to a Parquet file, PUT to a temporary internal stage and
    COPY INTO the table by column name: what write_pandas does, whose own COPY statement
    fakesnow 0.12.1 rejects (it selects from the stage written as a quoted string).
    INSERT ... VALUES works too, but fakesnow translates every value in it: about 30 s for
    these rows instead of 1 s.
    """
    frame = batch.rows.assign(
        _batch_id=batch.batch_id, _loaded_at=loaded_at, _source_mode=batch.mode
    )
    expected = [name for name, _ in RAW_COLUMNS + LOAD_COLUMNS]
    if sorted(frame.columns) != sorted(expected):
        raise AssertionError(f"Batch columns {list(frame.columns)} differ from {expected}.")
    return copy_into(conn, frame, f"{RAW}.{RAW_TABLE}", stage_dir / f"{batch.batch_id}.parquet")


def copy_batch(
    conn: SnowflakeConnection, batch: ExtractBatch, table: str, loaded_at: datetime, stage_dir: Path
) -> int:
    """Bulk-load a batch's rows with its load columns into RAW.<table> (copy_into)."""
    frame = batch.rows.assign(
        _batch_id=batch.batch_id, _loaded_at=loaded_at, _source_mode=batch.mode
    )
    return copy_into(conn, frame, f"{RAW}.{table.upper()}", stage_dir / f"{table}.parquet")


def copy_into(
    conn: SnowflakeConnection, frame: pd.DataFrame, table: str, parquet_path: Path
) -> int:
    """Bulk-load `frame` into `table` by column name through a Parquet file and a stage."""
    parquet_path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(parquet_path, index=False)
    stage = f"{RAW}.LOAD_STAGE"
    with conn.cursor() as cursor:
        cursor.execute(f"create or replace temporary stage {stage}")
        cursor.execute(f"put '{parquet_path.as_uri()}' @{stage}")
        [result] = cursor.execute(
            f"copy into {table} from @{stage} "
            "file_format = (type = parquet) match_by_column_name = case_insensitive purge = true"
        ).fetchall()
    status, rows_loaded = result[1], result[3]
    if status != "LOADED" or rows_loaded != len(frame):
        raise AssertionError(f"COPY INTO {table} gave {result}, not {len(frame)} rows.")
    return rows_loaded
