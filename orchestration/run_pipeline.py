"""`make run`: materialize every asset in-process and print one progress line per stage.

Runs are recorded in DAGSTER_HOME when it is set (the Makefile sets it), so the run and its
metadata also show up in the Dagster UI (`make dev`). The run executes exactly as one launched
from the UI does, with the code location's executor (orchestration/executor.py): first it
recovers runs a killed process left unfinished, and a wait for the writer slot ends.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import dagster as dg

from orchestration.dbt_reuse import REUSE_TAG
from orchestration.progress import ProgressHandler
from orchestration.run_processes import process_tags, recover_dead_runs, this_process
from orchestration.schedules import WEEKLY_JOB_NAME
from orchestration.settings import ConfigurationError, Settings, load_settings

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")
PROGRESS_LOGGER = "mindpulse.progress"


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME with the project's instance settings (pool limits)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INSTANCE_CONFIG, settings.dagster_home / "dagster.yaml")
    return settings.dagster_home


@dg.logger
def progress_logger(_init_context) -> logging.Logger:
    """The Python logger `run_all` attaches its progress handler to."""
    progress = logging.getLogger(PROGRESS_LOGGER)
    progress.setLevel(logging.DEBUG)
    progress.propagate = False
    return progress


def progress_job() -> dg.JobDefinition:
    """The weekly job with the progress logger, rebuilt by Dagster from this module's name."""
    from orchestration.definitions import defs

    job = defs().resolve_job_def(WEEKLY_JOB_NAME)
    return job.with_logger_defs({"progress": progress_logger})


def run_all(
    instance: dg.DagsterInstance,
    out=sys.stdout,
    handler: ProgressHandler | None = None,
    replay: str | None = None,
) -> dg.JobExecutionResult:
    """Materialize the whole lineage, printing a line per finished step to `out`.

    `handler` replaces the default progress handler (the benchmark's records more per step).
    `replay` ('latest' or a batch id) loads RAW from landed files instead of extracting.
    """
    from orchestration.raw_sources import replay_run_config

    handler = handler or ProgressHandler(out)
    # Before the run exists, so a run left unfinished by a killed process is reported first.
    for recovered in recover_dead_runs(instance):
        print(f"  {recovered.line()}", file=handler.out)
    progress = logging.getLogger(PROGRESS_LOGGER)
    progress.addHandler(handler)
    try:
        # execute_job, not execute_in_process: the latter replaces the job's executor with
        # Dagster's plain in-process one, whose wait for a pool slot never ends.
        return dg.execute_job(
            dg.build_reconstructable_job("orchestration.run_pipeline", "progress_job"),
            instance=instance,
            run_config={
                "loggers": {"progress": {}},
                **(replay_run_config(replay) if replay else {}),
            },
            # make run skips what Dagster's provenance shows unchanged (dbt_reuse.py); the
            # process tags let a later run recover this one if its process is killed.
            tags={REUSE_TAG: "true", **process_tags(this_process())},
            raise_on_error=False,
        )
    finally:
        progress.removeHandler(handler)


@contextlib.contextmanager
def output_to_log(log_path: Path) -> Iterator[TextIO]:
    """Send everything this process and its children (dbt) print to the log; yield the console.

    File descriptors are redirected, not just sys.stdout: dbt runs as a subprocess and writes
    straight to the inherited descriptors.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(saved_out), "w", buffering=1)
    with log_path.open("w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                yield console
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            console.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.run_pipeline",
        description="Materialize every asset (make run), or rebuild from landing (make replay).",
    )
    parser.add_argument(
        "--replay",
        metavar="BATCH",
        help=(
            "load RAW from landed files instead of extracting: 'latest' (the batch each source "
            "loaded last) or a batch id (a landing file name without its extension)"
        ),
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
        if args.replay:
            from orchestration.raw_sources import replay_run_config

            replay_run_config(args.replay)  # an unknown batch id fails here, before the run
    except (ConfigurationError, ValueError) as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    started = time.monotonic()
    log_path = settings.logs_dir / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if args.replay:
        print(f"Replaying the landed batches ({args.replay}) instead of extracting")
    print(f"Materializing every asset into {_warehouse_place(settings)}")
    print(f"  full log: {log_path}")
    # The same instance `make dev` opens, so this run and its metadata show up in the UI.
    with (
        dg.DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance,
        output_to_log(log_path) as console,
    ):
        ok = run_all(instance, out=console, replay=args.replay).success
    elapsed = time.monotonic() - started
    if not ok:
        print(
            f"Pipeline FAILED after {elapsed:.1f} s: see the lines above and {log_path}.",
            file=sys.stderr,
        )
        return 1
    lines = [
        f"Pipeline done in {elapsed:.1f} s.",
        f"  warehouse:  {_warehouse_place(settings)}",
        f"  data folder (landing files, logs): {settings.data_dir}",
    ]
    if settings.landing_bucket is not None:
        lines.append(f"  landing files: {settings.landing_bucket.uri}")
    if settings.warehouse == "snowflake":
        lines.append("  dashboard reads Snowflake directly")
    else:
        lines.append(f"  dashboard reads the published copy: {settings.published_duckdb_path}")
    lines += [
        "  Dagster UI: make dev        -> http://localhost:3000",
        "  dashboard:  make dashboard  -> http://localhost:8501",
        "  dbt CLI:    cd dbt_project && ../.venv/bin/dbt build",
    ]
    print("\n".join(lines))
    return 0


def _warehouse_place(settings: Settings) -> str:
    if settings.snowflake is not None:
        return f"Snowflake database {settings.snowflake.database} ({settings.snowflake.account})"
    return f"{settings.duckdb_path} (duckdb)"


if __name__ == "__main__":
    sys.exit(main())
