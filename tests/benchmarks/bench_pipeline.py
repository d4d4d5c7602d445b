"""`make bench`: the whole pipeline at several sample scales, stage by stage.

A benchmark, not a test: it reports figures to artifacts/bench/report.json, prints a compact
table and asserts nothing. For each scale, in a fresh temporary workspace, on sample data as of
a week ago (MINDPULSE_SAMPLE_AS_OF):

1. the pipeline runs in a fresh interpreter (tests/benchmarks/bench_runner.py, `make run`'s
   code path), so startup - interpreter, imports, loading the definitions, up to the first
   step - is measured as a stage of its own; every stage gets its wall time, the peak resident
   memory of the process and its children (dbt), and its row counts;
2. it runs a second time, unchanged, in the same workspace: that run's total is compared with
   the budget 4 x (bare import time of dagster, dagster-dbt, duckdb, pandas) + 4 s;
3. it runs a third time, one week later (the sample as of today), in the same workspace, as a
   weekly run would: measured like the others, and the Reddit tables - raw posts, the posts
   mart, sentiment, insights - are compared row by row before and after it (and around the
   second run), which rows it added, changed, wrote again unchanged, removed or left alone
   (tests/benchmarks/row_diff.py);
4. the floor: bare DuckDB reads the landed raw CSV of the first run and computes fct_signals in
   one SQL statement (tests/benchmarks/floor.py); the first run's total and its dbt stage are
   reported as multiples of it;
5. the limits of scale 100 on the reference machine (600 s, 4 GB peak) are checked, naming the
   stage in which a limit was passed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import psutil

from orchestration.settings import PROJECT_ROOT, WAREHOUSE_FILE_NAME
from tests.benchmarks import bench_report as br
from tests.benchmarks.bench_measure import bare_import_seconds, peak_mb, run_measured
from tests.benchmarks.floor import time_floor
from tests.benchmarks.row_diff import diff_all, snapshot_all

REPORT = PROJECT_ROOT / "artifacts" / "bench" / "report.json"
RUNNER = "tests.benchmarks.bench_runner"
# A run still going after this long is stopped and reported as such (the limit is 600 s).
DEFAULT_STOP_AFTER_SECONDS = 1200.0
FLOOR_REPEATS = 3


def workspace_env(workspace: Path, scale: float, as_of: date) -> dict[str, str]:
    """This process's environment with the pipeline pointed at `workspace` and sample data as
    of `as_of` (for the child)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINDPULSE_", "DBT_", "SNOWFLAKE_"))
    }
    env.update(
        MINDPULSE_DATA_DIR=str(workspace / "data"),
        MINDPULSE_SAMPLE_SCALE=f"{scale:g}",
        MINDPULSE_SAMPLE_AS_OF=as_of.isoformat(),
        DAGSTER_HOME=str(workspace / "dagster_home"),
        PYTHONUNBUFFERED="1",
    )
    return env


def measure_run(workspace: Path, env: dict[str, str], label: str, stop_after: float) -> dict:
    """One pipeline run in a fresh interpreter: stages, totals and limit findings."""
    stages_file = workspace / f"stages_{label}.json"
    stages_file.unlink(missing_ok=True)
    measured = run_measured(
        [sys.executable, "-m", RUNNER, str(stages_file)],
        env=env,
        cwd=PROJECT_ROOT,
        stop_after_seconds=stop_after,
    )
    runner = json.loads(stages_file.read_text()) if stages_file.exists() else {}
    stages = br.run_stages(measured, runner.get("stages", {}))
    total = round(measured.seconds, 2)
    return {
        "success": bool(runner.get("success")) and measured.returncode == 0,
        "stopped_after_seconds": stop_after if measured.stopped else None,
        "total_seconds": total,
        "peak_rss_mb": peak_mb(measured.samples, measured.started_at, measured.ended_at),
        "stages": stages,
        "between_steps_seconds": br.between_steps_seconds(total, stages),
        "limits": {
            "max_seconds": br.LIMIT_SECONDS,
            "max_peak_rss_mb": br.LIMIT_PEAK_RSS_MB,
            "exceeded": br.limit_findings(stages, total),
        },
    }


def landed_csv(run: dict, landing_dir: Path) -> Path | None:
    """The raw CSV the run landed (from its metadata; else the only CSV in the landing folder)."""
    for stage in run["stages"]:
        for metadata in stage.get("metadata", {}).values():
            if "landing_file" in metadata:
                return Path(metadata["landing_file"])
    found = sorted(landing_dir.rglob("*.csv"))
    return found[0] if len(found) == 1 else None


def measure_floor(run: dict, workspace: Path) -> dict | None:
    csv_path = landed_csv(run, workspace / "data" / "landing")
    if csv_path is None or not csv_path.is_file():
        return None
    timings = [time_floor(csv_path, workspace / "floor.duckdb") for _ in range(FLOOR_REPEATS)]
    best = min(timings, key=lambda t: t.seconds)
    dbt = br.dbt_stage(run["stages"])
    return {
        "landed_csv": str(csv_path),
        "seconds": round(best.seconds, 3),
        "all_seconds": [round(t.seconds, 3) for t in timings],
        "rows": best.rows,
        "total_ratio": br.ratio(run["total_seconds"], best.seconds),
        "dbt_ratio": br.ratio(dbt["seconds"] if dbt else None, best.seconds),
    }


