"""Runs left unfinished by a killed process are found, marked failed and their slot freed; runs
whose process lives (or may live: another host, a reused pid) are left alone."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import dagster as dg
import pytest
from dagster._core.events import EngineEventData

from orchestration.run_processes import (
    RunProcess,
    is_gone,
    process_start,
    recover_dead_runs,
    this_process,
)
from tests.unit.orchestration.run_fixtures import (
    add_run,
    dead_process,
    hold_writer_slot,
    status,
    writer_slot_holders,
)

FAILURE, STARTED = dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.STARTED


@pytest.fixture
def instance(dagster_home):
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        yield instance


def test_this_process_is_alive_and_a_killed_one_is_gone():
    me = this_process()
    assert me.pid == os.getpid() and me.host == socket.gethostname()
    assert me.start and me.start == process_start(os.getpid())
    assert not is_gone(me)
    assert is_gone(dead_process())


def test_a_reused_pid_is_not_the_run_s_process():
    # Our own pid, alive, but recorded with another start: the run's process is gone.
    me = this_process()
    assert is_gone(RunProcess(me.pid, me.host, start=me.start.split(":")[0] + ":1"))


def _state(pid: int) -> str:
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]


def test_a_killed_process_nobody_has_reaped_is_gone():
    child = subprocess.Popen(["sleep", "60"])
    process = RunProcess(child.pid, socket.gethostname(), process_start(child.pid))
    child.kill()
    try:
        # Dead but not reaped: a zombie until wait(). Dying takes a moment on a busy machine.
        deadline = time.monotonic() + 30
        while _state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _state(child.pid) == "Z"
        assert is_gone(process)
    finally:
        child.wait()


def test_another_host_s_process_is_never_judged():
    gone_here = dead_process()
    assert not is_gone(RunProcess(gone_here.pid, "another-host", gone_here.start))


def test_an_engine_event_pid_counts_only_for_a_process_started_before_the_event():
    me = this_process()
    assert not is_gone(RunProcess(me.pid, None, None, seen_at=time.time()))
    # A process that started after the pid was recorded is a later one with the same pid.
    assert is_gone(RunProcess(me.pid, None, None, seen_at=time.time() - 3600 * 24 * 365))


def test_a_run_whose_process_was_killed_is_marked_failed_and_its_writer_slot_freed(instance):
    killed = add_run(instance, dead_process())
    hold_writer_slot(instance, killed)

    [recovered] = recover_dead_runs(instance)

    assert recovered.run_id == killed.run_id
    assert status(instance, killed) == FAILURE
    assert writer_slot_holders(instance) == set()
    assert recovered.line() == (
        f"recovered run {killed.run_id[:8]}: its process {recovered.pid} is gone; "
        "marked failed, writer slot freed"
    )
    assert recover_dead_runs(instance) == []  # nothing left to recover


def test_a_run_created_by_a_process_killed_before_it_started_it_is_marked_failed(instance):
    never_started = add_run(instance, dead_process(), status=dg.DagsterRunStatus.NOT_STARTED)
    [recovered] = recover_dead_runs(instance)
    assert recovered.run_id == never_started.run_id and recovered.pools == ()
    assert recovered.line().endswith("marked failed, it held no writer slot")
    assert status(instance, never_started) == FAILURE


def test_runs_that_may_still_run_are_left_alone(instance):
    alive = add_run(instance, this_process())
    hold_writer_slot(instance, alive)
    elsewhere = add_run(instance, RunProcess(dead_process().pid, "another-host", None))
    unknown = add_run(instance, None)  # no tags and no engine event naming a pid
    finished = add_run(instance, dead_process(), status=dg.DagsterRunStatus.SUCCESS)

    assert recover_dead_runs(instance) == []

    for run in (alive, elsewhere, unknown):
        assert status(instance, run) == STARTED
    assert status(instance, finished) == dg.DagsterRunStatus.SUCCESS
    assert writer_slot_holders(instance) == {alive.run_id}


def test_an_untagged_run_is_judged_by_its_run_worker_s_engine_event(instance):
    # A run launched from the UI and killed before its executor tagged it: the run worker
    # reported "Started process for run (pid: N)".
    killed, alive = add_run(instance, None), add_run(instance, None)
    for run, pid in ((killed, dead_process().pid), (alive, os.getpid())):
        instance.report_engine_event(
            f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid)
        )

    assert [r.run_id for r in recover_dead_runs(instance)] == [killed.run_id]
    assert (status(instance, killed), status(instance, alive)) == (FAILURE, STARTED)


def test_the_running_run_itself_is_excluded(instance):
    mine = add_run(instance, dead_process())
    assert recover_dead_runs(instance, exclude_run_id=mine.run_id) == []
    assert status(instance, mine) == STARTED
