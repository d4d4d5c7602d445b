"""Reading the published DuckDB warehouse: one publication per script run.

The pipeline publishes *generations* (orchestration/publish.py): read-only files that never
change, each with its own path, and a stable path that is a hard link to the newest. At the
start of every script run the dashboard resolves the current generation once and takes a
connection to it; every query of that run goes through that connection. A page therefore never
mixes two publications, even when a new one is published while it runs, and the next run
resolves again and sees the new one.

Every cache key carries the publication's identity (the generation's path), so a cached result
is always the result of the file its key names; every entry expires after CACHE_SECONDS. A
published copy from before generations (the stable file only) is read through the stable path
and identified by its inode, modification time and size.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard.errors import REBUILD, DataUnavailable
from orchestration.publish import current_generation

log = logging.getLogger(__name__)

CACHE_SECONDS = 600
# The current generation and the older ones that sessions still in a run may have pinned.
CONNECTIONS_KEPT = 4
RESULTS_KEPT = 512
# The name the published file is attached under in each connection (see open_publication).
CATALOG = "published"


@dataclass(frozen=True)
class Publication:
    path: Path  # the file to read: a generation, or the stable file of an old-layout copy
    identity: str  # part of every cache key; names exactly one content


@dataclass(frozen=True, eq=False)
class PinnedPublication:
    """The publication one script run reads, with the connection every query of it uses."""

    publication: Publication
    connection: duckdb.DuckDBPyConnection


def resolve_publication(stable: Path) -> Publication | None:
    """The publication at the stable path right now; None when nothing is published."""
    generation = current_generation(stable)
    if generation is not None:
        return Publication(generation, str(generation))
    try:
        stat = stable.stat()
    except FileNotFoundError:
        return None
    return Publication(stable, f"{stable}@{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}")


def pin_publication(stable: Path) -> PinnedPublication | None:
    """Resolve the current publication and open it now, so the whole run reads that file even
    if it is pruned meanwhile (an open file lives on); None when nothing is published."""
    publication = resolve_publication(stable)
    if publication is None:
        return None
    try:
        connection = _shared_connection(str(publication.path), publication.identity)
    except duckdb.Error as exc:
        raise explain(exc, publication) from exc
    return PinnedPublication(publication, connection)


def query_publication(
    pinned: PinnedPublication, sql: str, params: Sequence[Any] = ()
) -> pd.DataFrame:
    """Run one query on the pinned publication (cached per publication, SQL and parameters)."""
    try:
        return _cached_query(pinned.publication.identity, sql, tuple(params), pinned.connection)
    except duckdb.Error as exc:
        raise explain(exc, pinned.publication, sql) from exc


def open_publication(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection of its own to the published file at `path`.

    The file is attached to a fresh in-memory database rather than opened with
    duckdb.connect(path): DuckDB keeps one database instance per path in each process and hands
    it to every later connect(path), so after the file at that path was replaced a new
    connection could still read the old file. An attached file is opened anew every time.
    """
    connection = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        connection.execute(f"ATTACH '{quoted}' AS {CATALOG} (READ_ONLY)")
    except BaseException:
        connection.close()
        raise
    return connection


@st.cache_resource(ttl=CACHE_SECONDS, max_entries=CONNECTIONS_KEPT, show_spinner=False)
def _shared_connection(path: str, identity: str) -> duckdb.DuckDBPyConnection:
    # Shared by every session reading this publication. Evicted connections are not closed
    # here: a run that pinned one may still be using it; it closes once nothing refers to it.
    del identity  # only part of the key: an old-layout file replaced at the same path is new
    return open_publication(Path(path))


@st.cache_data(ttl=CACHE_SECONDS, max_entries=RESULTS_KEPT, show_spinner=False)
def _cached_query(
    identity: str, sql: str, params: tuple[Any, ...], _connection: duckdb.DuckDBPyConnection
) -> pd.DataFrame:
    del identity  # part of the key: results of different publications never mix
    # A cursor per query: sessions run in threads, and a DuckDB connection is not thread-safe.
    # Each cursor is a new session on the same database, so it selects the catalog itself.
    cursor = _connection.cursor()
    try:
        cursor.execute(f"USE {CATALOG}")
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


def explain(exc: duckdb.Error, publication: Publication, sql: str | None = None) -> DataUnavailable:
    """Log the full error; return the short message a viewer sees instead."""
    log.error(
        "Reading the published warehouse %s failed%s",
        publication.path,
        f" on query: {' '.join(sql.split())}" if sql else "",
        exc_info=exc,
    )
    if isinstance(exc, duckdb.CatalogException):
        problem = "The published data lacks a table this dashboard needs."
    elif isinstance(exc, duckdb.BinderException):
        problem = (
            "The published data was built by an older version of the pipeline and lacks a "
            "column this dashboard needs."
        )
    elif isinstance(exc, duckdb.IOException):
        problem = "The published data could not be opened."
    else:
        problem = "The published data could not be read."
    return DataUnavailable(f"{problem} {REBUILD}")
