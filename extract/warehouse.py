"""One connection interface for every Python writer of the warehouse: DuckDB's, and Snowflake's
wrapped to match it.

The loaders (extract.raw_load) and the ML table writers (ml_assets) were written against a
DuckDB connection: ``execute(sql, params).fetchall() / .df()``, ``register(name, frame)`` to read
a DataFrame in SQL, ``begin / commit / rollback``. :class:`SnowflakeSession` offers the same
calls over snowflake-connector-python, so the same functions write to either warehouse; only
the catalog differs, and the helpers below (table_columns, table_exists, catalog_type) hide
that: Snowflake folds unquoted names to upper case and spells types its own way.

Two Snowflake rules shape the callers, not only this module:
- DDL commits any open transaction (Snowflake runs each DDL statement in its own), so callers
  create tables and register frames *before* ``begin`` and keep only DML inside it; DuckDB is
  happy with that order too.
- Parameters are bound with the qmark style (``?``), which both engines accept.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

# The contract types of extract/ and ml_assets/ as Snowflake's information_schema names them.
_SNOWFLAKE_CATALOG_TYPES = {
    "VARCHAR": "TEXT",
    "INTEGER": "NUMBER",
    "BIGINT": "NUMBER",
    "DOUBLE": "FLOAT",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
T = TypeVar("T")


def dialect_of(conn: Any) -> str:
    """'snowflake' for a SnowflakeSession, 'duckdb' for a DuckDB connection."""
    return getattr(conn, "dialect", "duckdb")


def catalog_name(conn: Any, name: str) -> str:
    """How the catalog spells an unquoted identifier: upper case in Snowflake."""
    return name.upper() if dialect_of(conn) == "snowflake" else name


def catalog_type(conn: Any, contract_type: str) -> str:
    """A contract type (VARCHAR, INTEGER, ...) as the catalog of `conn` reports it."""
    base = contract_type.split()[0].upper()
    if dialect_of(conn) == "snowflake":
        return _SNOWFLAKE_CATALOG_TYPES.get(base, base)
    return base


def table_columns(conn: Any, schema: str, table: str) -> list[tuple[str, str]]:
    """(name in lower case, catalog type) of schema.table's columns in order; [] if missing."""
    rows = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [catalog_name(conn, schema), catalog_name(conn, table)],
    ).fetchall()
    return [(name.lower(), type_.upper()) for name, type_ in rows]


def table_exists(conn: Any, schema: str, table: str) -> bool:
    [(count,)] = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [catalog_name(conn, schema), catalog_name(conn, table)],
    ).fetchall()
    return count > 0


class _Result:
    """What DuckDB's execute returns, as far as MindPulse uses it."""

    def __init__(self, cursor: Any):
        self._cursor = cursor

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> tuple | None:
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def df(self) -> pd.DataFrame:
        """The result with the contract's lower-case column names."""
        names = [column.name.lower() for column in self._cursor.description or []]
        rows = self._cursor.fetchall()
        return pd.DataFrame.from_records([tuple(row) for row in rows], columns=names)


