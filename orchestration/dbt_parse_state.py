"""dbt's saved parse of the project, kept per data folder, and the folders of its invocations.

dbt parses the whole project again (1.5-2 s) whenever the profile differs from the one its saved
parse (target/partial_parse.msgpack) was made with, and the DuckDB path is part of the profile.
dagster-dbt starts every invocation from the parse `make prepare` saved in dbt_project/target/,
made with the default data folder: with MINDPULSE_DATA_DIR elsewhere, every dbt step parsed from
scratch. Each invocation now starts from the parse the last one in this data folder saved, and
saves its own there. A saved parse that does not fit (other code, profile or variables) costs
nothing but that full parse: dbt checks and replaces it.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import dagster as dg

PARSE_FILE = "partial_parse.msgpack"
# Invocation folders kept in the data folder (manifest, run results, compiled SQL and dbt's
# log of each step): those of about the last three runs, for a look after a failure.
KEEP_INVOCATIONS = 6


def new_target_path(runs_dir: Path, context: dg.AssetExecutionContext) -> Path:
    """A target folder of the invocation's own under `runs_dir` (in the data folder, like
    everything a run writes), named as dagster-dbt names them."""
    name = f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}"
    return runs_dir / f"{name}-{uuid.uuid4().hex[:7]}"


def prune_invocations(runs_dir: Path, keep: int = KEEP_INVOCATIONS) -> list[Path]:
    """Remove all but the `keep` newest invocation folders (each is a few megabytes, and a run
    makes two); the removed ones."""
    folders = (
        sorted(
            (path for path in runs_dir.iterdir() if path.is_dir()),
            key=lambda path: path.stat().st_mtime,
            reverse=True,
        )
        if runs_dir.is_dir()
        else []
    )
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return folders[keep:]


def restore(saved: Path, target_path: Path) -> None:
    """Start the invocation from the saved parse, if there is one (dagster-dbt copies its own
    only into a target folder without one)."""
    if saved.is_file():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, target_path / PARSE_FILE)


def save(target_path: Path, saved: Path) -> None:
    """Keep the parse the finished invocation left (atomically: a reader never sees half)."""
    parsed = target_path / PARSE_FILE
    if parsed.is_file():
        saved.parent.mkdir(parents=True, exist_ok=True)
        partial = saved.with_name(f".{saved.name}.{uuid.uuid4().hex[:7]}")
        shutil.copyfile(parsed, partial)
        partial.replace(saved)
