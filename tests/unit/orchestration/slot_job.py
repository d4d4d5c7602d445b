"""A one-asset job in the writer pool, run with MindPulse's executor, for the slot tests.

Dagster rebuilds a job by module and function name (`execute_job`), so it lives here, at module
scope. In a subprocess it runs as

    python -m tests.unit.orchestration.slot_job <dagster home>

printing `make run`'s progress lines as they come, and exits 0 if the run succeeded.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import dagster as dg

from orchestration.executor import build_executor
from orchestration.progress import ProgressHandler
from orchestration.resources import WAREHOUSE_POOL
from orchestration.run_pipeline import PROGRESS_LOGGER, progress_logger
from orchestration.settings import load_settings

JOB = "slot_job"


@dg.asset(key=["raw", "slot_test"], pool=WAREHOUSE_POOL)
def slot_test() -> dg.MaterializeResult:
    return dg.MaterializeResult()


def slot_job() -> dg.JobDefinition:
    # The wait comes from the environment like every setting (MINDPULSE_WRITER_WAIT_SECONDS).
    defs = dg.Definitions(
        assets=[slot_test],
        jobs=[dg.define_asset_job(JOB)],
        executor=build_executor(load_settings()),
    )
    return defs.resolve_job_def(JOB).with_logger_defs({"progress": progress_logger})


class TimedProgress(ProgressHandler):
    """Progress lines, each with the process time (CPU seconds) used when it was printed."""

    def __init__(self, out=sys.stdout):
        super().__init__(out)
        self.lines: list[tuple[str, float, float]] = []  # (line, wall time, process time)

    def _print_notice(self, notice: dict) -> None:
        super()._print_notice(notice)
        self.lines.append((notice["text"], time.monotonic(), time.process_time()))


def run_slot_job(instance: dg.DagsterInstance, handler: ProgressHandler) -> dg.JobExecutionResult:
    progress = logging.getLogger(PROGRESS_LOGGER)
    progress.addHandler(handler)
    try:
        return dg.execute_job(
            dg.build_reconstructable_job("tests.unit.orchestration.slot_job", "slot_job"),
            instance=instance,
            run_config={"loggers": {"progress": {}}},
        )
    finally:
        progress.removeHandler(handler)


def main(argv: list[str]) -> int:
    with dg.DagsterInstance.from_config(str(Path(argv[1]))) as instance:
        result = run_slot_job(instance, ProgressHandler(sys.stdout))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
