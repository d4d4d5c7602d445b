"""A test workspace: one folder holding everything a pipeline run writes, and running it there.

Each run materializes the weekly job in a process of its own (tests/pipeline_runner.py, `make
run`'s code path, forked from a server that did the imports: tests/preloaded.py) with the
workspace's data folder and Dagster home, and leaves a summary of what it did (RunSummary).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.settings import PROJECT_ROOT
from tests import preloaded

RUN_TIMEOUT_SECONDS = 900
# Settings every test run gets unless it says otherwise. Two runs share the machine's cores with
# the rest of the suite, so forecast worker processes would only add their start-up (about 5 s
# of imports each); the parallel fit is tested on its own (tests/unit/ml/test_ml_forecast.py).
# Sample data as of a fixed day: the same posts whatever day the tests run.
RUN_DEFAULTS = {"MINDPULSE_FORECAST_JOBS": "1", "MINDPULSE_SAMPLE_AS_OF": "2026-06-01"}


@dataclass
class RunSummary:
    """What a pipeline run did, as the tests check it."""

    success: bool
    materialized: set[str] = field(default_factory=set)
    check_evaluations: list[dict] = field(default_factory=list)
    progress: str = ""
    output: str = ""  # the run's own output (Dagster and dbt logs), for failure messages
    seconds: float = 0.0  # wall time of the run's process

    @property
    def failed_checks(self) -> list[str]:
        """Checks that failed at severity ERROR: those that block what follows them."""
        return self._checks_failed_at("ERROR")

    @property
    def warned_checks(self) -> list[str]:
        """Checks that failed at severity WARN: reported, blocking nothing."""
        return self._checks_failed_at("WARN")

    def _checks_failed_at(self, severity: str) -> list[str]:
        return [
            f"{evaluation['asset']}:{evaluation['check']}"
            for evaluation in self.check_evaluations
            if not evaluation["passed"] and evaluation.get("severity", "ERROR") == severity
        ]

    def describe(self) -> str:
        return (
            f"pipeline run {'succeeded' if self.success else 'FAILED'}; failed checks "
            f"{self.failed_checks}; warned {self.warned_checks}; progress:\n{self.progress}\n"
            f"last output:\n{self.output[-6000:]}"
        )


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def data_dir(self) -> Path:
        """The run's MINDPULSE_DATA_DIR: every file the pipeline writes derives from it."""
        return self.root / "data"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse" / "mindpulse.duckdb"

    @property
    def published(self) -> Path:
        return self.data_dir / "warehouse" / "published" / "mindpulse.duckdb"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    def env(self, **extra: str) -> dict[str, str]:
        """This process's environment without MINDPULSE_/DBT_/SNOWFLAKE_ settings, plus ours."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MINDPULSE_", "DBT_", "SNOWFLAKE_"))
        }
        env.update(
            RUN_DEFAULTS,
            MINDPULSE_DATA_DIR=str(self.data_dir),
            DAGSTER_HOME=str(self.root / "dagster_home"),
        )
        env.update(extra)
        return env

    def run(
        self,
        on_start: Callable[[preloaded.PreloadedProcess], None] | None = None,
        runner: tuple[str, ...] = ("tests.pipeline_runner",),
        **env,
    ) -> RunSummary:
        """Materialize the whole weekly job here with these extra MINDPULSE_* variables.

        `runner` is the module to run and its arguments after the summary path
        (tests/fault_runner.py stops a run at a chosen point)."""
        runs = self.root / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        number = len(list(runs.glob("*.log"))) + 1
        summary_path, output_path = runs / f"{number}.json", runs / f"{number}.log"
        started = time.perf_counter()
        output_path.touch()
        # `python -m <runner>` with the imports done (tests/preloaded.py), in its own session.
        process = preloaded.start(
            f"{runner[0]}:main",
            [runner[0], str(summary_path), *runner[1:]],
            env=self.env(**env),
            cwd=PROJECT_ROOT,
            output=output_path,
        )
        if on_start:
            on_start(process)
        try:
            process.wait(timeout=RUN_TIMEOUT_SECONDS)
        finally:
            preloaded.stop_group(process)
        seconds = time.perf_counter() - started
        log = output_path.read_text()
        if not summary_path.exists():
            return RunSummary(success=False, output=log, seconds=seconds)
        summary = json.loads(summary_path.read_text())
        summary["materialized"] = set(summary["materialized"])
        return RunSummary(**summary, output=log, seconds=seconds)

    def copy_to(self, root: Path) -> Workspace:
        """A workspace holding a copy of everything this one built."""
        shutil.copytree(self.root, root, dirs_exist_ok=True)
        return Workspace(root)

    def query(self, sql: str, path: Path | None = None) -> list[tuple]:
        with duckdb.connect(str(path or self.warehouse), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    def count(self, table: str, path: Path | None = None) -> int:
        return self.query(f"select count(*) from {table}", path)[0][0]

    def table_digest(self, table: str, order_by: str) -> str:
        rows = self.query(f"select * from {table} order by {order_by}")
        return hashlib.sha256(repr(rows).encode()).hexdigest()
