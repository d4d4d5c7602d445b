"""How the dashboard reads its warehouse: the warehouse switch and one view per script run.

Locally the dashboard reads the *published* DuckDB copy (``Settings.published_duckdb_path``),
never the file the pipeline writes; dashboard/published.py reads it. app.py calls
``pin_this_run()`` first thing in every script run, and every query of that run reads the
publication pinned then: a page never mixes two publications, and the next run (a reload, any
widget change) reads the newest one.

With ``MINDPULSE_WAREHOUSE=snowflake`` the same SQL runs through Streamlit's Snowflake connection,
configured from the same ``SNOWFLAKE_*`` settings as dbt (``.streamlit/secrets.toml`` may add to
them). That is a live database: nothing to pin; results are cached for a while. The
SQL uses ``?`` placeholders, which DuckDB and Streamlit's Snowflake connection (qmark
paramstyle) both accept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard.errors import DataUnavailable, NothingPublished
from dashboard.published import PinnedPublication, pin_publication, query_publication
from orchestration.settings import load_settings

log = logging.getLogger(__name__)

# Snowflake is a live database: its results are cached this long.
SNOWFLAKE_CACHE_SECONDS = 600
# Where this session's current script run keeps its pin (replaced at the start of every run).
RUN_PIN_KEY = "_mindpulse_run_pin"

DATE_COLUMNS = (
    "period_start",
    "period_end",
    "previous_period_start",
    "previous_period_end",
    "ds",
    "train_start",
    "train_end",
    "last_period_end",
    "first_week",
    "last_week",
    "week",
)
TIMESTAMP_COLUMNS = ("loaded_at", "created_at")


@dataclass(frozen=True)
class WarehouseTarget:
    """Where the dashboard reads from: the published DuckDB file or Snowflake."""

    kind: Literal["duckdb", "snowflake"]
    duckdb_path: Path | None = None


@dataclass(frozen=True, eq=False)
class RunPin:
    """What every query of one script run reads."""

    target: WarehouseTarget
    publication: PinnedPublication | None = None  # DuckDB only; None: nothing published yet


def current_target() -> WarehouseTarget:
    """The warehouse chosen by the one switch (``MINDPULSE_WAREHOUSE``), via settings."""
    settings = load_settings()
    if settings.warehouse == "snowflake":
        return WarehouseTarget(kind="snowflake")
    return WarehouseTarget(kind="duckdb", duckdb_path=settings.published_duckdb_path)


def pin_this_run() -> RunPin:
    """Choose what every query of this script run reads; app.py calls it first."""
    # Never let a run read the previous run's pin, even if pinning this one fails.
    st.session_state.pop(RUN_PIN_KEY, None)
    target = current_target()
    publication = None
    if target.kind == "duckdb":
        assert target.duckdb_path is not None
        publication = pin_publication(target.duckdb_path)
    pin = RunPin(target, publication)
    st.session_state[RUN_PIN_KEY] = pin
    return pin


def run_query(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run ``sql`` on this run's warehouse view; dates come back as pandas timestamps."""
    pin = st.session_state.get(RUN_PIN_KEY)
    if not isinstance(pin, RunPin):  # a script that did not start in app.py
        pin = pin_this_run()
    if pin.target.kind == "snowflake":
        frame = _snowflake_query(sql, tuple(params))
    elif pin.publication is None:
        assert pin.target.duckdb_path is not None
        raise NothingPublished(pin.target.duckdb_path)
    else:
        frame = query_publication(pin.publication, sql, params)
    return _normalise_types(frame.copy())


def snowflake_connection_kwargs() -> dict[str, Any]:
    """The SNOWFLAKE_* settings the pipeline and dbt use, as connector arguments.

    Passing them keeps one configuration for every layer; anything unset can still come from
    the [connections.mindpulse] section of .streamlit/secrets.toml. The SQL of the pages uses
    ``?`` placeholders: the connection is opened with the qmark paramstyle.
    """
    snowflake = load_settings().snowflake
    if snowflake is None:
        return {}
    return {**snowflake.connection_args(), "paramstyle": "qmark"}


# Not "snowflake": for a connection of that name without a secrets.toml section, Streamlit
# ignores the keyword arguments and reads Snowflake's own default connection instead.
SNOWFLAKE_CONNECTION_NAME = "mindpulse"


def snowflake_connection() -> Any:
    return st.connection(
        SNOWFLAKE_CONNECTION_NAME, type="snowflake", **snowflake_connection_kwargs()
    )


def _snowflake_query(sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    try:
        frame = snowflake_connection().query(
            sql, params=list(params) or None, ttl=SNOWFLAKE_CACHE_SECONDS, show_spinner=False
        )
    except Exception as exc:  # the connector raises many types; all mean "cannot read"
        # Its messages name the account, user or SQL: for the log, not for the page.
        log.error("Snowflake query failed: %s", " ".join(sql.split()), exc_info=exc)
        raise DataUnavailable(
            "Snowflake did not answer the dashboard's query. Check the SNOWFLAKE_* settings "
            "(or the [connections.mindpulse] section of .streamlit/secrets.toml) and that the "
            "pipeline has built the marts and ml schemas, then reload this page."
        ) from exc
    # Snowflake returns upper-case identifiers; the pages use the contract's lower-case names.
    return frame.rename(columns=str.lower)


def _normalise_types(frame: pd.DataFrame) -> pd.DataFrame:
    for column in DATE_COLUMNS + TIMESTAMP_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    return frame
