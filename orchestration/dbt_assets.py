"""dbt models as Dagster assets; dbt tests as (blocking) asset checks.

The manifest is prepared by `make prepare` (dbt parse) or CI, never at import: the assets are
built by `build_dbt_assets()` when the code location loads.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration import dbt_parse_state
from orchestration.dbt_reuse import build_metadata, reused_outputs, unchanged_build
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.table_metadata import table_metadata

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)


class ManifestMissingError(FileNotFoundError):
    pass


class MindPulseTranslator(DagsterDbtTranslator):
    """Models are keyed <schema>/<name> (e.g. marts/fct_signals), the same in every warehouse.

    Sources map to the raw assets through `meta.dagster.asset_key` in their YAML, which the
    default translator honours; nothing here lists models or paths.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        meta = dbt_resource_props.get("meta") or {}
        if dbt_resource_props["resource_type"] == "source" or "asset_key" in meta.get(
            "dagster", {}
        ):
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "extract"
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


def _with_table_metadata(
    context: dg.AssetExecutionContext, events: list[Any], warehouse: dg.ResourceParam[Warehouse]
) -> Iterator[Any]:
    """Add row counts and column schemas to each materialization, read after dbt has exited.

    Reading while dbt runs would need a second connection to a DuckDB file that a dbt
    subprocess holds for writing, which DuckDB does not allow.
    """
    with warehouse.get_connection() as conn:
        for event in events:
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                if len(key.path) == 2:
                    extra = table_metadata(conn, key.path[0], key.path[1])
                    event = event.with_metadata({**event.metadata, **extra})
            yield event


def _existing_tables(conn, keys) -> set[dg.AssetKey]:
    """The given <schema>/<name> asset keys whose relation exists in the warehouse."""
    rows = conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
    # Lower case: Snowflake's catalog spells unquoted names in upper case.
    present = {dg.AssetKey([schema.lower(), name.lower()]) for schema, name in rows}
    return {key for key in keys if key in present}


def _failure_summary(events: list[Any]) -> str:
    failed = [
        f"{e.asset_key.to_user_string()}: {e.check_name}"
        for e in events
        if isinstance(e, dg.AssetCheckResult) and not e.passed
    ]
    if not failed:
        return "dbt build failed before any test ran; see the dbt logs in this step."
    return "dbt tests failed, downstream assets were not built: " + "; ".join(failed)


# dbt models downstream of what the Python ML layer writes (dbt sources in the `ml` schema,
# e.g. ml.post_sentiment, read by fct_signals). They run as their own multi-asset, after those
# Python assets: marts/fct_reddit_posts -> ml/post_sentiment -> marts/fct_signals would
# otherwise be a cycle through one multi-asset. Dagster can split a subsettable multi-asset
# into steps itself, but it gives every dbt root its own step: the seed then builds alone, and
# dbt's indirect test selection runs the singular test that reads the seed and
# stg_cdc__pulse_indicators in that step, before the staging view exists (a fresh warehouse
# fails; an old one is checked against stale data), and every run pays one more dbt start-up.
# Splitting by lineage gives exactly two dbt steps, each one `dbt build` of its own models and
# tests, and names no model.
READS_ML_OUTPUTS = "source:ml+"
# dbt's unit tests check the models' SQL on fixed inputs, and the data tests of the seeds check
# reference files kept in this repository (tag reference_data): neither can fail on a new batch,
# and together they cost seconds of every run. They run where the SQL or the files change:
# `make test` (tests/dbt) and `dbt build` from the CLI. The pipeline's builds run the tests of
# the data, which are its blocking asset checks (a singular test that reads a seed together with
# loaded data, like the survey's documented pauses, is one of them).
PIPELINE_BUILD_ARGS = (
    # dbt's own log file at info level (what it ran and how it ended); debug level writes every
    # query and macro call, megabytes a build, and costs each build time.
    "--log-level-file",
    "info",
    "--exclude-resource-type",
    "unit_test",
    "--exclude",
    "tag:reference_data,test_type:generic",
)
DBT_STEPS = {
    # name: (select, exclude)
    "mindpulse_dbt": ("fqn:*", READS_ML_OUTPUTS),
    "mindpulse_dbt_after_ml": (READS_ML_OUTPUTS, None),
}


def build_dbt_assets(manifest_path: Path | None = None) -> list[dg.AssetsDefinition]:
    """The dbt project as two multi-assets: everything that reads only raw data and seeds, and
    the models downstream of the ML layer's tables (DBT_STEPS)."""
    manifest_path = manifest_path or DBT_PROJECT.manifest_path
    if not Path(manifest_path).is_file():
        raise ManifestMissingError(
            f"dbt manifest not found at {manifest_path}. Prepare it with `make prepare` "
            "(runs `dbt parse` in dbt_project/) and reload the code location."
        )
    return [
        _dbt_multi_asset(manifest_path, name, select, exclude)
        for name, (select, exclude) in DBT_STEPS.items()
    ]


def _dbt_multi_asset(
    manifest_path: Path, name: str, select: str, exclude: str | None
) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=manifest_path,
        project=DBT_PROJECT,
        dagster_dbt_translator=MindPulseTranslator(),
        name=name,
        select=select,
        exclude=exclude,
        pool=WAREHOUSE_POOL,
    )
    def dbt_step(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: dg.ResourceParam[Warehouse],
        settings: dg.ResourceParam[Settings],
    ):
        yield from _build(context, dbt, warehouse, settings)

    return dbt_step


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: dg.ResourceParam[Warehouse],
    settings: Settings,
) -> Iterator[Any]:
    """`dbt build` of the step's selection, or its tables as they are when nothing changed."""
    built_in = str(settings.duckdb_path) if settings.warehouse == "duckdb" else "snowflake"
    if settings.warehouse == "duckdb":
        with warehouse.get_connection() as conn:
            existing = _existing_tables(conn, context.selected_asset_keys)
        build = unchanged_build(context, warehouse=built_in, existing=existing)
        if build:
            context.log.info("dbt not run: inputs and code unchanged since its last green build")
            yield from _with_table_metadata(
                context, list(reused_outputs(context, build, built_in)), warehouse
            )
            return
    target_path = dbt_parse_state.new_target_path(settings.dbt_runs_dir, context)
    dbt_parse_state.restore(settings.dbt_parse_state_path, target_path)
    invocation = dbt.cli(
        ["build", *PIPELINE_BUILD_ARGS],
        context=context,
        raise_on_error=False,
        target_path=target_path,
    )
    events = list(invocation.stream())
    dbt_parse_state.save(target_path, settings.dbt_parse_state_path)
    dbt_parse_state.prune_invocations(settings.dbt_runs_dir)
    green = invocation.is_successful()
    events = [
        event.with_metadata({**event.metadata, **build_metadata(green, built_in)})
        if isinstance(event, dg.Output)
        else event
        for event in events
    ]
    if settings.warehouse == "duckdb":
        yield from _with_table_metadata(context, events, warehouse)
    else:
        yield from events
    if not green:
        raise dg.Failure(description=_failure_summary(events))
