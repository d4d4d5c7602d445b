"""A run killed with SIGKILL at any point is recovered by the next run, with no manual step;
RAW never keeps a partial batch and the dashboard's copy is always a complete one.

The kills (tests/fault_runs.py): `make run` (make, Python and dbt together) just after its raw
stage reported `ok`, while its dbt child writes the warehouse; inside the raw load's
transaction; while the published copy is half written. Every run in the chain loads the same
sample, so every complete publication has the sample build's row counts.
"""

from __future__ import annotations

import re

import pytest

from tests.fault_runs import POINTS

pytestmark = pytest.mark.slow


@pytest.fixture(params=POINTS)
def kill(request, fault_chain):
    return fault_chain.kills[request.param]


def test_each_kill_lands_where_intended_and_leaves_one_unfinished_run(kill):
    assert kill.killed, f"the run never reached {kill.point}:\n{kill.killed_output[-3000:]}"
    assert len(kill.unfinished_after_kill) == 1, kill.unfinished_after_kill


def test_the_next_run_recovers_the_killed_one_and_succeeds(kill):
    [killed_run] = kill.unfinished_after_kill
    output = kill.next_run.output
    assert kill.next_run.succeeded, output[-6000:]
    [line] = [line for line in output.splitlines() if "recovered run" in line]
    # Each kill lands in a step that writes the warehouse, so the killed run held the slot.
    assert re.fullmatch(
        rf"  recovered run {killed_run[:8]}: its process \d+ is gone; "
        "marked failed, writer slot freed",
        line,
    ), line
    # The recovered run is failed, nothing is left unfinished or holding the writer slot.
    assert kill.statuses_after_next == {killed_run: "FAILURE"}
    assert kill.unfinished_after_next == []
    assert kill.slot_holders_after_next == []


def test_raw_never_keeps_a_partial_batch(kill):
    for state in (kill.raw_after_kill, kill.raw_after_next):
        assert state.table_batches == [state.last_batch]
        assert state.quarantine_batches == [state.last_batch]
    assert kill.raw_after_next.last_batch != kill.raw_after_kill.last_batch


def _data_counts(copy) -> dict[str, int]:
    """Rows per dashboard table, but raw.load_batches: it grows by one row per load."""
    return {table: rows for table, rows in copy.counts.items() if table != "raw.load_batches"}


def test_the_published_copy_is_always_a_complete_one(kill, sample_build, fault_chain):
    expected = _data_counts(fault_chain.kills[POINTS[0]].published_before)  # the sample's copy
    assert expected["marts.fct_signals"] == sample_build.count("marts.fct_signals")
    # The kill came before the new copy was swapped in: the earlier copy, byte for byte.
    assert kill.published_after_kill.sha256 == kill.published_before.sha256
    for copy in (kill.published_after_kill, kill.published_after_next):
        assert _data_counts(copy) == expected
        assert copy.counts["raw.load_batches"] >= 1
    # Nothing a killed publisher left behind (its half-written staging copy) survives the
    # next run.
    if kill.point == "publish":
        assert kill.published_after_kill.others, "the kill should have left a staging copy"
    assert kill.published_after_next.others == []


def test_make_run_killed_during_dbt_printed_nothing_after_raw_and_the_next_one_finishes(
    fault_chain,
):
    make_kill = fault_chain.kills["make_dbt"]
    # Killed with its dbt child at work: a raw stage's line was the last one printed.
    last = make_kill.killed_output.rstrip().splitlines()[-1]
    assert last.startswith("  ok      raw__"), make_kill.killed_output
    lines = make_kill.next_run.output.splitlines()
    stages = [line for line in lines if line.startswith(("  ok", "  FAILED"))]
    assert {line.split()[0] for line in stages} == {"ok"}, lines
    assert stages[-1].split()[1] == "dashboard__mindpulse_dashboard", lines
    # dbt built again in the next run: the killed build never finished.
    dbt_line = next(line for line in stages if "mindpulse_dbt" in line)
    assert "dbt not run" not in dbt_line and "checks" in dbt_line, dbt_line
    assert "Pipeline done" in make_kill.next_run.output
