"""Load an extract batch into the RAW layer of the warehouse, replacing what it supersedes.

The same code loads DuckDB and Snowflake (extract.warehouse gives both one connection
interface). One transaction per load: create the raw tables if they are missing (before the
transaction on Snowflake, which commits around DDL), run the completeness guard
(``extract.completeness``) against what the table holds, delete what the batch replaces (a
snapshot source's whole table and its quarantine rows; an incremental source's window), insert
the batch's valid rows (with ``_batch_id``, ``_loaded_at``, ``_source_mode``) and its
quarantined records, check that every record of the payload is accounted for, and append a row
to ``raw.load_batches``. Any error rolls everything back, so the warehouse is either the old
load or the new one, never a mix, and re-running a load never duplicates rows.

``raw.quarantine`` holds no records, only what ``QuarantinedRecord`` keeps of them (already
scrubbed by ``extract.privacy``). A warehouse from before that change has the old layout, with
whole records as JSON; the load recreates the table in its transaction (its rows are rebuilt per
source on every load, and the old ones are exactly what must not be kept).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from extract.accounting import Accounting, account
from extract.batch import ExtractBatch, ExtractError, utc_now_naive
from extract.completeness import GuardOutcome, ShrinkPolicy, batch_window, check_completeness
from extract.contract import RawTableContract
from extract.warehouse import catalog_type, table_columns, table_exists, write_atomically

RAW_SCHEMA = "raw"  # the same name in every warehouse (see orchestration.settings)

# Added to every raw source table by the load.
LOAD_COLUMNS = (
    ("_batch_id", "VARCHAR NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
    ("_source_mode", "VARCHAR NOT NULL"),
)
QUARANTINE_COLUMNS = (
    ("source", "VARCHAR"),
    ("batch_id", "VARCHAR"),
    ("row_number", "INTEGER"),
    ("reason", "VARCHAR"),
    ("field_names", "VARCHAR"),  # JSON array of the fields validation complained about
    ("excerpt", "VARCHAR"),  # a short, scrubbed excerpt of the record
    ("quarantined_at", "TIMESTAMP"),
)
# The layout before quarantine stopped keeping whole records; migrated on the next load.
LEGACY_QUARANTINE_COLUMNS = (
    ("source", "VARCHAR"),
    ("record", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("batch_id", "VARCHAR"),
    ("row_number", "INTEGER"),
    ("quarantined_at", "TIMESTAMP"),
)
LOAD_BATCHES_COLUMNS = (
    ("source", "VARCHAR"),
    ("batch_id", "VARCHAR"),
    ("source_mode", "VARCHAR"),
    ("landing_path", "VARCHAR"),
    ("rows_in", "INTEGER"),
    ("rows_loaded", "INTEGER"),
    ("rows_quarantined", "INTEGER"),
    ("loaded_at", "TIMESTAMP"),
)


@dataclass(frozen=True)
class LoadResult:
    source: str
    batch_id: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    loaded_at: datetime  # UTC, naive
    landing_path: Path
    guard: GuardOutcome
    accounting: Accounting


def load_batch(
    conn,
    batch: ExtractBatch,
    landing_path: Path | str,
    contract: RawTableContract,
    policy: ShrinkPolicy | None = None,
) -> LoadResult:
    """Replace what `batch` supersedes in raw.<table> and raw.quarantine, atomically.

    `conn`: a DuckDB connection or an extract.warehouse.SnowflakeSession. Raises
    IncompleteBatchError (the guard refused a batch that looks cut short) or AccountingError
    (payload and warehouse disagree on the record count); in both cases, as on any error,
    nothing was written.
    """
    table = contract.table
    record_columns = _record_columns(contract, batch)
    policy = policy or ShrinkPolicy()
    loaded_at = utc_now_naive()
    tables = {
        table: record_columns + LOAD_COLUMNS,
        "quarantine": QUARANTINE_COLUMNS,
        "load_batches": LOAD_BATCHES_COLUMNS,
    }

    def prepare(registered: list[str]) -> None:
        _prepare(conn, tables, batch, loaded_at, registered)

    def write() -> tuple[GuardOutcome, int, Accounting]:
        guard = check_completeness(
            conn, batch, contract, RAW_SCHEMA, policy, asset=f"{RAW_SCHEMA}/{table}"
        )
        _delete_superseded(conn, contract, batch)
        rows_loaded = _insert_rows(conn, table, record_columns, batch, loaded_at)
        _insert_quarantine(conn, batch)
        accounting = account(conn, RAW_SCHEMA, table, batch)
        conn.execute(
            f"INSERT INTO {RAW_SCHEMA}.load_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch.source,
                batch.batch_id,
                batch.mode,
                str(landing_path),
                batch.rows_in,
                rows_loaded,
                len(batch.quarantined),
                loaded_at,
            ],
        )
        return guard, rows_loaded, accounting

    guard, rows_loaded, accounting = write_atomically(conn, prepare, write)
    return LoadResult(
        source=batch.source,
        batch_id=batch.batch_id,
        rows_in=batch.rows_in,
        rows_loaded=rows_loaded,
        rows_quarantined=len(batch.quarantined),
        loaded_at=loaded_at,
        landing_path=landing_path if isinstance(landing_path, str) else Path(landing_path),
        guard=guard,
        accounting=accounting,
    )


def _record_columns(contract: RawTableContract, batch: ExtractBatch):
    if batch.source != contract.source:
        raise ExtractError(
            f"raw.{contract.table} holds {contract.source!r} records, not {batch.source!r} ones."
        )
    missing = [name for name in contract.column_names if name not in batch.rows.columns]
    if missing:
        raise ExtractError(f"The {batch.source} batch rows lack the column(s) {missing}.")
    return contract.columns


def _delete_superseded(conn, contract: RawTableContract, batch: ExtractBatch) -> None:
    """Delete what the batch replaces: the whole source, or the window an incremental batch
    covers (quarantine rows of earlier windows stay; a batch loaded again replaces its own)."""
    table = f"{RAW_SCHEMA}.{contract.table}"  # a raw table holds one source's records only
    if contract.load == "snapshot":
        conn.execute(f"DELETE FROM {table}")
        conn.execute(f"DELETE FROM {RAW_SCHEMA}.quarantine WHERE source = ?", [batch.source])
        return
    window = batch_window(batch.rows, contract)
    if window is not None:
        conn.execute(
            f"DELETE FROM {table} WHERE {contract.date_column} BETWEEN ? AND ?", list(window)
        )
    conn.execute(f"DELETE FROM {table} WHERE _batch_id = ?", [batch.batch_id])
    conn.execute(f"DELETE FROM {RAW_SCHEMA}.quarantine WHERE batch_id = ?", [batch.batch_id])
    # Quarantined records have no trustworthy date to window by. An earlier batch of the source
    # whose rows were all replaced (the same export loaded again) is superseded as a whole, so
    # its quarantine goes too; batches that still have rows keep theirs.
    conn.execute(
        f"""
        DELETE FROM {RAW_SCHEMA}.quarantine
        WHERE source = ? AND batch_id IN (
            SELECT b.batch_id FROM {RAW_SCHEMA}.load_batches AS b
            WHERE b.source = ? AND b.rows_loaded > 0
              AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE t._batch_id = b.batch_id)
        )
        """,
        [batch.source, batch.source],
    )


def newest_loaded(conn, contract: RawTableContract, raw_schema: str, mode: str) -> datetime | None:
    """The newest date_column value raw.<table> holds from `mode`; None when it holds none
    (or does not exist yet). An incremental live source fetches from there on."""
    if not table_exists(conn, raw_schema, contract.table):
        return None
    [(newest,)] = conn.execute(
        f"select max({contract.date_column}) from {raw_schema}.{contract.table} "
        "where _source_mode = ?",
        [mode],
    ).fetchall()
    return newest


def data_version(conn, contract: RawTableContract, batch: ExtractBatch) -> str:
    """The raw table's data version after `batch` was loaded (and the table kept up): equal
    exactly when it holds the same records, batch ids and load times aside, so that Dagster
    (and orchestration.dbt_reuse) see an unchanged input as unchanged.

    A snapshot table holds exactly the batch: its content version. An incremental table holds
    every earlier batch too, and may change without one (expired bodies): its version is read
    from the table itself, a hash over every record. A batch with nothing new then leaves the
    version as it was, and any change to the rows, by whatever wrote it, gives another one.
    Versions chained from the previous one in Dagster's records would cost nothing to compute,
    but would trust those records to match the warehouse; after a run that loaded and was then
    killed before Dagster recorded it, an empty batch would give back the version of a table
    that no longer exists. Hashing a million rows takes DuckDB about a tenth of a second.
    """
    if contract.load == "snapshot":
        return batch.content_version()
    # Order-free: each row's hash summed (a multiset, with the count), so the table needs no
    # sort. hash() exists in DuckDB and Snowflake (with different values: a version belongs to
    # one warehouse); it may change between versions of the engine: an upgrade changes every
    # version once, which only costs one rebuild downstream.
    columns = ", ".join([*contract.column_names, "_source_mode"])
    [(rows, total)] = conn.execute(
        f"select count(*), coalesce(sum(hash({columns})), 0) from {RAW_SCHEMA}.{contract.table}"
    ).fetchall()
    return hashlib.sha256(f"{contract.table}:{rows}:{total}".encode()).hexdigest()


def _drop_legacy_quarantine(conn) -> None:
    """Drop raw.quarantine if it has the old layout, so _ensure_table creates the new one.

    Only the exact old layout is dropped; any other mismatch is still reported, not guessed at.
    """
    legacy = [(name, catalog_type(conn, type_)) for name, type_ in LEGACY_QUARANTINE_COLUMNS]
    if table_columns(conn, RAW_SCHEMA, "quarantine") == legacy:
        conn.execute(f"DROP TABLE {RAW_SCHEMA}.quarantine")


def _ensure_table(conn, table: str, columns) -> None:
    """Create raw.<table> with the contract's columns, or check an existing one matches it."""
    ddl = ", ".join(f"{name} {type_}" for name, type_ in columns)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table} ({ddl})")
    found = table_columns(conn, RAW_SCHEMA, table)
    expected = [(name, catalog_type(conn, type_)) for name, type_ in columns]
    if found != expected:
        raise ExtractError(
            f"{RAW_SCHEMA}.{table} exists with columns {found}, not the contract's {expected}. "
            f"Drop {RAW_SCHEMA}.{table} and rebuild it from the landing files with `make replay`."
        )


