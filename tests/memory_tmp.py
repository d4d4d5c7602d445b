"""The test session's temporary files on a memory-backed file system, when there is room.

The tests write many small files and commit many small transactions: warehouses, landing
files, dbt targets, and Dagster's SQLite run storage, which commits and syncs every event of
every pipeline run. On /dev/shm (tmpfs) the same writes skip the disk syncs, about a tenth of the
session's CPU time. Nothing a test checks depends on where the files are: tmpfs has the same
POSIX semantics (atomic renames, locks) as a disk. Where /dev/shm is missing or small (a
container's default 64 MB), pytest's usual temporary folder is used.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

MEMORY_DIR = Path("/dev/shm")
NEEDED_BYTES = 4 * 2**30  # the pipeline runs' workspaces take about 1.5 GB


def memory_basetemp() -> Path | None:
    """A new folder for the session on /dev/shm when it has room to spare, else None."""
    try:
        if shutil.disk_usage(MEMORY_DIR).free < NEEDED_BYTES:
            return None
        return Path(tempfile.mkdtemp(prefix="mindpulse-pytest-", dir=MEMORY_DIR))
    except OSError:
        return None
