"""When `make run` need not run dbt: nothing dbt reads or runs changed since its last green build.

Dagster records, with every materialization, the code version of the asset and the data
versions of its inputs (its provenance). dagster-dbt gives each model a code version from its
SQL, and the raw assets' data version is a hash of the rows they loaded. So when, for every
dbt asset the step builds, the latest materialization came from a green build into this
warehouse, its code version is today's, its table still exists and every input outside the step
still has the data version the build saw, then a new build would produce the same tables and
the same test results: the step reports the tables as they are (same data versions) instead of
rebuilding. The dbt project runs in two steps (orchestration/dbt_assets.py), each decided on its
own: a model of the other step is an input like the raw tables, whose data version changes
exactly when that step rebuilt it from changed inputs.

Only runs tagged ``REUSE_TAG`` (``make run``) take this shortcut; a materialization asked for in
the Dagster UI always runs dbt.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from graphlib import TopologicalSorter

import dagster as dg
from dagster._core.definitions.data_version import (
    extract_data_provenance_from_entry,
    extract_data_version_from_entry,
)

REUSE_TAG = "mindpulse/reuse_unchanged"
# Materialization metadata written by every dbt build, read back by the next run.
BUILD_KEY = "dbt_build"  # "green" when the whole build and every test passed
WAREHOUSE_KEY = "warehouse"  # the warehouse the tables were built in
REUSED_FROM_KEY = "dbt_reused_from_run"


def build_metadata(green: bool, warehouse: str) -> dict[str, str]:
    return {BUILD_KEY: "green" if green else "failed", WAREHOUSE_KEY: warehouse}


def _text(metadata, key: str) -> str | None:
    value = metadata.get(key)
    return None if value is None else str(getattr(value, "value", value))


def unchanged_build(
    context: dg.AssetExecutionContext, *, warehouse: str, existing: Iterable[dg.AssetKey]
) -> dict[dg.AssetKey, tuple[str, str]] | None:
    """For each selected dbt asset, (data version, run id) of the last green build it can stand
    for; None as soon as anything dbt depends on differs (see the module docstring)."""
    if context.run.tags.get(REUSE_TAG) != "true":
        return None
    # The assets this step builds (a run may select a subset of a multi-asset). A dbt model
    # outside them, such as the other dbt step's, is an input like any other, compared by its
    # data version: unchanged when it was reused, changed when it was rebuilt from new inputs.
    own = set(context.selected_asset_keys)
    code_versions = context.assets_def.code_versions_by_key
    existing = set(existing)
    found: dict[dg.AssetKey, tuple[str, str]] = {}
    for key in context.selected_asset_keys:
        record = context.instance.get_latest_data_version_record(key)
        if record is None or key not in existing:
            return None
        entry = record.event_log_entry
        metadata = entry.asset_materialization.metadata
        if _text(metadata, BUILD_KEY) != "green" or _text(metadata, WAREHOUSE_KEY) != warehouse:
            return None
        provenance = extract_data_provenance_from_entry(entry)
        if provenance is None or provenance.code_version != code_versions.get(key):
            return None
        for upstream, seen in provenance.input_data_versions.items():
            if upstream in own:
                continue  # rebuilt from the same inputs and code, so the same as well
            current = context.instance.get_latest_data_version_record(upstream)
            if current is None or extract_data_version_from_entry(current.event_log_entry) != seen:
                return None
        version = extract_data_version_from_entry(entry)
        if version is None:
            return None
        found[key] = (version.value, _text(metadata, REUSED_FROM_KEY) or entry.run_id)
    return found


def reused_outputs(
    context: dg.AssetExecutionContext, build: dict[dg.AssetKey, tuple[str, str]], warehouse: str
) -> Iterator[dg.Output]:
    """The selected dbt assets as their last green build left them, data versions unchanged,
    upstream first (Dagster requires a multi-asset to yield in dependency order)."""
    deps = context.assets_def.asset_deps
    order = TopologicalSorter({key: deps.get(key, set()) & build.keys() for key in build})
    for key in order.static_order():
        version, run_id = build[key]
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            data_version=dg.DataVersion(version),
            metadata={
                **build_metadata(True, warehouse),
                REUSED_FROM_KEY: run_id,
                "dbt": "not run: its inputs and code are unchanged since that green build",
            },
        )
