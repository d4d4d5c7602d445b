"""Waiting for a pool slot (the warehouse writer slot) in a way that ends.

Dagster 1.13's in-process executor waits for a pool slot in `inner_plan_execution_iterator`:
it asks `InstanceConcurrencyContext.claim` again and again, sleeping
`interval_to_next_pending_claim_check()` in between. That interval is `min(0, ...)`, never
positive, so the loop never sleeps and spins a core; and nothing in it looks at interrupts
(Dagster holds SIGINT and SIGTERM back during a run and raises them only inside step code), so
the process ignores SIGTERM. When the slot's holder is a run whose process was killed, that is
forever.

`BoundedSlotWait` is that context with the wait fixed: it sleeps between checks, says once which
run holds the slot and since when, keeps recovering holders whose process is gone
(orchestration/run_processes.py), stops on SIGINT/SIGTERM, and gives up after a set time with an
error that names the holder and what to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._utils.interrupts import check_captured_interrupt

from orchestration.run_processes import HOST_TAG, PID_TAG, recover_dead_runs

# Seconds between two looks at the slot (Dagster's own back-off decides when the database is
# asked again), and between two looks for dead holders.
POLL_SECONDS = 0.5
RECOVERY_SECONDS = 10.0

# (step key, message, whether the step failed) -> shown to whoever watches the run.
Report = Callable[[str, str, bool], None]


class WriterSlotWaitError(Exception):
    """A step waited longer than allowed for a pool slot another run holds."""


@dataclass(frozen=True)
class SlotHolder:
    run_id: str
    step_key: str
    since: datetime | None
    pid: str | None
    host: str | None

    def describe(self, now: datetime | None = None) -> str:
        process = f", pid {self.pid} on {self.host}" if self.pid and self.host else ""
        since = ""
        if self.since is not None:
            ago = ((now or datetime.now(UTC)) - self.since).total_seconds()
            since = f" since {self.since:%Y-%m-%d %H:%M:%S} UTC ({ago:.0f} s ago)"
        return f"run {self.run_id[:8]} (step {self.step_key}{process}){since}"


def slot_holders(instance: dg.DagsterInstance, pool: str) -> list[SlotHolder]:
    """The runs holding a slot of `pool`, with when they got it and their process."""
    info = instance.event_log_storage.get_concurrency_info(pool)
    assigned = {
        (step.run_id, step.step_key): step.assigned_timestamp
        for step in info.pending_steps
        if step.assigned_timestamp is not None
    }
    holders = []
    for slot in info.claimed_slots:
        record = instance.get_run_record_by_id(slot.run_id)
        tags = record.dagster_run.tags if record else {}
        since = assigned.get((slot.run_id, slot.step_key))
        if since is None and record is not None and record.start_time is not None:
            since = datetime.fromtimestamp(record.start_time, UTC)
        holders.append(
            SlotHolder(slot.run_id, slot.step_key, since, tags.get(PID_TAG), tags.get(HOST_TAG))
        )
    return holders


def describe_holders(holders: list[SlotHolder]) -> str:
    """What follows "the <pool> slot" in a message."""
    if not holders:
        return "free, but steps of other runs are ahead in the queue"
    return "held by " + "; ".join(holder.describe() for holder in holders)


class BoundedSlotWait(InstanceConcurrencyContext):
    """Dagster's instance concurrency context, with a wait that sleeps, stops and ends."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        dagster_run: dg.DagsterRun,
        wait_seconds: float,
        report: Report,
    ):
        super().__init__(instance, dagster_run)
        self._instance_ref = instance
        self._own_run_id = dagster_run.run_id
        self._wait_seconds = wait_seconds
        self._report = report
        self._waiting_since: dict[str, float] = {}
        self._next_recovery = 0.0

    def claim(self, concurrency_key: str, step_key: str, step_priority: int = 0) -> bool:
        if check_captured_interrupt():
            self._report(step_key, "interrupted (SIGINT/SIGTERM) while waiting for its slot", True)
            raise dg.DagsterExecutionInterruptedError(
                f"Interrupted while {step_key} waited for a {concurrency_key} slot."
            )
        if super().claim(concurrency_key, step_key, step_priority):
            self._waiting_since.pop(step_key, None)
            return True
        now = time.monotonic()
        if step_key not in self._waiting_since:
            self._waiting_since[step_key] = now
            holders = describe_holders(slot_holders(self._instance_ref, concurrency_key))
            self._report(
                step_key,
                f"{step_key} waits for the {concurrency_key} slot, {holders}; "
                f"gives up after {self._wait_seconds:.0f} s",
                False,
            )
        elif now - self._waiting_since[step_key] >= self._wait_seconds:
            self._give_up(concurrency_key, step_key)
        if now >= self._next_recovery:  # a holder may have been killed while we wait
            self._next_recovery = now + RECOVERY_SECONDS
            for recovered in recover_dead_runs(self._instance_ref, self._own_run_id):
                self._report(step_key, recovered.line(), False)
        return False

    def _give_up(self, pool: str, step_key: str) -> None:
        holders = slot_holders(self._instance_ref, pool)
        # A holder whose process is gone from this machine would have been recovered by now.
        why = " (its process is running, or not on this machine)" if holders else ""
        message = (
            f"gave up after waiting {self._wait_seconds:.0f} s for the {pool} slot, "
            f"{describe_holders(holders)}{why}. "
            "If that run is still working, let it finish and run again; if it is stuck, "
            "terminate it in the Dagster UI (make dev, Runs) and free its slot there "
            "(Deployment > Concurrency). MINDPULSE_WRITER_WAIT_SECONDS sets how long to wait."
        )
        self._report(step_key, message, True)
        raise WriterSlotWaitError(f"{step_key} {message}")

    def interval_to_next_pending_claim_check(self) -> float:
        # Dagster's returns min(0, ...), so the executor loop would never sleep. A short fixed
        # sleep keeps the process idle and still notices an interrupt or the time limit within
        # half a second; Dagster's back-off (1 s growing to 15 s) decides when `claim` asks the
        # database again.
        return POLL_SECONDS if self.has_pending_claims() else 0.0
