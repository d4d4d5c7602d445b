"""A run waiting for the writer slot says who holds it, idles, gives up in time, stops on
SIGTERM, and never waits for a run whose process is gone.

Each test runs a one-asset job of the writer pool with MindPulse's executor
(tests/unit/orchestration/slot_job.py) against a real instance whose slot another run holds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import dagster as dg

from orchestration.run_processes import this_process
from orchestration.settings import PROJECT_ROOT
from tests.unit.orchestration.run_fixtures import (
    add_run,
    dead_process,
    hold_writer_slot,
    pending_runs,
    status,
    writer_slot_holders,
)
from tests.unit.orchestration.slot_job import TimedProgress, run_slot_job

FAILURE = dg.DagsterRunStatus.FAILURE


def test_a_wait_for_a_live_holder_names_it_idles_and_gives_up(dagster_home, monkeypatch):
    monkeypatch.setenv("MINDPULSE_WRITER_WAIT_SECONDS", "3")
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        holder = add_run(instance, this_process())  # alive: this very process
        hold_writer_slot(instance, holder, step="raw__cdc_pulse_indicators")
        progress = TimedProgress()
        started = time.monotonic()
        result = run_slot_job(instance, progress)
        elapsed = time.monotonic() - started

        assert not result.success
        assert 3 <= elapsed < 120  # gave up: Dagster's own wait never does
        (waiting, wait_wall, wait_cpu), (gave_up, end_wall, end_cpu) = progress.lines
        holder_name = f"run {holder.run_id[:8]} (step raw__cdc_pulse_indicators, pid {os.getpid()}"
        assert waiting.startswith("raw__slot_test waits for the warehouse_writer slot, held by")
        assert holder_name in waiting and "since " in waiting and "gives up after 3 s" in waiting
        assert gave_up.startswith("gave up after waiting 3 s") and holder_name in gave_up
        assert "MINDPULSE_WRITER_WAIT_SECONDS" in gave_up
        # Dagster's own loop spins a core while it waits; this one sleeps between looks.
        assert end_cpu - wait_cpu < 0.25 * (end_wall - wait_wall)
        assert progress.failed
        # The holder keeps its slot and its run; the waiter is failed and queued no more.
        run_id = result.run_id
        assert status(instance, holder) == dg.DagsterRunStatus.STARTED
        assert writer_slot_holders(instance) == {holder.run_id}
        assert run_id not in pending_runs(instance)
        assert instance.get_run_by_id(run_id).status == FAILURE


def test_a_holder_whose_process_is_gone_is_recovered_and_the_run_goes_ahead(
    dagster_home, monkeypatch
):
    monkeypatch.setenv("MINDPULSE_WRITER_WAIT_SECONDS", "60")
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        killed = add_run(instance, dead_process())
        hold_writer_slot(instance, killed)
        progress = TimedProgress()

        result = run_slot_job(instance, progress)

        assert result.success
        assert [line for line, _, _ in progress.lines] == [
            f"recovered run {killed.run_id[:8]}: its process {killed.tags['mindpulse/pid']} "
            "is gone; marked failed, writer slot freed"
        ]
        assert status(instance, killed) == FAILURE
        assert writer_slot_holders(instance) == set()
        # The executor tagged its own run with its process, so it can be recovered in turn.
        tags = instance.get_run_by_id(result.run_id).tags
        assert tags["mindpulse/pid"] == str(os.getpid()) and tags["mindpulse/process_start"]


def test_sigterm_during_the_wait_ends_the_run_at_once(dagster_home):
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        holder = add_run(instance, this_process())
        hold_writer_slot(instance, holder)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MINDPULSE_")},
        "MINDPULSE_WRITER_WAIT_SECONDS": "300",
    }
    waiter = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.orchestration.slot_job", str(dagster_home)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        first = waiter.stdout.readline()  # printed once the run is waiting
        assert "waits for the warehouse_writer slot" in first, first
        waiter.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        rest, _ = waiter.communicate(timeout=120)
        stopped = time.monotonic() - sent
    finally:
        if waiter.poll() is None:
            os.killpg(waiter.pid, signal.SIGKILL)
            waiter.wait()
    assert waiter.returncode == 1  # the run failed; the process ended normally
    assert stopped < 30  # far sooner than the 300 s it would have waited; Dagster's never ends
    assert "FAILED" in rest and "interrupted (SIGINT/SIGTERM) while waiting" in rest
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        [waiting_run] = [r for r in instance.get_runs() if r.run_id != holder.run_id]
        assert waiting_run.status == FAILURE
        assert waiting_run.run_id not in pending_runs(instance)
        assert writer_slot_holders(instance) == {holder.run_id}
