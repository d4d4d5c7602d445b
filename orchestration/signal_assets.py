"""Cross-source assets over marts.fct_signals: which signals move together or lead, and which
weeks are unusual. Thin wrappers around ml_assets.relationships and ml_assets.anomalies.

Both read every signal the mart holds, whatever its source, so a new source's signals join
them without code here. The anomaly asset carries a warning check on each series' newest
period: something to look at, never a reason to hold the dashboard back.
"""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from ml_assets.anomalies import ANOMALY_TABLES, SIGNAL_ANOMALIES, find_anomalies, newest_anomalies
from ml_assets.ml_tables import write_tables
from ml_assets.relationships import (
    RELATIONSHIP_TABLES,
    SIGNAL_LAG_CORRELATIONS,
    SIGNAL_RELATIONSHIPS,
    relate_signals,
)
from orchestration.forecast_assets import FCT_SIGNALS_KEY
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings
from orchestration.table_metadata import duckdb_table_metadata

RELATIONSHIP_KEYS = {
    name: dg.AssetKey([ML_SCHEMA, name]) for name in (SIGNAL_RELATIONSHIPS, SIGNAL_LAG_CORRELATIONS)
}
ANOMALIES_KEY = dg.AssetKey([ML_SCHEMA, SIGNAL_ANOMALIES])
NEWEST_CHECK = "newest_period_not_anomalous"
_DESCRIPTIONS = {
    SIGNAL_RELATIONSHIPS: "One row per pair of weekly signals from different sources with "
    "enough common weeks (MINDPULSE_RELATIONSHIP_MIN_WEEKS): the lag (-8..+8 weeks) at which "
    "their detrended, differenced series correlate most, the correlation, the threshold it "
    "must pass (Bartlett's variance for autocorrelated series, Bonferroni over the lags and "
    "pairs), and the relationship in words. Association in time, never cause.",
    SIGNAL_LAG_CORRELATIONS: "Every compared pair's correlation at each lag from -8 to +8 "
    "weeks, with its threshold: the lag chart of the Compare signals page.",
}


def _read_signals(conn) -> pd.DataFrame:
    return conn.execute(f"select * from {MARTS_SCHEMA}.fct_signals").df()


def _strongest_table(relationships: pd.DataFrame, limit: int = 10) -> str:
    if relationships.empty:
        return "No pair of weekly signals from different sources shares enough weeks."
    top = relationships.assign(strength=relationships["correlation"].abs())
    top = top.sort_values(["significant", "strength"], ascending=False).head(limit)
    columns = ["series_a", "series_b", "best_lag_weeks", "correlation", "threshold", "significant"]
    return top[columns].round(3).to_markdown(index=False)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[FCT_SIGNALS_KEY],
            group_name="ml",
            kinds={"python", "duckdb"},
            description=_DESCRIPTIONS[name],
        )
        for name, key in RELATIONSHIP_KEYS.items()
    ],
    pool=WAREHOUSE_POOL,
)
def signal_relationships(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    settings: dg.ResourceParam[Settings],
):
    with warehouse.get_connection() as conn:
        result = relate_signals(
            _read_signals(conn),
            min_overlap_weeks=settings.relationship_min_weeks,
            run_id=context.run.run_id,
        )
        write_tables(conn, result.tables(), RELATIONSHIP_TABLES, schema=ML_SCHEMA)
        metadata = {
            name: duckdb_table_metadata(conn, ML_SCHEMA, name) for name in RELATIONSHIP_KEYS
        }
    relationships = result.relationships
    significant = int(relationships["significant"].sum()) if len(relationships) else 0
    context.log.info(f"{len(relationships)} pairs compared, {significant} significant")
    summary = {
        "pairs_compared": dg.MetadataValue.int(len(relationships)),
        "significant_pairs": dg.MetadataValue.int(significant),
        "min_overlap_weeks": dg.MetadataValue.int(settings.relationship_min_weeks),
        "strongest": dg.MetadataValue.md(_strongest_table(relationships)),
    }
    for name, key in RELATIONSHIP_KEYS.items():
        extra = summary if name == SIGNAL_RELATIONSHIPS else {}
        yield dg.MaterializeResult(asset_key=key, metadata={**metadata[name], **extra})


@dg.asset(
    key=ANOMALIES_KEY,
    deps=[FCT_SIGNALS_KEY],
    group_name="ml",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Periods where a signal left its robust baseline (median of the previous 12 periods "
        "+- 3.5 x 1.4826 x MAD; known survey redesigns are not anomalies): one row per "
        "flagged period, marked on the Compare signals page."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            NEWEST_CHECK,
            asset=ANOMALIES_KEY,
            description=(
                "Warns when a signal's newest period is anomalous: worth a look before "
                "reading the latest figures, never a reason to stop the dashboard."
            ),
            blocking=False,
        )
    ],
)
def signal_anomalies(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    with warehouse.get_connection() as conn:
        anomalies = find_anomalies(_read_signals(conn), run_id=context.run.run_id)
        write_tables(conn, {SIGNAL_ANOMALIES: anomalies}, ANOMALY_TABLES, schema=ML_SCHEMA)
        metadata = duckdb_table_metadata(conn, ML_SCHEMA, SIGNAL_ANOMALIES)
    newest = newest_anomalies(anomalies)
    yield dg.MaterializeResult(
        asset_key=ANOMALIES_KEY,
        metadata={
            **metadata,
            "periods_flagged": dg.MetadataValue.int(len(anomalies)),
            "series_flagged": dg.MetadataValue.int(anomalies["series_key"].nunique()),
            "newest_periods_flagged": dg.MetadataValue.int(len(newest)),
        },
    )
    yield dg.AssetCheckResult(
        asset_key=ANOMALIES_KEY,
        check_name=NEWEST_CHECK,
        passed=newest.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            None
            if newest.empty
            else f"{len(newest)} signal(s) unusual in their newest period: "
            + ", ".join(newest["series_key"].head(5))
        ),
        metadata={
            "newest_anomalies": dg.MetadataValue.md(
                newest[["series_key", "period_start", "value", "expected", "direction"]]
                .round(2)
                .to_markdown(index=False)
                if len(newest)
                else "none"
            )
        },
    )
