"""Dagster instances, runs and processes for the recovery and slot tests: all real.

Runs are added to a real instance (the `dagster_home` fixture: the project's instance settings,
pool limit 1) in the state a killed process leaves them; their processes are real ones, alive
or killed.
"""

from __future__ import annotations

import socket
import subprocess
import uuid

import dagster as dg

from orchestration.resources import WAREHOUSE_POOL
from orchestration.run_processes import RunProcess, process_start, process_tags


def dead_process() -> RunProcess:
    """The identity of a process that ran on this host and is gone (killed and reaped)."""
    child = subprocess.Popen(["sleep", "60"])
    process = RunProcess(child.pid, socket.gethostname(), process_start(child.pid))
    child.kill()
    child.wait()
    return process


def add_run(
    instance: dg.DagsterInstance,
    process: RunProcess | None,
    status: dg.DagsterRunStatus = dg.DagsterRunStatus.STARTED,
) -> dg.DagsterRun:
    """A run in `status`, tagged with `process` as `make run` tags its runs (None: untagged)."""
    tags = process_tags(process) if process else {}
    run = dg.DagsterRun(
        job_name="mindpulse_weekly", run_id=str(uuid.uuid4()), status=status, tags=tags
    )
    return instance.add_run(run)


def hold_writer_slot(instance: dg.DagsterInstance, run: dg.DagsterRun, step: str = "raw") -> None:
    """Claim the writer slot for `run`'s step, as its executor does before running the step."""
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
    assert storage.claim_concurrency_slot(WAREHOUSE_POOL, run.run_id, step).is_claimed


def writer_slot_holders(instance: dg.DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    return {slot.run_id for slot in info.claimed_slots}


def pending_runs(instance: dg.DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    return {step.run_id for step in info.pending_steps}


def status(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRunStatus:
    return instance.get_run_by_id(run.run_id).status
