"""Helpers for the dbt project tests: the real dbt CLI against throwaway DuckDB files.

dbt runs in a process of its own, as it does from the command line and from Dagster (the `dbt`
script's entry point, forked with dbt already imported: tests/preloaded.py), with its working
directory in dbt_project/, the warehouse chosen by MINDPULSE_DUCKDB_PATH, and its target and
log folders under pytest's temporary directory so runs never collide or touch the repository.
Raw data comes from the real extract API (sample mode), loaded the way the pipeline loads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.google_trends import extract_google_trends
from extract.google_trends.records import RAW_CONTRACT as TRENDS_CONTRACT
from extract.news import extract_news
from extract.news.records import RAW_CONTRACT as NEWS_CONTRACT
from extract.osmi_survey import extract_osmi_survey
from extract.osmi_survey.records import RAW_CONTRACT as OSMI_CONTRACT
from extract.raw_load import load_batch
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.records import RAW_CONTRACT as WHO_CONTRACT
from orchestration.dbt_assets import PIPELINE_BUILD_ARGS
from tests import osmi_fixture, preloaded

REPO_ROOT = Path(__file__).resolve().parents[2]
# dbt's unit tests check the SQL on fixed inputs and the seeds' tests check files of this
# repository: the session's build runs and checks them all (test_dbt_build.py); the builds of
# tests about data leave them out, as the pipeline does.
DATA_TESTS_ONLY = PIPELINE_BUILD_ARGS
# `dbt build` of fct_signals and everything it reads: what the checks that guard the signals
# block. Tests about those checks build only this lineage; the survey models have their own.
SIGNALS_LINEAGE = ("--select", "+fct_signals", *DATA_TESTS_ONLY)
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_TIMEOUT_SECONDS = 300
# The day the weekly samples (news, search interest) pretend it is: the same weeks every day.
SAMPLE_AS_OF = date(2026, 6, 1)


@dataclass(frozen=True)
class DbtRun:
    args: list[str]
    returncode: int
    output: str
    # node key -> entry of run_results.json. The key is the unique_id, except that data tests
    # lose the hash dbt appends ("test.mindpulse.<test name>"), so tests can name them.
    results: dict[str, dict]

    def status(self, node: str) -> str:
        return self.results[node]["status"]

    def statuses(self, prefix: str = "") -> dict[str, str]:
        return {key: r["status"] for key, r in self.results.items() if key.startswith(prefix)}

    def failed(self) -> list[str]:
        return sorted(key for key, r in self.results.items() if r["status"] in ("fail", "error"))

    def describe(self) -> str:
        """What to print when an assertion about this run fails."""
        return f"dbt {' '.join(self.args)} exited {self.returncode}:\n{self.output[-6000:]}"


def dbt_env(duckdb_path: Path | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment without any MINDPULSE_/DBT_/SNOWFLAKE_ setting, plus ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINDPULSE_", "DBT_", "SNOWFLAKE_"))
    }
    if duckdb_path is not None:
        env["MINDPULSE_WAREHOUSE"] = "duckdb"
        env["MINDPULSE_DUCKDB_PATH"] = str(duckdb_path)
    env.update(extra or {})
    return env


def run_dbt(
    args: list[str],
    *,
    duckdb_path: Path | None,
    work_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    profiles_dir: Path = DBT_PROJECT_DIR,
) -> DbtRun:
    """Run `dbt <args>` in dbt_project/ with target and logs under `work_dir`.

    `profiles_dir` is the project's own profiles.yml unless a test supplies another one (the
    Snowflake-dialect tests point the `snowflake` target at a local fakesnow server).
    """
    target_path = work_dir / "target"
    command = [
        "dbt",
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(profiles_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(work_dir / "logs"),
    ]
    results_file = target_path / "run_results.json"
    results_file.unlink(missing_ok=True)
    output_file = work_dir / "dbt_output.log"
    work_dir.mkdir(parents=True, exist_ok=True)
    output_file.write_text("")
    # The `dbt` script's entry point, in a new process forked with dbt already imported.
    process = preloaded.start(
        "dbt.cli.main:cli",
        command,
        env=dbt_env(duckdb_path, extra_env),
        cwd=DBT_PROJECT_DIR,
        output=output_file,
    )
    try:
        returncode = process.wait(timeout=DBT_TIMEOUT_SECONDS)
    finally:
        preloaded.stop_group(process)
    results: dict[str, dict] = {}
    if results_file.exists():
        payload = json.loads(results_file.read_text())
        results = {_node_key(entry["unique_id"]): entry for entry in payload["results"]}
    return DbtRun(args, returncode, output_file.read_text(), results)


def _node_key(unique_id: str) -> str:
    parts = unique_id.split(".")
    if parts[0] == "test" and len(parts) == 4:
        return ".".join(parts[:3])
    return unique_id


def load_raw(duckdb_path: Path, landing_dir: Path, mode: str, file_path: Path | None = None):
    """Extract the CDC source in `mode` and load it into raw.*, as the pipeline does."""
    if mode == "file":
        batch = extract_cdc_pulse("file", file_path=file_path)
    else:
        batch = extract_cdc_pulse("sample", sample_scale=1.0)
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    landing_path = landing_dir / batch.source / f"{batch.batch_id}{batch.payload_suffix}"
    conn = duckdb.connect(str(duckdb_path))
    try:
        return load_batch(conn, batch, landing_path, RAW_CONTRACT)
    finally:
        conn.close()


def load_osmi_fixture(duckdb_path: Path, work_dir: Path):
    """Load both OSMI fixture files (tests/osmi_fixture.py) into raw.osmi_survey_responses."""
    batch = extract_osmi_survey("file", file_path=osmi_fixture.write_fixture(work_dir / "osmi"))
    conn = duckdb.connect(str(duckdb_path))
    try:
        return load_batch(conn, batch, work_dir / "landing" / "osmi.jsonl", OSMI_CONTRACT)
    finally:
        conn.close()


def load_cross_source_samples(duckdb_path: Path, work_dir: Path) -> None:
    """Load the news, search-interest and WHO samples into raw.*, as the pipeline does."""
    batches = (
        (extract_news("sample", sample_as_of=SAMPLE_AS_OF), NEWS_CONTRACT),
        (extract_google_trends("sample", sample_as_of=SAMPLE_AS_OF), TRENDS_CONTRACT),
        (extract_who_suicide("sample"), WHO_CONTRACT),
    )
    conn = duckdb.connect(str(duckdb_path))
    try:
        for batch, contract in batches:
            landing = work_dir / "landing" / f"{batch.batch_id}{batch.payload_suffix}"
            load_batch(conn, batch, landing, contract)
    finally:
        conn.close()


def query(duckdb_path: Path, sql: str) -> list[tuple]:
    conn = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def execute(duckdb_path: Path, *statements: str) -> None:
    conn = duckdb.connect(str(duckdb_path))
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path  # the warehouse the session build wrote; do not modify it in tests
    pristine_copy: Path  # a copy taken right after the build, for tests that damage data
    work_dir: Path
    build: DbtRun
