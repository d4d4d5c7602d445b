"""Cross-source assets over marts.fct_signals: which signals move together or lead, and which
weeks are unusual. Thin wrappers around ml_assets.relationships and ml_assets.anomalies.

Both read every signal the mart holds, whatever its source, so a new source's signals join
them without code here. Each keeps its stored tables when fct_signals, its settings and its
model version hash as before (ml_assets.signal_tables). The anomaly asset carries a warning
check on each series' newest period: something to look at, never a reason to hold the dashboard
back.
"""

import dagster as dg
import pandas as pd

from extract.batch import utc_now_naive
from ml_assets.anomalies import SIGNAL_ANOMALIES, find_anomalies
from ml_assets.ml_tables import write_tables
from ml_assets.relationships import SIGNAL_LAG_CORRELATIONS, SIGNAL_RELATIONSHIPS, relate_signals
from ml_assets.signal_tables import (
    ANOMALY_RUNS,
    ANOMALY_TABLES_WITH_RUNS,
    ANOMALY_VERSION,
    RELATIONSHIP_RUNS,
    RELATIONSHIP_TABLES_WITH_RUNS,
    RELATIONSHIP_VERSION,
    newest_anomalies_stored,
    run_frame,
    signals_input_hash,
    stored_run,
)
from orchestration.forecast_assets import FCT_SIGNALS_KEY
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings
from orchestration.table_metadata import table_metadata

RELATIONSHIP_KEYS = {
    name: dg.AssetKey([ML_SCHEMA, name])
    for name in (SIGNAL_RELATIONSHIPS, SIGNAL_LAG_CORRELATIONS, RELATIONSHIP_RUNS)
}
ANOMALY_KEYS = {name: dg.AssetKey([ML_SCHEMA, name]) for name in (SIGNAL_ANOMALIES, ANOMALY_RUNS)}
ANOMALIES_KEY = ANOMALY_KEYS[SIGNAL_ANOMALIES]
NEWEST_CHECK = "newest_period_not_anomalous"
# Robust baseline: the median of the previous 12 periods, a flag beyond 3.5 robust z.
ANOMALY_SETTINGS = {"window_periods": 12, "min_history": 8, "threshold": 3.5}
MAX_LAG_WEEKS, ALPHA = 8, 0.05
_DESCRIPTIONS = {
    SIGNAL_RELATIONSHIPS: "One row per pair of weekly signals from different sources with "
    "enough common weeks (MINDPULSE_RELATIONSHIP_MIN_WEEKS): the lag (-8..+8 weeks) at which "
    "their detrended, differenced series correlate most, the correlation, the threshold it "
    "must pass (Bartlett's variance for autocorrelated series, Bonferroni over the lags and "
    "pairs), and the relationship in words. Association in time, never cause.",
    SIGNAL_LAG_CORRELATIONS: "Every compared pair's correlation at each lag from -8 to +8 "
    "weeks, with its threshold: the lag chart of the Compare signals page.",
    RELATIONSHIP_RUNS: "The lead/lag analysis's settings, figures and input hash (one row).",
    SIGNAL_ANOMALIES: "Periods where a signal left its robust baseline (median of the previous "
    "12 periods +- 3.5 x 1.4826 x MAD; known survey redesigns are not anomalies): one row per "
    "flagged period, marked on the Compare signals page.",
    ANOMALY_RUNS: "The anomaly search's settings, figures and input hash (one row).",
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


def _specs(keys: dict[str, dg.AssetKey]) -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key,
            deps=[FCT_SIGNALS_KEY],
            group_name="ml",
            kinds={"python", "duckdb"},
            description=_DESCRIPTIONS[name],
        )
        for name, key in keys.items()
    ]