class SnowflakeSession:
    """A snowflake.connector connection with the calls of a DuckDB connection.

    ``register(name, frame)`` uploads the frame the way the connector's own write_pandas loads
    (a Parquet file PUT to a stage, COPY INTO by column name: bulk and typed, no statement per
    row) into a transient scratch table of this session in `scratch_schema` (RAW: the schema the
    pipeline's role loads), and the SQL this session runs reads that table wherever it names
    `name`. A scratch table, not a temporary one, because COPY INTO a temporary table fails on
    the local stand-in the tests use (fakesnow); its name is unique to the session, so two runs
    never share one, and unregister() drops it. The Parquet file lives in a temporary folder
    only until the COPY.
    """

    dialect = "snowflake"

    def __init__(
        self,
        conn: Any,
        scratch_schema: str = "raw",
        upload: Callable[[str, pd.DataFrame], None] | None = None,
    ):
        self._conn = conn
        # How a frame reaches its scratch table: through a stage (below), or Snowpark
        # (extract.snowpark_upload) when the resource was configured for it.
        self._upload = upload or self._upload_through_stage
        self._scratch_schema = _check_name(scratch_schema)
        self._token = uuid.uuid4().hex[:12]
        self._stage = f"mindpulse_upload_{self._token}"
        self._stage_created = False
        self._registered: dict[str, str] = {}  # registered name -> scratch table

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Result:
        cursor = self._conn.cursor()
        cursor.execute(self._with_scratch_names(sql), list(params) if params is not None else None)
        return _Result(cursor)

    def begin(self) -> None:
        self.execute("begin")

    def commit(self) -> None:
        self.execute("commit")

    def rollback(self) -> None:
        self.execute("rollback")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make `frame` readable as `name` in this session's SQL (replacing one of that name).

        DDL: call it before ``begin``, never inside a transaction (see the module docstring).
        """
        _check_name(name)
        for column in frame.columns:
            _check_name(column)
        scratch = f"{self._scratch_schema}.{name}_{self._token}"
        self._registered[name] = scratch
        self._upload(scratch, frame)

    def unregister(self, name: str) -> None:
        scratch = self._registered.pop(name, None)
        if scratch is not None:
            self._conn.cursor().execute(f"drop table if exists {scratch}")

    def drop_scratch(self) -> None:
        """Drop the scratch tables still registered (a step that failed left them)."""
        for name in list(self._registered):
            with contextlib.suppress(Exception):  # best effort: the session is ending anyway
                self.unregister(name)

    def _upload_through_stage(self, table: str, frame: pd.DataFrame) -> None:
        """(Re)create `table` with the frame's columns and bulk-load the frame into it."""
        cursor = self._conn.cursor()
        columns = ", ".join(f"{c} {snowflake_type(frame[c])}" for c in frame.columns)
        cursor.execute(f"create or replace transient table {table} ({columns})")
        if frame.empty:
            return
        if not self._stage_created:
            self._stage = f"{self._scratch_schema}.{self._stage}"
            cursor.execute(f"create temporary stage if not exists {self._stage}")
            self._stage_created = True
        with tempfile.TemporaryDirectory(prefix="mindpulse-upload-") as folder:
            path = Path(folder) / f"{table.rsplit('.', 1)[-1]}.parquet"
            parquet_ready(frame).to_parquet(path, index=False)
            cursor.execute(f"put '{path.as_uri()}' @{self._stage} overwrite = true")
            [result] = cursor.execute(
                f"copy into {table} from @{self._stage}/{path.name} "
                "file_format = (type = parquet) match_by_column_name = case_insensitive "
                "purge = true"
            ).fetchall()
        status, loaded = result[1], result[3]
        if status != "LOADED" or loaded != len(frame):
            raise RuntimeError(
                f"Uploading {len(frame)} rows to the Snowflake scratch table {table} gave "
                f"{result!r}; check that the warehouse runs and the role may use the stage."
            )

    def _with_scratch_names(self, sql: str) -> str:
        for name, scratch in self._registered.items():
            sql = re.sub(rf"\b{name}\b", scratch, sql)
        return sql


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain SQL identifier")
    return name


def snowflake_type(column: pd.Series) -> str:
    """The type a frame column is uploaded as; callers cast to the contract's types."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "TIMESTAMP_NTZ"
    values = column.dropna()
    if not values.empty and values.map(lambda v: type(v).__name__ == "date").all():
        return "DATE"
    return "VARCHAR"


def parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns as text (mixed types would fail Arrow), timestamps without time zone."""
    ready = frame.copy()
    for name in ready.columns:
        column = ready[name]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            if getattr(column.dtype, "tz", None) is not None:
                ready[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
            ready[name] = ready[name].astype("datetime64[us]")
        elif column.dtype == object and snowflake_type(column) == "VARCHAR":
            ready[name] = column.map(lambda v: None if _missing(v) else str(v))
    return ready


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def write_atomically(
    conn: Any,
    prepare: Callable[[list[str]], None],
    write: Callable[[], T],
) -> T:
    """Run `write` (DML only) in one transaction after `prepare` (DDL and uploads).

    `prepare` creates tables and registers frames, appending each registered name to the list
    it is given; they are unregistered afterwards, however the write ends. DuckDB runs
    `prepare` inside the transaction, so a failed first write leaves no empty tables behind;
    Snowflake commits an open transaction around DDL (and the local stand-in refuses DDL after
    DML in one transaction), so there `prepare` runs first and only `write` is atomic.
    """
    ddl_in_transaction = dialect_of(conn) != "snowflake"
    registered: list[str] = []
    try:
        if not ddl_in_transaction:
            prepare(registered)
        conn.execute("BEGIN TRANSACTION")
        try:
            if ddl_in_transaction:
                prepare(registered)
            result = write()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        for name in registered:
            with contextlib.suppress(Exception):  # an aborted DuckDB transaction keeps them
                conn.unregister(name)
    return result
