"""Replay: rebuild a RAW table from a landed payload instead of fetching it again.

Landed files are named ``<source>-<mode>-<UTC stamp>-<hash><suffix>`` (``extract.batch`` and
``extract.landing``), so a file says which source and mode produced it and which batch it was.
Replaying one parses it exactly as the original run did (CSV exports and the JSON lines live
runs land) and loads it under its original batch id, through the same guard and accounting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.batch import ExtractBatch, ExtractError

LATEST = "latest"

# (mode, payload, suffix, origin, batch_id) -> the batch the source's parser makes of it.
RebuildBatch = Callable[[str, bytes, str, str, str], ExtractBatch]


@dataclass(frozen=True)
class LandedFile:
    path: Path
    source: str
    mode: str
    batch_id: str
    suffix: str


def parse_landed_name(path: Path) -> LandedFile:
    """What a landing file's name says: source, mode, batch id and format."""
    path = Path(path)
    suffix = "".join(path.suffixes[-1:])
    batch_id = path.name[: -len(suffix)] if suffix else path.name
    parts = batch_id.split("-")
    if len(parts) != 4 or not suffix:
        raise ExtractError(
            f"{path.name} is not a landing file name (<source>-<mode>-<stamp>-<hash>.<format>); "
            "replay only reads files MindPulse landed."
        )
    source, mode, _stamp, _digest = parts
    return LandedFile(path, source, mode, batch_id, suffix)


def find_landed(
    landing_dir: Path,
    source: str,
    choice: str,
    conn: duckdb.DuckDBPyConnection | None = None,
    raw_schema: str = "raw",
) -> LandedFile:
    """The landed file to replay: a batch id, or 'latest'.

    'latest' is the file of the batch loaded last (raw.load_batches), when the warehouse still
    knows it and the file is there; otherwise the newest landed file of the source.
    """
    folder = Path(landing_dir) / source
    if choice != LATEST:
        matches = sorted(folder.glob(f"{choice}.*"))
        if not matches:
            raise ExtractError(
                f"No landed file for batch {choice!r} in {folder}. List the landed batches with "
                f"`ls {folder}` and pass one of their names without the extension."
            )
        return parse_landed_name(matches[0])
    last_loaded = _last_loaded_path(conn, source, raw_schema) if conn is not None else None
    if last_loaded is not None and last_loaded.is_file():
        return parse_landed_name(last_loaded)
    landed = [parse_landed_name(path) for path in folder.glob(f"{source}-*") if path.is_file()]
    if not landed:
        raise ExtractError(
            f"Nothing to replay for {source}: {folder} holds no landed files. Run `make run` "
            "once to extract and land the source."
        )
    # The stamp in the batch id orders batches by when they were extracted.
    return max(landed, key=lambda f: f.batch_id.split("-")[2])


def replay_batch(landed: LandedFile, rebuild: RebuildBatch) -> ExtractBatch:
    """The batch a landed file holds, parsed by its source, under its original batch id."""
    try:
        payload = landed.path.read_bytes()
    except OSError as error:
        raise ExtractError(f"Cannot read the landed file {landed.path}: {error}") from None
    return rebuild(landed.mode, payload, landed.suffix, str(landed.path), landed.batch_id)


def _last_loaded_path(conn: duckdb.DuckDBPyConnection, source: str, raw_schema: str):
    try:
        found = conn.execute(
            f"select landing_path from {raw_schema}.load_batches where source = ? "
            "order by loaded_at desc limit 1",
            [source],
        ).fetchall()
    except duckdb.CatalogException:
        return None  # no load yet in this warehouse
    return Path(found[0][0]) if found else None
