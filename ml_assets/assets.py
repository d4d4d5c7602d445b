"""Dagster assets for the ML tables: thin wrappers around the plain functions of ml_assets."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from ml_assets.forecast import MODEL_VERSION, forecast_all
from ml_assets.ml_tables import write_ml_tables
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA
from orchestration.table_metadata import duckdb_table_metadata

FCT_SIGNALS_KEY = dg.AssetKey([MARTS_SCHEMA, "fct_signals"])
FORECASTS_KEY = dg.AssetKey([ML_SCHEMA, "forecasts"])
FORECAST_METRICS_KEY = dg.AssetKey([ML_SCHEMA, "forecast_metrics"])


def _backtest_summary(metrics: pd.DataFrame) -> dict[str, dg.MetadataValue]:
    national = metrics[metrics["group_type"] == "national"]
    table = national[["signal", "n_obs", "n_folds", "mae", "mape", "mase", "naive_mase"]]
    return {
        "series_forecast": dg.MetadataValue.int(len(metrics)),
        "series_beating_naive": dg.MetadataValue.int(int(metrics["beats_naive"].sum())),
        "median_mase": dg.MetadataValue.float(float(metrics["mase"].median())),
        "median_naive_mase": dg.MetadataValue.float(float(metrics["naive_mase"].median())),
        "national_backtest": dg.MetadataValue.md(table.round(3).to_markdown(index=False)),
        "cadence_note": dg.MetadataValue.text(
            national["cadence_note"].iloc[0] if len(national) else ""
        ),
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            FORECASTS_KEY,
            deps=[FCT_SIGNALS_KEY],
            group_name="ml",
            kinds={"prophet", "duckdb"},
            description="History, in-sample fit and 90-day Prophet forecast with 80% intervals.",
        ),
        dg.AssetSpec(
            FORECAST_METRICS_KEY,
            deps=[FCT_SIGNALS_KEY],
            group_name="ml",
            kinds={"prophet", "duckdb"},
            description="Rolling-origin backtest per series: MAE, RMSE, MAPE, MASE vs naive.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def signal_forecasts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    with warehouse.get_connection() as conn:
        signals = conn.execute(f"select * from {MARTS_SCHEMA}.fct_signals").df()
    forecasts, metrics = forecast_all(signals, run_id=context.run.run_id)
    context.log.info(f"{MODEL_VERSION}: {len(metrics)} series forecast")
    with warehouse.get_connection() as conn:
        write_ml_tables(conn, {"forecasts": forecasts, "forecast_metrics": metrics})
        forecasts_meta = duckdb_table_metadata(conn, ML_SCHEMA, "forecasts")
        metrics_meta = duckdb_table_metadata(conn, ML_SCHEMA, "forecast_metrics")
    yield dg.MaterializeResult(
        asset_key=FORECASTS_KEY,
        metadata={**forecasts_meta, "model_version": MODEL_VERSION},
    )
    yield dg.MaterializeResult(
        asset_key=FORECAST_METRICS_KEY,
        metadata={**metrics_meta, **_backtest_summary(metrics), "model_version": MODEL_VERSION},
    )
