"""Resources chosen by environment, in one place.

`MINDPULSE_WAREHOUSE` switches every layer together: the dbt target here, the warehouse the
Python assets write to, and (in dashboard/data.py) the dashboard connection.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration.settings import DBT_PROJECT_DIR, Settings

# Every asset that writes to the warehouse runs in this pool. With DuckDB (one writer process
# at a time) the pool limit is 1 - see orchestration/dagster.yaml - so two runs never write at once.
WAREHOUSE_POOL = "warehouse_writer"

# The dbt installed next to this interpreter, so nothing depends on an activated virtualenv.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")


def build_resources(settings: Settings) -> dict[str, Any]:
    """The resources every MindPulse asset may ask for, for the configured warehouse."""
    if settings.warehouse != "duckdb":
        raise dg.DagsterInvariantViolationError(
            "MINDPULSE_WAREHOUSE=snowflake selects the Snowflake dbt target and dashboard "
            "connection, but the Python extract and ML writers support DuckDB only so far. "
            "Run dbt against Snowflake with `cd dbt_project && dbt build --target snowflake`, "
            "or unset MINDPULSE_WAREHOUSE to run the whole pipeline on DuckDB."
        )
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "settings": dg.ResourceDefinition.hardcoded_resource(settings, "MindPulse settings"),
        "warehouse": DuckDBResource(database=str(settings.duckdb_path)),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            target=settings.warehouse,
            dbt_executable=str(DBT_EXECUTABLE),
        ),
    }
