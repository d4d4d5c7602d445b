"""The dashboard's one data-access module: every query the pages run lives here.

Locally the dashboard reads the *published* DuckDB copy (``Settings.published_duckdb_path``),
never the file the pipeline writes. The pipeline swaps that copy in atomically with
``os.replace`` after a green build, so a reader sees either the old or the new file, never a
half-written one. Each query opens a short read-only connection and closes it at once, so the
dashboard holds no lock a later publish could trip over. Results are cached on the file's
identity (mtime and inode): a newly published copy is read on the next rerun, an unchanged one
never again.

With ``MINDPULSE_WAREHOUSE=snowflake`` the same SQL runs through ``st.connection("snowflake")``,
configured from the same ``SNOWFLAKE_*`` settings as dbt (``.streamlit/secrets.toml`` may add to
them). The SQL uses ``?`` placeholders, which DuckDB and
Streamlit's Snowflake connection (qmark paramstyle) both accept.
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

SOURCE = "cdc_pulse"
NATIONAL = ("national", "United States")

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


def series_key(signal: str, group_type: str, group_value: str, source: str = SOURCE) -> str:
    """The series key shared with ml.forecasts and ml.forecast_metrics."""
    return f"{source}|{signal}|{group_type}|{group_value}"


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


# --------------------------------------------------------------------------------------------
# The dashboard's questions
# --------------------------------------------------------------------------------------------


def signal_catalog(source: str = SOURCE) -> pd.DataFrame:
    """Every series in marts.fct_signals: signal, group_type, group_value, n_periods."""
    return run_query(
        """
        select signal, group_type, group_value, count(*) as n_periods,
               max(period_end) as last_period_end
        from marts.fct_signals
        where source = ?
        group by signal, group_type, group_value
        order by signal, group_type, group_value
        """,
        [source],
    )


def series_history(
    signal: str, group_type: str, group_value: str, source: str = SOURCE
) -> pd.DataFrame:
    """One series of marts.fct_signals in time order, with its confidence interval."""
    return run_query(
        """
        select period_start, period_end, cadence, value, ci_low, ci_high, unit
        from marts.fct_signals
        where source = ? and signal = ? and group_type = ? and group_value = ?
        order by period_start
        """,
        [source, signal, group_type, group_value],
    )


def series_forecast(key: str) -> pd.DataFrame:
    """ml.forecasts rows of one series (in-sample fit and future), in time order."""
    return run_query(
        """
        select ds, y, yhat, yhat_lower, yhat_upper, is_forecast, model_version, run_id,
               created_at
        from ml.forecasts
        where series_key = ?
        order by ds
        """,
        [key],
    )


def series_metrics(key: str) -> dict[str, Any] | None:
    """The backtest metrics row of one series from ml.forecast_metrics, or None."""
    frame = run_query(
        """
        select n_obs, train_start, train_end, step_days, horizon_periods, n_folds,
               mae, rmse, mape, mase, naive_mae, naive_rmse, naive_mape, naive_mase,
               beats_naive, cadence_note, model_version, run_id, created_at
        from ml.forecast_metrics
        where series_key = ?
        order by created_at desc
        limit 1
        """,
        [key],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def latest_load(source: str = SOURCE) -> dict[str, Any] | None:
    """The most recent row of raw.load_batches for ``source``, or None."""
    frame = run_query(
        """
        select source, batch_id, source_mode, rows_in, rows_loaded, rows_quarantined, loaded_at
        from raw.load_batches
        where source = ?
        order by loaded_at desc
        limit 1
        """,
        [source],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def latest_period_end(source: str = SOURCE) -> pd.Timestamp | None:
    """End date of the newest period in marts.fct_signals for ``source``."""
    frame = run_query(
        "select max(period_end) as last_period_end from marts.fct_signals where source = ?",
        [source],
    )
    value = frame["last_period_end"].iloc[0] if not frame.empty else None
    return None if pd.isna(value) else pd.Timestamp(value)


def latest_national_values(source: str = SOURCE) -> pd.DataFrame:
    """Per signal: the newest national value and the one before it (for the change)."""
    return run_query(
        """
        with ranked as (
            select signal, period_start, period_end, value,
                   row_number() over (partition by signal order by period_start desc) as recency
            from marts.fct_signals
            where source = ? and group_type = ? and group_value = ?
        )
        select latest.signal,
               latest.period_start, latest.period_end, latest.value,
               previous.period_start as previous_period_start,
               previous.period_end as previous_period_end,
               previous.value as previous_value
        from ranked as latest
        left join ranked as previous
            on previous.signal = latest.signal and previous.recency = 2
        where latest.recency = 1
        order by latest.signal
        """,
        [source, *NATIONAL],
    )


def national_history(source: str = SOURCE) -> pd.DataFrame:
    """The national estimates of every signal, for the overview chart."""
    return run_query(
        """
        select signal, period_start, period_end, value
        from marts.fct_signals
        where source = ? and group_type = ? and group_value = ?
        order by signal, period_start
        """,
        [source, *NATIONAL],
    )
