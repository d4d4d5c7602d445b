"""Resources chosen by environment, in one place.

`MINDPULSE_WAREHOUSE` switches every layer together: the dbt target here, the warehouse the
Python assets write to (DuckDB here, Snowflake in orchestration/snowflake_warehouse.py), and
(in dashboard/warehouse.py) the dashboard connection.
"""

from __future__ import annotations

import contextlib
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging.version import Version

from orchestration.settings import DBT_PROJECT_DIR, Settings

# Every asset that writes to the warehouse runs in this pool. With DuckDB (one writer process
# at a time) the pool limit is 1 - see orchestration/dagster.yaml - so two runs never write at once.
WAREHOUSE_POOL = "warehouse_writer"

# The dbt installed next to this interpreter, so nothing depends on an activated virtualenv.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")


class Warehouse(Protocol):
    """What every asset that reads or writes the warehouse asks for: WarehouseResource (DuckDB)
    or orchestration.snowflake_warehouse.SnowflakeWarehouse. Their connections share one
    interface (extract.warehouse)."""

    def get_connection(self) -> contextlib.AbstractContextManager[Any]: ...


class LocalDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource, without two costs a local dbt Core run does not need.

    Before every invocation dagster-dbt runs `dbt --version` in a subprocess (5-8 s: it loads
    every installed adapter) and builds an in-process dbt adapter with all macros (3-4 s) that
    only its `fetch_row_counts` / `fetch_column_metadata` use. The dbt we run is the dbt-core
    installed next to this interpreter, so its version is in the package metadata, and table
    metadata comes from orchestration.table_metadata after dbt exits. Both overrides replace
    private methods of dagster-dbt 0.29; tests/deploy checks that they still exist.
    """

    @property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


class WarehouseResource(DuckDBResource):
    """dagster-duckdb's resource, closing its connection when the step fails too.

    DuckDBResource.get_connection closes the connection only when the `with` block ends
    normally; after an exception the connection lives as long as the traceback, keeping the
    file open in this process (a later connection with other options is refused). A failed
    load must leave nothing open.
    """

    @contextlib.contextmanager
    def get_connection(self):
        with contextlib.ExitStack() as stack:
            conn = stack.enter_context(super().get_connection())
            stack.callback(conn.close)  # runs on an exception too; closing twice is harmless
            yield conn


def build_resources(settings: Settings) -> dict[str, Any]:
    """The resources every MindPulse asset may ask for, for the configured warehouse."""
    return {
        "settings": dg.ResourceDefinition.hardcoded_resource(settings, "MindPulse settings"),
        "warehouse": warehouse_resource(settings),
        # No explicit target: the profile's default target follows MINDPULSE_WAREHOUSE, exactly
        # as for `make prepare` and a user's `dbt build`. dbt keys partial parsing on the
        # command-line target, so passing `--target` here would make every run parse the whole
        # project again instead of reusing the prepared target/partial_parse.msgpack.
        "dbt": LocalDbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=str(DBT_EXECUTABLE),
        ),
    }


def warehouse_resource(settings: Settings) -> Any:
    """The `warehouse` resource: connections with one interface (extract.warehouse) to the
    local DuckDB file, or to Snowflake through dagster-snowflake."""
    if settings.warehouse == "snowflake":
        assert settings.snowflake is not None  # load_settings refuses snowflake without it
        from orchestration.snowflake_warehouse import snowflake_warehouse

        return snowflake_warehouse(settings.snowflake)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    return WarehouseResource(database=str(settings.duckdb_path))
