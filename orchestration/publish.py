"""Publish a read-only copy of the warehouse for the dashboard.

DuckDB allows one writer process or many readers, never both. The dashboard therefore never
opens the file the pipeline writes: after a green build the pipeline copies it next to itself
and swaps the copy in with an atomic rename. Readers that still have the old copy open keep
reading it (the old inode lives until they close); new connections see the new copy.

A publisher killed while copying (SIGKILL, out of memory) leaves its staging copy behind, as
large as the warehouse; the next publish removes the ones whose writer process is gone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def publish_warehouse(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` atomically; return the destination."""
    if not source.is_file():
        raise FileNotFoundError(
            f"No warehouse at {source} to publish; materialize the pipeline first (make run)."
        )
    # Fold the write-ahead log into the file so the copy is complete on its own.
    with duckdb.connect(str(source)) as conn:
        conn.execute("CHECKPOINT")
    destination.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_copies(destination)
    staging_copy = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, staging_copy)
        os.replace(staging_copy, destination)
    finally:
        staging_copy.unlink(missing_ok=True)
    return destination


def _remove_abandoned_copies(destination: Path) -> None:
    """Delete staging copies of `destination` whose writer (the pid in the name) is gone."""
    for staging_copy in destination.parent.glob(f".{destination.name}.*.tmp"):
        pid = staging_copy.name.removeprefix(f".{destination.name}.").removesuffix(".tmp")
        if pid.isdigit() and not _is_running(int(pid)):
            staging_copy.unlink(missing_ok=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
