"""Measuring subprocesses: wall time from spawn to exit, and resident memory over time.

Memory is the resident set of the process plus all its descendants (dbt runs as a child of the
pipeline), sampled every 50 ms with the wall clock, so the caller can take the peak within any
stage once it knows when each stage started and ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_INTERVAL_SECONDS = 0.05
BARE_IMPORTS = "import dagster, dagster_dbt, duckdb, pandas"


@dataclass
class MeasuredProcess:
    returncode: int | None  # None when it was stopped for running too long
    started_at: float  # epoch seconds, just before the spawn
    ended_at: float  # epoch seconds, right after the exit was seen
    samples: list[tuple[float, int]] = field(default_factory=list)  # (epoch seconds, bytes)
    stopped_at: float | None = None  # epoch seconds when it was told to stop, if it was

    @property
    def seconds(self) -> float:
        return self.ended_at - self.started_at

    @property
    def stopped(self) -> bool:
        return self.returncode is None


def _tree_rss(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue  # a child that ended between listing and reading
    return total


def _sample_tree(pid: int, samples: list[tuple[float, int]], done: threading.Event) -> None:
    try:
        process = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        # An error means the process is exiting; the last samples were taken already.
        with contextlib.suppress(psutil.Error):
            samples.append((time.time(), _tree_rss(process)))
        done.wait(SAMPLE_INTERVAL_SECONDS)


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    stop_after_seconds: float | None = None,
) -> MeasuredProcess:
    """Run `command` to its end (its output goes to this console) and measure it.

    A run longer than `stop_after_seconds` is terminated with its process group and comes back
    with returncode None.
    """
    samples: list[tuple[float, int]] = []
    stopped_at = None
    done = threading.Event()
    started_at = time.time()
    process = subprocess.Popen(list(command), env=dict(env), cwd=cwd, start_new_session=True)
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, samples, done), daemon=True)
    sampler.start()
    try:
        returncode: int | None = process.wait(timeout=stop_after_seconds)
    except subprocess.TimeoutExpired:
        stopped_at = time.time()
        _stop_group(process)
        returncode = None
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): the run has its own session, so stop it here.
        _stop_group(process)
        done.set()
        raise
    ended_at = time.time()
    done.set()
    sampler.join()
    return MeasuredProcess(returncode, started_at, ended_at, samples, stopped_at)


def _stop_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def peak_mb(samples: list[tuple[float, int]], start: float, end: float) -> float:
    """Highest sampled resident memory (MB) between `start` and `end`, 0.0 when none."""
    within = [rss for at, rss in samples if start <= at <= end]
    return round(max(within) / 2**20, 1) if within else 0.0


def bare_import_seconds(repeats: int = 3, python: str = sys.executable) -> list[float]:
    """Wall seconds of fresh interpreters that only import dagster, dagster-dbt, duckdb, pandas."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([python, "-c", BARE_IMPORTS], check=True)
        timings.append(round(time.perf_counter() - started, 2))
    return timings
