"""Which process executes a Dagster run, whether it is still there, and recovering what it left.

A run whose process is killed with SIGKILL (the OOM killer, a crash, a container stopped
without grace) never reports its end: it stays STARTED in the Dagster instance and keeps the
pool slots its steps claimed, so every later run waits for the `warehouse_writer` slot. Dagster
cannot notice on its own here: its run monitoring lives in the daemon (not running for `make
run`), and the DefaultRunLauncher has no worker health check.

So every run carries its process as run tags: host, pid and the process's start time from
/proc (a later process that got the same pid has another start time). `make run` sets them when
it creates the run, the executor (orchestration/executor.py) for any run it executes, UI-launched
ones included. A run without them (killed before its executor started) is judged by the pid in
Dagster's "Started process for run" engine event, but only when the instance launches runs as
local subprocesses (DefaultRunLauncher): the event does not say on which host the pid lives.
A run whose process is alive, or lives on another host, is never touched.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.events import JobFailureData, RunFailureReason

from orchestration.resources import WAREHOUSE_POOL

HOST_TAG = "mindpulse/host"
PID_TAG = "mindpulse/pid"
START_TAG = "mindpulse/process_start"

PROC = Path("/proc")
# A pid recorded by an engine event belongs to a process started before the event was written;
# /proc's boot time moves by up to a second with clock adjustments, hence the slack.
START_SLACK_SECONDS = 2.0
# NOT_STARTED too: `make run` creates its run before it starts it, and a process killed in
# between leaves a run that never will.
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass(frozen=True)
class RunProcess:
    pid: int
    host: str | None  # None: known from an engine event, which does not name the host
    start: str | None  # "<boot id>:<start ticks>" where /proc exists
    seen_at: float | None = None  # when Dagster recorded the pid (engine events only)


@dataclass(frozen=True)
class Recovered:
    run_id: str
    pid: int
    pools: tuple[str, ...]  # the pools it held slots of, now freed

    def line(self) -> str:
        slots = ", ".join("writer" if p == WAREHOUSE_POOL else p for p in self.pools)
        freed = f"{slots} slot freed" if self.pools else "it held no writer slot"
        return (
            f"recovered run {self.run_id[:8]}: its process {self.pid} is gone; "
            f"marked failed, {freed}"
        )


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from field 3 (state) on; None when there is no such process."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()  # the command name may hold spaces and parentheses


def _boot_id() -> str:
    return (PROC / "sys/kernel/random/boot_id").read_text().strip()


def process_start(pid: int) -> str | None:
    """When a live process started, as "<boot id>:<clock ticks since boot>"; None without /proc."""
    if not PROC.is_dir():
        return None
    fields = _stat_fields(pid)
    return f"{_boot_id()}:{fields[19]}" if fields else None


def _started_at(start: str) -> float:
    """A process start ("<boot id>:<ticks>") as epoch seconds."""
    boot_time = next(
        int(line.split()[1])
        for line in (PROC / "stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot_time + int(start.split(":")[1]) / os.sysconf("SC_CLK_TCK")


def this_process() -> RunProcess:
    pid = os.getpid()
    return RunProcess(pid=pid, host=socket.gethostname(), start=process_start(pid))


def process_tags(process: RunProcess) -> dict[str, str]:
    tags = {HOST_TAG: process.host or "", PID_TAG: str(process.pid)}
    if process.start:
        tags[START_TAG] = process.start
    return tags


def is_gone(process: RunProcess) -> bool:
    """True only when `process` is certainly not running on this host any more."""
    if process.host is not None and process.host != socket.gethostname():
        return False  # another machine's pid says nothing about ours
    if not PROC.is_dir():  # no /proc (macOS): ask the kernel whether the pid exists
        try:
            os.kill(process.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    fields = _stat_fields(process.pid)
    if fields is None or fields[0] in ("Z", "X"):  # a killed process nobody reaped yet
        return True
    start = process_start(process.pid)
    if process.start is not None:
        return start != process.start  # the pid now belongs to a later process
    if process.seen_at is not None and start is not None:
        return _started_at(start) > process.seen_at + START_SLACK_SECONDS
    return False


def _process_from_engine_events(instance: dg.DagsterInstance, run_id: str) -> RunProcess | None:
    """The pid of the newest engine event of the run that names one (the run worker's)."""
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
    for entry in reversed(events):
        data = entry.dagster_event.event_specific_data if entry.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid")
        if pid is not None and str(pid.value).isdigit():
            return RunProcess(pid=int(pid.value), host=None, start=None, seen_at=entry.timestamp)
    return None


def run_process(
    instance: dg.DagsterInstance, run: dg.DagsterRun, trust_engine_events: bool
) -> RunProcess | None:
    """The process executing `run`, from its tags or else (when trusted) its engine events."""
    tags = run.tags
    if tags.get(PID_TAG, "").isdigit() and tags.get(HOST_TAG):
        return RunProcess(
            pid=int(tags[PID_TAG]), host=tags[HOST_TAG], start=tags.get(START_TAG) or None
        )
    if trust_engine_events:
        return _process_from_engine_events(instance, run.run_id)
    return None


def _held_pools(instance: dg.DagsterInstance) -> dict[str, list[str]]:
    """Run id -> the pools it holds a slot of."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    held: dict[str, list[str]] = {}
    for pool, info in storage.get_concurrency_infos(list(storage.get_concurrency_keys())).items():
        for slot in info.claimed_slots:
            held.setdefault(slot.run_id, []).append(pool)
    return held


def recover_dead_runs(
    instance: dg.DagsterInstance, exclude_run_id: str | None = None
) -> list[Recovered]:
    """Free the slots of unfinished runs whose process is gone, and mark those runs failed."""
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED))
    if not runs:
        return []
    # Only a launcher that starts run workers as local subprocesses makes an engine event's pid
    # a pid of this host.
    trust_engine_events = isinstance(instance.run_launcher, dg.DefaultRunLauncher)
    held = _held_pools(instance)
    recovered = []
    for run in runs:
        if run.run_id == exclude_run_id:
            continue
        process = run_process(instance, run, trust_engine_events)
        if process is None or not is_gone(process):
            continue
        # Slots first: were this interrupted in between, the run would still be unfinished
        # and recovered next time, not finished with a slot nobody frees.
        pools = tuple(sorted(set(held.get(run.run_id, []))))
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        instance.report_run_failed(
            run,
            f"Marked failed by a later run: its process {process.pid} is gone (killed without "
            "reporting its end, e.g. by SIGKILL or the out-of-memory killer); "
            f"slots freed: {', '.join(pools) or 'none'}.",
            JobFailureData(error=None, failure_reason=RunFailureReason.UNEXPECTED_TERMINATION),
        )
        recovered.append(Recovered(run_id=run.run_id, pid=process.pid, pools=pools))
    return recovered