@dg.multi_asset(specs=_specs(RELATIONSHIP_KEYS), pool=WAREHOUSE_POOL)
def signal_relationships(
    context: dg.AssetExecutionContext,
    warehouse: dg.ResourceParam[Warehouse],
    settings: dg.ResourceParam[Settings],
):
    options = {
        "min_overlap_weeks": settings.relationship_min_weeks,
        "max_lag": MAX_LAG_WEEKS,
        "alpha": ALPHA,
    }
    with warehouse.get_connection() as conn:
        signals = _read_signals(conn)
        digest = signals_input_hash(signals, model_version=RELATIONSHIP_VERSION, settings=options)
        run = stored_run(
            conn,
            schema=ML_SCHEMA,
            tables=RELATIONSHIP_TABLES_WITH_RUNS,
            runs_table=RELATIONSHIP_RUNS,
            input_hash=digest,
        )
        reused = run is not None
        if not reused:
            result = relate_signals(signals, **options, run_id=context.run.run_id)
            relationships = result.relationships
            figures = {
                **options,
                "pairs_compared": len(relationships),
                "significant_pairs": int(relationships["significant"].sum()),
            }
            row = run_frame(
                figures,
                input_hash=digest,
                model_version=RELATIONSHIP_VERSION,
                run_id=context.run.run_id,
                created_at=utc_now_naive(),
            )
            tables = {**result.tables(), RELATIONSHIP_RUNS: row}
            write_tables(conn, tables, RELATIONSHIP_TABLES_WITH_RUNS, schema=ML_SCHEMA)
            run = row.iloc[0].to_dict()
        strongest = conn.execute(f"select * from {ML_SCHEMA}.{SIGNAL_RELATIONSHIPS}").df()
        metadata = {name: table_metadata(conn, ML_SCHEMA, name) for name in RELATIONSHIP_KEYS}
    context.log.info(
        f"{RELATIONSHIP_VERSION}: {run['pairs_compared']} pairs compared, "
        f"{run['significant_pairs']} significant{' (stored, inputs unchanged)' if reused else ''}"
    )
    summary = {
        "pairs_compared": dg.MetadataValue.int(int(run["pairs_compared"])),
        "significant_pairs": dg.MetadataValue.int(int(run["significant_pairs"])),
        "min_overlap_weeks": dg.MetadataValue.int(int(run["min_overlap_weeks"])),
        "strongest": dg.MetadataValue.md(_strongest_table(strongest)),
        "reused": reused,
    }
    for name, key in RELATIONSHIP_KEYS.items():
        extra = summary if name == SIGNAL_RELATIONSHIPS else {}
        yield dg.MaterializeResult(asset_key=key, metadata={**metadata[name], **extra})


@dg.multi_asset(
    specs=_specs(ANOMALY_KEYS),
    pool=WAREHOUSE_POOL,
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
def signal_anomalies(context: dg.AssetExecutionContext, warehouse: dg.ResourceParam[Warehouse]):
    with warehouse.get_connection() as conn:
        signals = _read_signals(conn)
        digest = signals_input_hash(
            signals, model_version=ANOMALY_VERSION, settings=ANOMALY_SETTINGS
        )
        run = stored_run(
            conn,
            schema=ML_SCHEMA,
            tables=ANOMALY_TABLES_WITH_RUNS,
            runs_table=ANOMALY_RUNS,
            input_hash=digest,
        )
        reused = run is not None
        if not reused:
            anomalies = find_anomalies(
                signals,
                window=ANOMALY_SETTINGS["window_periods"],
                min_history=ANOMALY_SETTINGS["min_history"],
                threshold=ANOMALY_SETTINGS["threshold"],
                run_id=context.run.run_id,
            )
            figures = {
                **ANOMALY_SETTINGS,
                "periods_flagged": len(anomalies),
                "series_flagged": anomalies["series_key"].nunique(),
                "newest_flagged": int(anomalies["is_newest"].astype(bool).sum()),
            }
            row = run_frame(
                figures,
                input_hash=digest,
                model_version=ANOMALY_VERSION,
                run_id=context.run.run_id,
                created_at=utc_now_naive(),
            )
            tables = {SIGNAL_ANOMALIES: anomalies, ANOMALY_RUNS: row}
            write_tables(conn, tables, ANOMALY_TABLES_WITH_RUNS, schema=ML_SCHEMA)
            run = row.iloc[0].to_dict()
        newest = newest_anomalies_stored(conn, schema=ML_SCHEMA)
        metadata = {name: table_metadata(conn, ML_SCHEMA, name) for name in ANOMALY_KEYS}
    figures = {
        "periods_flagged": dg.MetadataValue.int(int(run["periods_flagged"])),
        "series_flagged": dg.MetadataValue.int(int(run["series_flagged"])),
        "newest_periods_flagged": dg.MetadataValue.int(int(run["newest_flagged"])),
        "reused": reused,
    }
    for name, key in ANOMALY_KEYS.items():
        extra = figures if name == SIGNAL_ANOMALIES else {}
        yield dg.MaterializeResult(asset_key=key, metadata={**metadata[name], **extra})
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
