"""A pipeline run that stops at a chosen point and waits there to be killed:

    python -m tests.fault_runner <summary.json> <raw_load|publish> <marker>

It is tests/pipeline_runner.py (`make run`'s code path) with one function of the pipeline
wrapped, in this process only, so that on reaching the point it creates <marker> and sleeps;
the fault tests (tests/fault_runs.py) kill the process group with SIGKILL once the marker
exists. Production code has no hook for this.

- raw_load: after the batch's rows are inserted into raw.cdc_pulse_indicators, inside the load's
  DuckDB transaction (extract/raw_load.py), before quarantine, load_batches and the commit.
- publish: while the dashboard's copy of the warehouse is being written
  (orchestration/publish.py): half of the bytes are in the staging copy, none swapped in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from extract import raw_load
from orchestration import publish
from tests import pipeline_runner

STOPPED_SECONDS = 600  # far longer than a test waits; the test kills the run before


def _stop_here(marker: Path) -> None:
    marker.touch()
    time.sleep(STOPPED_SECONDS)


def stop_in_raw_load(marker: Path) -> None:
    insert_rows = raw_load._insert_rows

    def insert_then_stop(*args, **kwargs):
        count = insert_rows(*args, **kwargs)
        _stop_here(marker)
        return count

    raw_load._insert_rows = insert_then_stop


def stop_in_publish(marker: Path) -> None:
    def copy_half_then_stop(source, target):
        # A child process reads the warehouse, as publish's own copy does: closing a
        # descriptor of it here would drop the DuckDB lock the publisher holds.
        half = os.path.getsize(source) // 2
        with open(target, "wb") as copy:
            subprocess.run(["head", "-c", str(half), "--", str(source)], stdout=copy, check=True)
        _stop_here(marker)

    publish._copy_durably = copy_half_then_stop


STOPS = {"raw_load": stop_in_raw_load, "publish": stop_in_publish}


def main(argv: list[str]) -> int:
    summary, stop, marker = argv[1], argv[2], Path(argv[3])
    STOPS[stop](marker)
    return pipeline_runner.main([argv[0], summary])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
