"""Until the Reddit extract lands: raw/reddit_posts as an asset that only ensures the table.

The Reddit extract (extract/reddit, registered in extract_assets.RAW_ASSETS under 'reddit' by
build_raw_asset) owns raw.reddit_posts. Until it is part of the code location, the dbt models
and the sentiment asset downstream of raw/reddit_posts still need the table to exist, so this
asset creates it, empty, with the extract's contract (extract/reddit/records.py plus the load
columns) and reports what it holds. Rows written by anything else (a test, a replay) stay.

definitions.py registers it only while RAW_ASSETS has no 'reddit' asset, so the extract's own
asset replaces it without another change; delete this module once the extract is merged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import dagster as dg
from dagster_duckdb import DuckDBResource

from extract.raw_load import LOAD_COLUMNS
from extract.reddit.records import RAW_CONTRACT
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import RAW_SCHEMA
from orchestration.table_metadata import duckdb_table_metadata

REDDIT_POSTS_KEY = dg.AssetKey([RAW_SCHEMA, RAW_CONTRACT.table])


def ensure_reddit_posts(conn) -> str:
    """Create raw.reddit_posts with the contract's columns if missing; its data version."""
    table = f"{RAW_SCHEMA}.{RAW_CONTRACT.table}"
    ddl = ", ".join(f"{name} {type_}" for name, type_ in RAW_CONTRACT.columns + LOAD_COLUMNS)
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({ddl})")
    [(rows, batches, newest)] = conn.execute(
        f"select count(*), string_agg(distinct _batch_id, ',' order by _batch_id), "
        f"max(_loaded_at) from {table}"
    ).fetchall()
    return hashlib.sha256(f"{rows}|{batches}|{newest}".encode()).hexdigest()


@dg.asset(
    key=REDDIT_POSTS_KEY,
    group_name="extract",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Reddit posts of mental-health communities. Placeholder until the Reddit extract is "
        "merged: ensures raw.reddit_posts exists with the extract's columns and loads nothing."
    ),
)
def reddit_posts_placeholder(warehouse: DuckDBResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        version = ensure_reddit_posts(conn)
        metadata = duckdb_table_metadata(conn, RAW_SCHEMA, RAW_CONTRACT.table)
    return dg.MaterializeResult(
        metadata={**metadata, "placeholder": "the Reddit extract is not part of this build yet"},
        data_version=dg.DataVersion(version),
    )


def raw_placeholders(raw_assets: Mapping[str, dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The placeholder while no raw asset of the Reddit source is registered, else nothing."""
    return [] if RAW_CONTRACT.source in raw_assets else [reddit_posts_placeholder]
