"""The completeness guard's whole-pipeline scenario: the real export cut short.

A copy of the real build, then the real export cut as an interrupted download leaves it (its
first 5,000 bytes): one run that the guard refuses, with the warehouse and the published file's
digests taken before and after it, then one run with the accept-shrink setting.
"""

from __future__ import annotations

import hashlib

from tests.pipeline_runs import FinishedRun, PipelineRuns, real_exports_env
from tests.real_data import CDC_EXPORT
from tests.workspace import Workspace

GUARDED_TABLES = {
    "raw.cdc_pulse_indicators": "all",
    # The CDC source's batches: the Reddit sample loads on every run, independently of it.
    "raw.load_batches where source = 'cdc_pulse'": "all",
    "marts.fct_signals": "all",
    "ml.forecasts": "all",
    "ml.forecast_metrics": "all",
}


def warehouse_state(workspace: Workspace) -> dict[str, str]:
    """Digests of the warehouse tables and of the published file's bytes."""
    state = {table: workspace.table_digest(table, order) for table, order in GUARDED_TABLES.items()}
    state["published file"] = hashlib.sha256(workspace.published.read_bytes()).hexdigest()
    return state


def truncated_export_runs(runs: PipelineRuns) -> FinishedRun:
    """A copy of the real build, then the real export cut short as an interrupted download
    leaves it (its first 5,000 bytes): refused, then loaded with the accept-shrink setting."""
    real = runs.result("real").workspace
    workspace = real.copy_to(runs.root / "truncated")
    cut = workspace.root / "cut_short.csv"
    cut.write_bytes(CDC_EXPORT.read_bytes()[:5000])
    before = warehouse_state(workspace)
    # The other real exports load again unchanged: a second run with the same file.
    env = {**real_exports_env(), "MINDPULSE_CDC_PULSE_FILE": str(cut)}
    refused = runs.run(workspace, **env)
    after_refusal = warehouse_state(workspace)
    accepted = runs.run(workspace, **env, MINDPULSE_ACCEPT_SHRINK="cdc_pulse")
    facts = {"before": before, "after_refusal": after_refusal}
    return FinishedRun(workspace, accepted, previous=refused, facts=facts)
