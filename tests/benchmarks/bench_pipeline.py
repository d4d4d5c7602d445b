"""`make bench`: wall time and peak memory of each pipeline stage at several sample scales.

A benchmark, not a test: it reports figures to artifacts/bench/report.json and asserts nothing.
Peak memory is the resident set of this process plus its children (dbt runs as a subprocess),
sampled every 50 ms while a stage runs.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import psutil

from orchestration.run_pipeline import (
    STEP_END_STATUS,
    ProgressHandler,
    dagster_event,
    output_to_log,
)
from orchestration.settings import PROJECT_ROOT, load_settings

REPORT = PROJECT_ROOT / "artifacts" / "bench" / "report.json"


class StageRecorder(ProgressHandler):
    """The progress handler of `make run` (time, rows per step), plus peak RSS per step."""

    def __init__(self):
        super().__init__(out=io.StringIO())
        self.peak_rss_mb: dict[str, float] = {}
        self.peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self):
        process = psutil.Process()
        while not self._stop.wait(0.05):
            try:
                rss = process.memory_info().rss + sum(
                    child.memory_info().rss for child in process.children(recursive=True)
                )
            except psutil.Error:
                continue
            self.peak = max(self.peak, rss)

    def close(self):
        self._stop.set()
        super().close()

    def emit(self, record):
        event = dagster_event(record)
        if event is not None and event.event_type_value == "STEP_START":
            self.peak = 0
        super().emit(record)
        if event is not None and event.event_type_value in STEP_END_STATUS:
            self.peak_rss_mb[event.step_key] = round(self.peak / 2**20, 1)

    @property
    def stages(self) -> dict[str, dict]:
        return {
            step: {
                "status": progress.status,
                "seconds": round(progress.seconds, 2),
                "peak_rss_mb": self.peak_rss_mb.get(step, 0.0),
                "rows": progress.assets,
            }
            for step, progress in self.steps.items()
        }


def bench_scale(scale: float) -> dict:
    from orchestration.definitions import defs
    from orchestration.schedules import WEEKLY_JOB_NAME

    recorder = StageRecorder()

    @dg.logger
    def recording_logger(_):
        log = logging.getLogger(f"mindpulse.bench.{scale}")
        log.setLevel(logging.DEBUG)
        log.handlers = [recorder]
        log.propagate = False
        return log

    with (
        tempfile.TemporaryDirectory(prefix=f"mindpulse-bench-{scale}-") as tmp,
        _env(
            # Everything the run writes (landing files included) stays in the temporary folder.
            MINDPULSE_DATA_DIR=tmp,
            MINDPULSE_DUCKDB_PATH=str(Path(tmp) / "warehouse" / "mindpulse.duckdb"),
            MINDPULSE_SAMPLE_SCALE=str(scale),
        ),
    ):
        settings = load_settings()
        job = defs().resolve_job_def(WEEKLY_JOB_NAME).with_logger_defs({"rec": recording_logger})
        started = time.perf_counter()
        with (
            dg.DagsterInstance.ephemeral() as instance,
            output_to_log(REPORT.parent / f"run_scale_{scale:g}.log"),
        ):
            result = job.execute_in_process(
                instance=instance, run_config={"loggers": {"rec": {}}}, raise_on_error=False
            )
        total = time.perf_counter() - started
        size_mb = settings.duckdb_path.stat().st_size / 2**20
    recorder.close()
    return {
        "scale": scale,
        "success": result.success,
        "total_seconds": round(total, 2),
        "warehouse_mb": round(size_mb, 1),
        "stages": recorder.stages,
    }


class _env:
    """Set environment variables for the duration of a block (benchmarks run in-process)."""

    def __init__(self, **values: str):
        self.values = values
        self.saved: dict[str, str | None] = {}

    def __enter__(self):
        for name, value in self.values.items():
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value
        return self

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    args = parser.parse_args()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    runs = []
    for scale in args.scales:
        print(f"scale {scale:g}: running the whole pipeline ...", flush=True)
        run = bench_scale(scale)
        runs.append(run)
        for step, stage in run["stages"].items():
            rows = ", ".join(f"{k} {v:,}" for k, v in stage["rows"].items() if v is not None)
            print(
                f"  {step:<28} {stage.get('seconds', 0):7.1f} s "
                f"{stage.get('peak_rss_mb', 0):8.1f} MB  {rows}"
            )
        status = "ok" if run["success"] else "FAILED"
        print(f"  {status}: total {run['total_seconds']:.1f} s, warehouse {run['warehouse_mb']} MB")
    report = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30),
            "python": platform.python_version(),
        },
        "runs": runs,
    }
    REPORT.write_text(json.dumps(report, indent=2))
    print(f"report: {REPORT}")


if __name__ == "__main__":
    main()
