"""One benchmarked pipeline run, as `make run` does it, in a fresh interpreter.

    python -m tests.benchmarks.bench_runner <stages.json>

bench_pipeline starts this module as a subprocess with MINDPULSE_DATA_DIR,
MINDPULSE_SAMPLE_SCALE and DAGSTER_HOME pointing into a temporary workspace, so that the
interpreter start, the imports (dagster, dagster-dbt, duckdb, pandas) and loading the
definitions are part of what is measured. It prints `make run`'s progress lines and writes,
for bench_pipeline to read, when each step started and ended (epoch seconds, the clock the
parent also reads), its status, its row counts and the metadata worth reporting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import dagster as dg

from orchestration.progress import ProgressHandler, dagster_event
from orchestration.run_pipeline import output_to_log, prepare_dagster_home, run_all
from orchestration.settings import load_settings

# Materialization metadata the report carries when an asset provides it (the forecast asset's
# reuse counters and per-candidate seconds may be absent; the landing file locates the floor's
# input; the Reddit assets say what they loaded, expired and scored).
REPORTED_METADATA = (
    "landing_file",
    "rows_loaded",
    "rows_quarantined",
    "bodies_expired",
    "series_forecast",
    "series_reused",
    "series_fitted",
    "seconds_by_candidate",
    "posts_scored",
    "posts_reused",
)
# ...and every counter whose name starts so: the insight asset's cells (sampled, computed,
# reused), whichever it reports.
REPORTED_PREFIXES = ("cells_",)


class StageTimes(ProgressHandler):
    """`make run`'s progress lines, plus each step's start and end time and chosen metadata.

    The stages file is rewritten whenever a step starts or ends, so a run the bench stops
    still tells which step it was in.
    """

    def __init__(self, out, stages_path: Path):
        super().__init__(out=out)
        self.stages_path = stages_path
        self.times: dict[str, dict[str, float]] = {}
        self.metadata: dict[str, dict[str, object]] = {}

    def emit(self, record):
        super().emit(record)
        event = dagster_event(record)
        if event is None:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.times.setdefault(event.step_key, {})["started_at"] = record.created
            self.save(success=None)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.times.setdefault(event.step_key, {})["ended_at"] = record.created
            self.save(success=None)
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            chosen = {
                name: _plain(value)
                for name, value in materialization.metadata.items()
                if name in REPORTED_METADATA or name.startswith(REPORTED_PREFIXES)
            }
            if chosen:
                self.metadata[materialization.asset_key.to_user_string()] = chosen

    def stages(self) -> dict[str, dict]:
        return {
            step: {
                "status": progress.status,
                **self.times.get(step, {}),
                "rows": progress.assets,
                "metadata": {
                    asset: self.metadata[asset]
                    for asset in progress.assets
                    if asset in self.metadata
                },
            }
            for step, progress in self.steps.items()
        }

    def save(self, success: bool | None) -> None:
        """Write the stages so far (success None: the run has not ended)."""
        partial = self.stages_path.with_name(self.stages_path.name + ".tmp")
        partial.write_text(json.dumps({"success": success, "stages": self.stages()}))
        partial.replace(self.stages_path)


def _plain(value: object) -> object:
    """A metadata value as plain JSON (dicts, numbers, text)."""
    value = getattr(value, "value", value)
    if isinstance(value, bool | int | float | str | list | dict) or value is None:
        return value
    return str(value)


def main(argv: list[str]) -> int:
    stages_path = Path(argv[1])
    settings = load_settings()
    log_path = settings.data_dir / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        dg.DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance,
        output_to_log(log_path) as console,
    ):
        recorder = StageTimes(out=console, stages_path=stages_path)
        result = run_all(instance, handler=recorder)
    recorder.save(success=result.success)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
