"""One pipeline run for the tests, in its own interpreter:

    python -m tests.pipeline_runner <summary.json>

The caller (tests/pipeline_runs.py) sets MINDPULSE_DATA_DIR, DAGSTER_HOME and any other
MINDPULSE_* variable in this process's environment. The run takes `make run`'s code path
(orchestration.run_pipeline.run_all, progress lines included) with the workspace's Dagster
instance, and writes what the tests check: success, the materialized assets, every asset
check evaluation and the progress lines.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import dagster as dg

from orchestration.run_pipeline import prepare_dagster_home, run_all
from orchestration.settings import load_settings


def summarize(result: dg.ExecuteInProcessResult, progress: str) -> dict:
    return {
        "success": result.success,
        "materialized": sorted(
            event.asset_key.to_user_string()
            for event in result.get_asset_materialization_events()
            if event.asset_key
        ),
        "check_evaluations": [
            {
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "passed": evaluation.passed,
                "severity": evaluation.severity.value,
            }
            for evaluation in result.get_asset_check_evaluations()
        ],
        "progress": progress,
    }


def main(argv: list[str]) -> int:
    summary_path = Path(argv[1])
    progress = io.StringIO()
    # The workspace's own Dagster instance, as `make run` uses DAGSTER_HOME: a later run in the
    # same workspace sees this run's materializations (and may reuse what did not change).
    settings = load_settings()
    with dg.DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance:
        result = run_all(instance, out=progress)
    summary_path.write_text(json.dumps(summarize(result, progress.getvalue())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