class RowDiffs:
    """Snapshots of the Reddit tables between runs, in a scratch file of the workspace."""

    def __init__(self, workspace: Path):
        self.warehouse = workspace / "data" / "warehouse" / WAREHOUSE_FILE_NAME
        self.scratch = duckdb.connect(str(workspace / "row_diff.duckdb"))
        self.seconds = 0.0  # spent snapshotting and comparing, outside every measured run

    def snapshot(self, label: str) -> None:
        started = time.perf_counter()
        if self.warehouse.exists():
            snapshot_all(self.scratch, self.warehouse, label)
        self.seconds += time.perf_counter() - started

    def diff(self, before: str, after: str) -> dict[str, dict]:
        started = time.perf_counter()
        diffs = diff_all(self.scratch, before, after)
        self.seconds += time.perf_counter() - started
        return diffs


def bench_scale(scale: float, import_seconds: float, stop_after: float) -> dict:
    # A week ago, so that the run a week later is on the sample of today: no post is ever
    # in the future, which the Reddit staging tests refuse.
    as_of = datetime.now(UTC).date() - timedelta(days=7)
    week_later = as_of + timedelta(days=7)
    with tempfile.TemporaryDirectory(prefix=f"mindpulse-bench-{scale:g}-") as tmp:
        workspace = Path(tmp)
        env = workspace_env(workspace, scale, as_of)
        diffs = RowDiffs(workspace)
        print(f"scale {scale:g}, first run (fresh workspace {workspace}):", flush=True)
        first = measure_run(workspace, env, "first", stop_after)
        diffs.snapshot("first")
        run: dict = {"scale": scale, "sample_as_of": as_of.isoformat(), "first_run": first}
        run["second_run"] = run["week_later_run"] = None
        if first["success"]:
            print(f"scale {scale:g}, second run (unchanged, same workspace):", flush=True)
            second = measure_run(workspace, env, "second", stop_after)
            diffs.snapshot("second")
            run["second_run"] = second
            run["second_run_rows"] = diffs.diff("first", "second")
            budget = br.second_run_budget(import_seconds)
            run["second_run_budget"] = {
                "seconds": second["total_seconds"],
                "import_seconds": import_seconds,
                "budget_seconds": budget,
                "reference_seconds": br.REFERENCE_SECOND_RUN_SECONDS,
                "verdict": "pass" if second["total_seconds"] <= budget else "OVER",
            }
            print(f"scale {scale:g}, one week later (sample as of {week_later}):", flush=True)
            later_env = workspace_env(workspace, scale, week_later)
            run["week_later_run"] = measure_run(workspace, later_env, "week_later", stop_after)
            run["week_later_as_of"] = week_later.isoformat()
            diffs.snapshot("week_later")
            run["week_later_rows"] = diffs.diff("second", "week_later")
        else:
            print(f"scale {scale:g}: first run did not finish; no further runs", flush=True)
        diffs.scratch.close()
        run["row_diff_seconds"] = round(diffs.seconds, 1)
        run["floor"] = measure_floor(first, workspace)
        warehouse = diffs.warehouse
        run["warehouse_mb"] = (
            round(warehouse.stat().st_size / 2**20, 1) if warehouse.exists() else None
        )
        logs = workspace / "data" / "logs" / "last_run.log"
        if logs.exists():  # the last run's full log, kept next to the report
            shutil.copyfile(logs, REPORT.parent / f"run_scale_{scale:g}.log")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0, 100.0])
    parser.add_argument(
        "--stop-after",
        type=float,
        default=DEFAULT_STOP_AFTER_SECONDS,
        help="stop a run that is still going after this many seconds (reported as stopped)",
    )
    args = parser.parse_args()
    REPORT.parent.mkdir(parents=True, exist_ok=True)

    imports = bare_import_seconds()
    import_seconds = min(imports)  # the least noisy estimate of a cold-process import
    print(
        f"bare import of dagster, dagster-dbt, duckdb, pandas: {import_seconds:.2f} s "
        f"(best of {imports}); second-run budget {br.second_run_budget(import_seconds):.1f} s",
        flush=True,
    )
    # SIGTERM ends the bench like Ctrl-C does, so the run in progress is stopped with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30),
            "python": platform.python_version(),
        },
        "bare_import_seconds": {
            "best": import_seconds,
            "all": imports,
            "median": statistics.median(imports),
        },
        "limits": {"max_seconds": br.LIMIT_SECONDS, "max_peak_rss_mb": br.LIMIT_PEAK_RSS_MB},
        "runs": [],
    }
    for scale in args.scales:
        report["runs"].append(bench_scale(scale, import_seconds, args.stop_after))
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        REPORT.write_text(json.dumps(report, indent=2))  # after each scale: a stop keeps them
    runs = report["runs"]
    print()
    for run in runs:
        print("\n".join(br.format_scale(run)))
    print(f"report: {REPORT}")


if __name__ == "__main__":
    main()
