"""How the dashboard reads its warehouse: connections, caching and the warehouse switch.

Locally the dashboard reads the *published* DuckDB copy (``Settings.published_duckdb_path``),
never the file the pipeline writes. The pipeline swaps that copy in atomically with
``os.replace`` after a green build, so a reader sees either the old or the new file, never a
half-written one. Each query opens a short read-only connection and closes it at once, so the
dashboard holds no lock a later publish could trip over. Results are cached on the file's
identity (mtime and inode): a newly published copy is read on the next rerun, an unchanged one
never again.

With ``MINDPULSE_WAREHOUSE=snowflake`` the same SQL runs through ``st.connection("snowflake")``,
configured from the same ``SNOWFLAKE_*`` settings as dbt (``.streamlit/secrets.toml`` may add to
them). The SQL uses ``?`` placeholders, which DuckDB and Streamlit's Snowflake connection (qmark
paramstyle) both accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import streamlit as st

from orchestration.settings import load_settings

# Snowflake results are cached this long; a DuckDB result lives as long as its file.
SNOWFLAKE_CACHE_SECONDS = 600

DATE_COLUMNS = (
    "period_start",
    "period_end",
    "previous_period_start",
    "previous_period_end",
    "ds",
    "train_start",
    "train_end",
    "last_period_end",
)
TIMESTAMP_COLUMNS = ("loaded_at", "created_at")


class NothingPublished(RuntimeError):
    """No published warehouse exists yet: the pipeline has not completed a green build."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"No published warehouse at {path}. Run `make run` to build the pipeline once; "
            "its last step publishes the copy this dashboard reads."
        )


class DataUnavailable(RuntimeError):
    """The warehouse exists but cannot answer (missing table, unreadable file, Snowflake error)."""


@dataclass(frozen=True)
class WarehouseTarget:
    """Where the dashboard reads from: the published DuckDB file or Snowflake."""

    kind: Literal["duckdb", "snowflake"]
    duckdb_path: Path | None = None


def current_target() -> WarehouseTarget:
    """The warehouse chosen by the one switch (``MINDPULSE_WAREHOUSE``), via settings."""
    settings = load_settings()
    if settings.warehouse == "snowflake":
        return WarehouseTarget(kind="snowflake")
    return WarehouseTarget(kind="duckdb", duckdb_path=settings.published_duckdb_path)


# --------------------------------------------------------------------------------------------
# Query execution
# --------------------------------------------------------------------------------------------


def query_published_duckdb(path: Path, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run one query on a published DuckDB file through a short read-only connection."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if not path.exists():
            raise NothingPublished(path) from exc
        raise DataUnavailable(
            f"Could not open the published warehouse {path} read-only ({exc}). "
            "Run `make run` again to publish a fresh copy."
        ) from exc
    try:
        return con.execute(sql, list(params)).df()
    except duckdb.CatalogException as exc:
        raise DataUnavailable(
            f"The published warehouse {path} lacks a table the dashboard needs ({exc}). "
            "Run `make run` to rebuild and publish it."
        ) from exc
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_duckdb_query(
    path: str, file_version: tuple[int, int], sql: str, params: tuple[Any, ...]
) -> pd.DataFrame:
    # file_version is only part of the cache key: a new publish changes mtime and inode.
    del file_version
    return query_published_duckdb(Path(path), sql, params)


def snowflake_connection_kwargs() -> dict[str, str]:
    """The SNOWFLAKE_* settings the pipeline and dbt use, as connector arguments.

    Passing them keeps one configuration for every layer; anything unset can still come from
    the [connections.snowflake] section of .streamlit/secrets.toml.
    """
    snowflake = load_settings().snowflake
    if snowflake is None:
        return {}
    kwargs = {
        "account": snowflake.account,
        "user": snowflake.user,
        "role": snowflake.role,
        "warehouse": snowflake.warehouse,
        "database": snowflake.database,
        "private_key_file": snowflake.private_key_path,
    }
    return {name: value for name, value in kwargs.items() if value}


def _snowflake_query(sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    try:
        conn = st.connection("snowflake", type="snowflake", **snowflake_connection_kwargs())
        frame = conn.query(
            sql, params=list(params) or None, ttl=SNOWFLAKE_CACHE_SECONDS, show_spinner=False
        )
    except Exception as exc:  # the connector raises many types; all mean "cannot read"
        raise DataUnavailable(
            f"Could not query Snowflake ({type(exc).__name__}: {exc}). Check the SNOWFLAKE_* "
            "variables (or the [connections.snowflake] section of .streamlit/secrets.toml) "
            "and that the pipeline has built the marts and ml schemas."
        ) from exc
    # Snowflake returns upper-case identifiers; the pages use the contract's lower-case names.
    return frame.rename(columns=str.lower)


def run_query(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run ``sql`` on the current warehouse; dates come back as pandas timestamps."""
    target = current_target()
    params = tuple(params)
    if target.kind == "snowflake":
        frame = _snowflake_query(sql, params)
    else:
        assert target.duckdb_path is not None
        try:
            stat = target.duckdb_path.stat()
        except FileNotFoundError as exc:
            raise NothingPublished(target.duckdb_path) from exc
        frame = _cached_duckdb_query(
            str(target.duckdb_path), (stat.st_mtime_ns, stat.st_ino), sql, params
        )
    return _normalise_types(frame.copy())


def _normalise_types(frame: pd.DataFrame) -> pd.DataFrame:
    for column in DATE_COLUMNS + TIMESTAMP_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    return frame
