"""Runs killed with SIGKILL at chosen points, each followed by the run that must recover.

One workspace, a copy of the session's sample build, goes through three kills, each of the
whole process group, as the OOM killer or a container stop would:

- make_dbt: `make -s run` in a new session (make, Python and dbt together), just after its raw
  stage printed its `ok` line, at the moment a dbt child process has the warehouse open. The
  copy's first run builds dbt (its tables now live in another file: no green build of this
  file yet), so no data has to change for dbt to run. One kill serves both the killed `make
  run` and the kill during dbt: a separate run for each would cost two more pipeline runs.
- raw_load: inside the raw load's DuckDB transaction (tests/fault_runner.py);
- publish: while the dashboard's copy is half written (tests/fault_runner.py).

After each kill the chain records what a reader would find (RAW batches, the published copy,
the run left STARTED), runs the pipeline again the ordinary way (`make -s run` after the make
kill), and records what that run did. tests/integration/test_fault_recovery.py checks it all.
Every run may wait at most a minute for the writer slot, so a regression fails, never hangs.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import psutil

from orchestration.dashboard_asset import DASHBOARD_TABLES
from orchestration.publish import generations_dir, list_generations
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import PROJECT_ROOT
from tests.pipeline_runs import SAMPLE_SCALE, FinishedRun, PipelineRuns
from tests.workspace import RUN_TIMEOUT_SECONDS, RunSummary, Workspace

POINTS = ("make_dbt", "raw_load", "publish")
RUN_ENV = {"MINDPULSE_SAMPLE_SCALE": SAMPLE_SCALE, "MINDPULSE_WRITER_WAIT_SECONDS": "60"}
KILL_TIMEOUT_SECONDS = 300  # a run that never reaches its point is reported, not killed
RAW_OK = "  ok      raw__cdc_pulse_indicators"


@dataclass(frozen=True)
class RawState:
    table_batches: list[str]  # distinct _batch_id in raw.cdc_pulse_indicators
    quarantine_batches: list[str]  # distinct batch_id of the CDC source in raw.quarantine
    last_batch: str  # batch_id of the CDC source's newest raw.load_batches row


@dataclass(frozen=True)
class Publication:
    sha256: str
    counts: dict[str, int]  # rows per dashboard table, read from the published copy
    others: list[str]  # half-written files in the published folders (staging copies)


@dataclass(frozen=True)
class RunDone:
    output: str  # progress lines (runner) or console output (make)
    succeeded: bool
    seconds: float


@dataclass(frozen=True)
class Kill:
    point: str
    killed: bool  # the run reached its point and was killed there
    killed_output: str
    unfinished_after_kill: list[str]  # run ids left STARTED/STARTING in the instance
    raw_after_kill: RawState
    published_before: Publication
    published_after_kill: Publication
    next_run: RunDone
    raw_after_next: RawState
    published_after_next: Publication
    statuses_after_next: dict[str, str]  # the killed runs' statuses after the next run
    unfinished_after_next: list[str]
    slot_holders_after_next: list[str]


@dataclass(frozen=True)
class FaultChain(FinishedRun):
    kills: dict[str, Kill] = field(default_factory=dict)


def raw_state(workspace: Workspace) -> RawState:
    def distinct(sql: str) -> list[str]:
        return sorted(value for (value,) in workspace.query(sql))

    [(last,)] = workspace.query(
        "select batch_id from raw.load_batches where source = 'cdc_pulse' "
        "order by loaded_at desc limit 1"
    )
    return RawState(
        table_batches=distinct("select distinct _batch_id from raw.cdc_pulse_indicators"),
        quarantine_batches=distinct(
            "select distinct batch_id from raw.quarantine where source = 'cdc_pulse'"
        ),
        last_batch=last,
    )


def publication(workspace: Workspace) -> Publication:
    path = workspace.published
    with duckdb.connect(str(path), read_only=True) as conn:
        counts = {
            f"{schema}.{table}": conn.execute(f"select count(*) from {schema}.{table}").fetchall()
            for schema, table in DASHBOARD_TABLES
        }
    return Publication(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        counts={table: rows[0][0] for table, rows in counts.items()},
        others=_leftovers(path),
    )


def _leftovers(path) -> list[str]:
    """Files in the published folders that are neither the stable copy nor a complete
    generation: what a killed publisher left half-written."""
    complete = {path, generations_dir(path), *list_generations(path)}
    folders = [path.parent] + ([generations_dir(path)] if generations_dir(path).is_dir() else [])
    return sorted(p.name for folder in folders for p in folder.iterdir() if p not in complete)


def instance_state(workspace: Workspace, run_ids: list[str]) -> tuple[list, dict, list]:
    """Unfinished runs, the statuses of `run_ids`, and the runs holding the writer slot."""
    with dg.DagsterInstance.from_config(str(workspace.root / "dagster_home")) as instance:
        unfinished = instance.get_runs(
            filters=dg.RunsFilter(
                statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
            )
        )
        statuses = {run_id: instance.get_run_by_id(run_id).status.value for run_id in run_ids}
        info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        holders = sorted({slot.run_id for slot in info.claimed_slots})
    return sorted(run.run_id for run in unfinished), statuses, holders


class KillWhen:
    """An `on_start` callback: SIGKILL the process group as soon as `condition` holds."""

    def __init__(self, condition: Callable[[subprocess.Popen], bool]):
        self.condition = condition
        self.killed = False

    def __call__(self, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + KILL_TIMEOUT_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            if self.condition(process):
                os.killpg(process.pid, signal.SIGKILL)
                self.killed = True
                return
            time.sleep(0.05)


def dbt_has_the_warehouse_open(warehouse: Path) -> Callable[[subprocess.Popen], bool]:
    target = os.path.realpath(warehouse)

    def condition(process: subprocess.Popen) -> bool:
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            return False
        for child in children:
            try:
                if any(Path(arg).name == "dbt" for arg in child.cmdline()[:2]) and any(
                    os.path.realpath(f.path) == target for f in child.open_files()
                ):
                    return True
            except psutil.Error:
                continue
        return False

    return condition


def make_run(
    runs: PipelineRuns, workspace: Workspace, kill: Callable[[subprocess.Popen], bool] | None = None
) -> tuple[RunDone, bool]:
    """`make -s run` in a new session. With `kill`: SIGKILL its process group once the raw
    stage printed its `ok` line and `kill(process)` holds, and print nothing more."""
    # A make of its own, not a sub-make of `make test`'s.
    env = {
        key: value
        for key, value in workspace.env(**RUN_ENV).items()
        if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        ["make", "-s", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: make, Python and dbt
    )
    runs.track(process)
    watchdog = threading.Timer(RUN_TIMEOUT_SECONDS, os.killpg, (process.pid, signal.SIGKILL))
    watchdog.start()
    lines, killer = [], KillWhen(kill) if kill else None
    try:
        for line in process.stdout:
            lines.append(line)
            if killer and line.startswith(RAW_OK):
                killer(process)
                break
        lines.append(process.stdout.read())
        process.wait()
    finally:
        watchdog.cancel()
    done = RunDone("".join(lines), process.returncode == 0, time.perf_counter() - started)
    return done, bool(killer and killer.killed)


def _kill(runs: PipelineRuns, workspace: Workspace, point: str) -> tuple[bool, str]:
    if point == "make_dbt":
        done, killed = make_run(runs, workspace, dbt_has_the_warehouse_open(workspace.warehouse))
        return killed, done.output
    marker = workspace.root / f"{point}.reached"
    kill = KillWhen(lambda _process: marker.exists())
    runner = ("tests.fault_runner", point, str(marker))
    result = runs.run(workspace, on_start=kill, runner=runner, **RUN_ENV)
    return kill.killed, result.output


def _next_run(runs: PipelineRuns, workspace: Workspace, point: str) -> RunDone:
    if point == "make_dbt":
        return make_run(runs, workspace)[0]
    result = runs.run(workspace, **RUN_ENV)
    return RunDone(result.progress or result.output, result.success, result.seconds)


def kill_and_recover(runs: PipelineRuns, workspace: Workspace, point: str) -> Kill:
    published_before = publication(workspace)
    killed, killed_output = _kill(runs, workspace, point)
    unfinished_after_kill = instance_state(workspace, [])[0]
    raw_after_kill, published_after_kill = raw_state(workspace), publication(workspace)
    next_run = _next_run(runs, workspace, point)
    unfinished, statuses, holders = instance_state(workspace, unfinished_after_kill)
    return Kill(
        point=point,
        killed=killed,
        killed_output=killed_output,
        unfinished_after_kill=unfinished_after_kill,
        raw_after_kill=raw_after_kill,
        published_before=published_before,
        published_after_kill=published_after_kill,
        next_run=next_run,
        raw_after_next=raw_state(workspace),
        published_after_next=publication(workspace),
        statuses_after_next=statuses,
        unfinished_after_next=unfinished,
        slot_holders_after_next=holders,
    )


def fault_chain(runs: PipelineRuns) -> FaultChain:
    workspace = runs.result("sample").workspace.copy_to(runs.root / "faults")
    started = time.perf_counter()
    kills = {point: kill_and_recover(runs, workspace, point) for point in POINTS}
    summary = RunSummary(
        success=all(kill.next_run.succeeded for kill in kills.values()),
        progress="\n".join(kill.next_run.output for kill in kills.values()),
        seconds=time.perf_counter() - started,
    )
    return FaultChain(workspace, summary, kills=kills)