def _prepare(
    conn, tables: dict, batch: ExtractBatch, loaded_at: datetime, registered: list[str]
) -> None:
    """Create the raw tables if missing and make the batch's rows (and its quarantine, if any)
    readable in SQL, appending the names registered to `registered`."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    _drop_legacy_quarantine(conn)
    for name, columns in tables.items():
        _ensure_table(conn, name, columns)
    rows_view = _rows_view(next(iter(tables)))  # the source's table comes first
    registered.append(rows_view)
    conn.register(rows_view, batch.rows)
    if batch.quarantined:
        registered.append(_quarantine_view(batch.source))
        conn.register(registered[-1], _quarantine_frame(batch, loaded_at))


def _insert_rows(conn, table: str, columns, batch: ExtractBatch, loaded_at: datetime) -> int:
    view = _rows_view(table)
    # Explicit casts make the contract types win over whatever pandas inferred.
    select = ", ".join(f"CAST({name} AS {type_.split()[0]})" for name, type_ in columns)
    names = ", ".join(name for name, _ in columns + LOAD_COLUMNS)
    conn.execute(
        f"INSERT INTO {RAW_SCHEMA}.{table} ({names}) SELECT {select}, ?, ?, ? FROM {view}",
        [batch.batch_id, loaded_at, batch.mode],
    )
    # fetchall, not fetchone: DuckDB 2 keeps a partly fetched result open on the connection.
    [(count,)] = conn.execute(
        f"SELECT count(*) FROM {RAW_SCHEMA}.{table} WHERE _batch_id = ?", [batch.batch_id]
    ).fetchall()
    if count != len(batch.rows):
        raise ExtractError(f"raw.{table} holds {count} rows after loading {len(batch.rows)}.")
    return count


def _quarantine_frame(batch: ExtractBatch, loaded_at: datetime) -> pd.DataFrame:
    # Only QuarantinedRecord's fields are written; it scrubbed them when it was built.
    return pd.DataFrame(
        {
            "source": batch.source,
            "batch_id": batch.batch_id,
            "row_number": [q.row_number for q in batch.quarantined],
            "reason": [q.reason for q in batch.quarantined],
            "field_names": [
                json.dumps(list(q.field_names), ensure_ascii=False) for q in batch.quarantined
            ],
            "excerpt": [q.excerpt for q in batch.quarantined],
            "quarantined_at": loaded_at,
        }
    )


def _insert_quarantine(conn, batch: ExtractBatch) -> None:
    if not batch.quarantined:
        return
    names = ", ".join(name for name, _ in QUARANTINE_COLUMNS)
    casts = ", ".join(f"CAST({name} AS {type_})" for name, type_ in QUARANTINE_COLUMNS)
    conn.execute(
        f"INSERT INTO {RAW_SCHEMA}.quarantine ({names}) "
        f"SELECT {casts} FROM {_quarantine_view(batch.source)}"
    )


def _rows_view(table: str) -> str:
    return f"_mindpulse_{table}_rows"


def _quarantine_view(source: str) -> str:
    return f"_mindpulse_{source}_quarantine"
