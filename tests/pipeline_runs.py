"""Whole-pipeline runs for the tests: one shared sample build, and the runs that need their own.

Each run materializes the weekly job in a workspace folder of its own (tests/workspace.py):
warehouse, published copy, landing files and Dagster home. Tests that only read a built
warehouse share the session's one sample build; tests that change a warehouse work on a copy of
it (a folder copy is a built state for the price of a few megabytes).

The runs are expensive and use about one core each (dbt and the forecasts are single-threaded),
so the session starts the ones its selected tests need as soon as it starts, in two background
threads (the real export runs beside the sample build and the runs that copy it), and conftest
moves the tests that wait for them to the end: the rest of the suite runs meanwhile. A run
nobody announced starts when first asked for.
"""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from extract.cdc_pulse import generate_sample_csv
from tests import preloaded
from tests.real_data import (
    CDC_EXPORT,
    NEWSAPI_HEALTH,
    OSMI_SURVEY_2014,
    REDDIT_SCRAPE,
    TRENDS_EXPORT,
    WHO_SUICIDE,
)
from tests.workspace import RunSummary, Workspace

T = TypeVar("T")
SAMPLE_SCALE = "1"  # the scale the dbt tests' expected counts are written for
BACKGROUND_THREADS = 2
# The Reddit run's "a week later" (sample mode generates the weeks before the as-of day).
WEEK_LATER = "2026-06-08"
# A post's facts that a later load leaves as they are (its body may expire with the retention).
POST_FACTS = "post_id, subreddit, title, author_hash, created_utc, created_week, score"


def write_export_with_an_impossible_value(path: Path, scale: str = SAMPLE_SCALE) -> Path:
    """The sample export, with one national estimate of 150 % (its CI widened to match)."""
    rows = list(csv.DictReader(io.StringIO(generate_sample_csv(scale=float(scale)))))
    target = next(r for r in rows if r["Group"] == "National Estimate" and r["Value"])
    target.update({"Value": "150.0", "Low CI": "149.0", "High CI": "151.0"})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class FinishedRun:
    workspace: Workspace
    result: RunSummary
    previous: RunSummary | None = None  # an earlier run in the same workspace, if any
    # What the run function recorded between runs (e.g. table digests before and after).
    facts: dict = field(default_factory=dict)


class PipelineRuns:
    """The session's pipeline runs, in background threads, in the order they were started.

    A run that copies another waits for it. Starting a run starts what it copies first, so the
    run it waits for always has a thread of its own: waiting can never hold up every thread.
    """

    def __init__(self, root: Path):
        self.root = root
        self._executor = ThreadPoolExecutor(
            max_workers=BACKGROUND_THREADS, thread_name_prefix="pipeline"
        )
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._closed = False
        # What a run keeps for the tests until the session ends (the Snowflake stand-in).
        self._kept = contextlib.ExitStack()

    def start(self, name: str) -> None:
        if name in COPIES:
            self.start(COPIES[name])
        with self._lock:
            if name not in self._futures:
                self._futures[name] = self._executor.submit(RUNS[name], self)

    def result(self, name: str) -> FinishedRun:
        self.start(name)
        return self._futures[name].result()

    def run(self, workspace: Workspace, on_start=None, **kwargs) -> RunSummary:
        """`workspace.run`, stopped with the session; `on_start` also gets the process."""
        if self._closed:
            raise RuntimeError("the test session is over")

        def start(process: subprocess.Popen) -> None:
            self.track(process)
            if on_start:
                on_start(process)

        return workspace.run(on_start=start, **kwargs)

    def keep(self, context: AbstractContextManager[T]) -> T:
        """Enter `context` for the rest of the session (closed with the runs)."""
        with self._lock:
            return self._kept.enter_context(context)

    def track(self, process: subprocess.Popen) -> None:
        """Stop `process`'s group if it still runs when the session ends."""
        self._running.add(process)

    def finished(self) -> dict[str, RunSummary]:
        """The runs that have finished, by name."""
        return {
            name: future.result().result
            for name, future in self._futures.items()
            if future.done() and not future.cancelled() and future.exception() is None
        }

    def close(self) -> None:
        """Stop what is still running or waiting (an interrupted or partial session)."""
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in list(self._running):
            preloaded.stop_group(process)
        self._executor.shutdown(wait=True)
        self._kept.close()


def _sample(runs: PipelineRuns) -> FinishedRun:
    workspace = Workspace(runs.root / "sample")
    return FinishedRun(workspace, runs.run(workspace, MINDPULSE_SAMPLE_SCALE=SAMPLE_SCALE))


def _second(runs: PipelineRuns) -> FinishedRun:
    """The sample build run again, unchanged, on a copy of it, twice: in the copy's warehouse
    dbt must build once (its tables now live in another file), then has nothing to rebuild."""
    sample = runs.result("sample").workspace
    workspace = sample.copy_to(runs.root / "second")
    moved = runs.run(workspace, MINDPULSE_SAMPLE_SCALE=SAMPLE_SCALE)
    again = runs.run(workspace, MINDPULSE_SAMPLE_SCALE=SAMPLE_SCALE)
    return FinishedRun(workspace, again, previous=moved)


def _blocked(runs: PipelineRuns) -> FinishedRun:
    """A copy of the sample build, then a run on an export holding a value of 150 %."""
    sample = runs.result("sample").workspace
    workspace = sample.copy_to(runs.root / "blocked")
    bad_export = write_export_with_an_impossible_value(workspace.root / "bad_export.csv")
    return FinishedRun(workspace, runs.run(workspace, MINDPULSE_CDC_PULSE_FILE=str(bad_export)))


