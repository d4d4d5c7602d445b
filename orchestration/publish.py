"""Publish a read-only copy of the warehouse for the dashboard, one generation at a time.

DuckDB allows one writer process or many readers, never both. The dashboard therefore never
opens the file the pipeline writes. After a green build the pipeline publishes:

1. It opens the warehouse read-write and keeps that connection open until the publication is
   complete. The connection holds DuckDB's file lock, so no other writer (a `dbt build` from the
   CLI, outside Dagster's pool) can change the file while it is copied.
2. It CHECKPOINTs (the write-ahead log goes into the file), copies the file to a new
   *generation* ``published/generations/<stem>.<UTC stamp>-<id>.duckdb``, flushes it to disk,
   makes it read-only and renames it into place.
3. It points the stable path ``published/<name>`` at that generation: a hard link under a
   temporary name, renamed over the stable path. The stable path stays a normal DuckDB file,
   and a reader sees the old or the new publication, never a mix.
4. It keeps the newest few generations and deletes the rest. Readers that still have an old
   generation open keep reading it (on Linux the inode lives until they close it).

The dashboard reads generations, not the stable path: each has its own path and never changes,
so one script run can read one publication from its first query to its last.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
from pathlib import Path

import duckdb

GENERATIONS_DIR_NAME = "generations"
# The current publication plus two older ones that dashboard sessions may still be reading.
KEEP_GENERATIONS = 3
_TEMP_SUFFIX = ".tmp"


def publish_warehouse(source: Path, destination: Path, keep: int = KEEP_GENERATIONS) -> Path:
    """Publish `source` as a new generation and point `destination` at it; return destination."""
    if not source.is_file():
        raise FileNotFoundError(
            f"No warehouse at {source} to publish; materialize the pipeline first (make run)."
        )
    if keep < 1:
        raise ValueError(f"keep={keep}: at least the current generation must be kept.")
    generations = generations_dir(destination)
    generations.mkdir(parents=True, exist_ok=True)
    generation = generations / _generation_name(destination)
    copy_in_progress = generations / f".{generation.name}{_TEMP_SUFFIX}"
    link_in_progress = destination.with_name(f".{generation.name}{_TEMP_SUFFIX}")
    # Held until the end: DuckDB's file lock keeps every other writer process out meanwhile,
    # and publishers of the same warehouse take turns (pruning below relies on that).
    with duckdb.connect(str(source)) as writer:
        writer.execute("CHECKPOINT")
        try:
            _copy_durably(source, copy_in_progress)
            copy_in_progress.chmod(0o444)  # a publication is never changed in place
            os.replace(copy_in_progress, generation)
            _fsync_directory(generations)
            os.link(generation, link_in_progress)
            os.replace(link_in_progress, destination)
            _fsync_directory(destination.parent)
        finally:
            copy_in_progress.unlink(missing_ok=True)
            link_in_progress.unlink(missing_ok=True)
        prune_generations(destination, keep)
    return destination


def generations_dir(destination: Path) -> Path:
    return destination.parent / GENERATIONS_DIR_NAME


def list_generations(destination: Path) -> list[Path]:
    """The generations published for `destination`, oldest first (their names sort by time)."""
    pattern = re.compile(_generation_pattern(destination))
    folder = generations_dir(destination)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if pattern.fullmatch(path.name))


def current_generation(destination: Path) -> Path | None:
    """The generation `destination` is a link to; None when nothing is published or the stable
    file predates generations (or was put there by hand)."""
    try:
        stable = destination.stat()
    except FileNotFoundError:
        return None
    for generation in reversed(list_generations(destination)):
        try:
            stat = generation.stat()
        except FileNotFoundError:  # pruned by a publication running right now
            continue
        if (stat.st_ino, stat.st_dev) == (stable.st_ino, stable.st_dev):
            return generation
    return None


def prune_generations(destination: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` generations, never the current one; return the deleted.

    Also removes what a publication that crashed half-way left behind (its temporary files).
    Call it only while holding the warehouse's lock, as publish_warehouse does.
    """
    current = current_generation(destination)
    older = [path for path in list_generations(destination)[:-keep] if path != current]
    temporary = re.compile(rf"\.{_generation_pattern(destination)}{re.escape(_TEMP_SUFFIX)}")
    leftovers = [
        path
        for folder in (destination.parent, generations_dir(destination))
        for path in folder.iterdir()
        if temporary.fullmatch(path.name)
    ]
    for path in older + leftovers:
        path.unlink(missing_ok=True)
    return older


def _generation_pattern(destination: Path) -> str:
    """Regular expression of the names _generation_name gives (and only for this stem, so two
    warehouses published side by side never prune each other)."""
    return rf"{re.escape(destination.stem)}\.\d{{8}}T\d{{12}}Z-[0-9a-f]{{8}}\.duckdb"


def _generation_name(destination: Path) -> str:
    # UTC stamp first, so names sort by publication time; the random part keeps two
    # publications in the same microsecond apart.
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{destination.stem}.{stamp}-{secrets.token_hex(4)}.duckdb"


def _copy_durably(source: Path, target: Path) -> None:
    """Copy `source` to the new file `target` and flush it to disk before returning.

    A child process (`cp`) reads `source`, never this one: DuckDB's file lock is a POSIX record
    lock, and a process loses all its record locks on a file as soon as it closes *any*
    descriptor of that file. Opening and closing the warehouse here would hand the lock back
    mid-publication, to us and to any other connection of this process.
    """
    subprocess.run(["cp", "--", str(source), str(target)], check=True, capture_output=True)
    descriptor = os.open(target, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_directory(folder: Path) -> None:
    """Make a rename in `folder` survive a power loss (the directory entry is data too)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