def _reddit(runs: PipelineRuns) -> FinishedRun:
    """A copy of the sample build, then a run a week later (sample mode: one more week of
    posts), then the same run again: nothing new."""
    sample = runs.result("sample").workspace
    workspace = sample.copy_to(runs.root / "reddit")
    posts_before = workspace.query(f"select {POST_FACTS} from marts.fct_reddit_posts order by 1")
    later = runs.run(workspace, MINDPULSE_SAMPLE_AS_OF=WEEK_LATER)
    again = runs.run(workspace, MINDPULSE_SAMPLE_AS_OF=WEEK_LATER)
    return FinishedRun(workspace, again, previous=later, facts={"posts_before": posts_before})


# Source file variable -> the real export in ../shared it takes in the real run.
REAL_EXPORTS = {
    "MINDPULSE_REDDIT_FILE": REDDIT_SCRAPE,
    "MINDPULSE_SURVEY_FILE": OSMI_SURVEY_2014,
    "MINDPULSE_NEWS_FILE": NEWSAPI_HEALTH,
    "MINDPULSE_TRENDS_FILE": TRENDS_EXPORT,
    "MINDPULSE_WHO_FILE": WHO_SUICIDE,
}


def real_exports_env() -> dict[str, str]:
    """File mode for the real exports in ../shared: the CDC export, and every other source's
    real file that is there (their tests skip without them)."""
    env = {"MINDPULSE_CDC_PULSE_FILE": str(CDC_EXPORT)}
    env.update({name: str(path) for name, path in REAL_EXPORTS.items() if path.is_file()})
    return env


def _real(runs: PipelineRuns) -> FinishedRun:
    """The real exports (file mode), end to end in a fresh workspace."""
    workspace = Workspace(runs.root / "real")
    return FinishedRun(workspace, runs.run(workspace, **real_exports_env()))


def _truncated(runs: PipelineRuns) -> FinishedRun:
    """A copy of the real build, then its export cut short: refused, then accepted."""
    from tests.guard_runs import truncated_export_runs  # its own module, like the fault chain

    return truncated_export_runs(runs)


def _snowflake(runs: PipelineRuns) -> FinishedRun:
    """The sample build with MINDPULSE_WAREHOUSE=snowflake, against a local fakesnow server
    that stays up for the tests (facts["stand_in"])."""
    from tests.snowflake_stand_in import snowflake_stand_in  # fakesnow only where needed

    root = runs.root / "snowflake"
    stand_in = runs.keep(snowflake_stand_in(root / "key"))
    workspace = Workspace(root / "workspace")
    summary = runs.run(workspace, MINDPULSE_SAMPLE_SCALE=SAMPLE_SCALE, **stand_in.env)
    return FinishedRun(workspace, summary, facts={"stand_in": stand_in})


def _faults(runs: PipelineRuns) -> FinishedRun:
    """A copy of the sample build, killed at four points and run again after each."""
    from tests.fault_runs import fault_chain  # its own module: the kills and what they leave

    return fault_chain(runs)


# In the order they start: the copies after the sample build they copy, the longest first (the
# fault chain runs six pipelines in a row), so that no run is left to finish alone at the end.
RUNS: dict[str, Callable[[PipelineRuns], FinishedRun]] = {
    "sample": _sample,
    "real": _real,
    # The longest chain of runs on a copy of the sample build starts first.
    "faults": _faults,
    "snowflake": _snowflake,
    "blocked": _blocked,
    "second": _second,
    "truncated": _truncated,
    "reddit": _reddit,
}
# Run -> the run whose workspace it copies.
COPIES = {
    "blocked": "sample",
    "second": "sample",
    "faults": "sample",
    "truncated": "real",
    "reddit": "sample",
}
# Runs that need the real export (../shared); left out when it is absent.
REAL_EXPORT_RUNS = {"real", "truncated"}
# Fixture -> the runs it waits for.
RUN_FIXTURES: dict[str, tuple[str, ...]] = {
    "sample_pipeline": ("sample",),
    "blocked_pipeline_run": ("sample", "blocked"),
    "second_pipeline_run": ("sample", "second"),
    "real_pipeline_run": ("real",),
    "truncated_pipeline_run": ("real", "truncated"),
    "fault_chain": ("sample", "faults"),
    "reddit_pipeline_run": ("sample", "reddit"),
    "snowflake_pipeline_run": ("snowflake",),
}
RUN_ORDER = tuple(RUNS)


def runs_needed(fixture_names: set[str], real_export_present: bool | None = None) -> list[str]:
    """The runs the given fixtures wait for, in run order (the real one only if its file is)."""
    if real_export_present is None:
        real_export_present = CDC_EXPORT.is_file()
    needed = {run for name in fixture_names for run in RUN_FIXTURES.get(name, ())}
    if not real_export_present:
        needed -= REAL_EXPORT_RUNS
    return [run for run in RUN_ORDER if run in needed]


def module_ranks(tests: list[tuple[str, list[str]]]) -> dict[str, int]:
    """Module -> when its tests should run: 0 for modules waiting for no run, else 1 + the
    position of the last run any of its tests waits for. `tests` are (node id, runs waited for).
    """
    ranks: dict[str, int] = {}
    for node_id, runs in tests:
        module = node_id.split("::")[0]
        ranks[module] = max([ranks.get(module, 0), *(RUN_ORDER.index(run) + 1 for run in runs)])
    return ranks
