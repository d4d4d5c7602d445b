"""The forecast tables as Dagster assets: a thin wrapper around ml_assets.forecast.

Each series' result is stored under the hash of its inputs; a run fits only the series whose
inputs changed and takes the rest from the warehouse. The assets' code version is the model
version and their data version the hash over every series' inputs, so Dagster marks them stale
exactly when a forecast would change.
"""

import dagster as dg
import pandas as pd

from ml_assets.forecast import MODEL_VERSION, ForecastRun, forecast_all
from ml_assets.ml_tables import read_stored_results, write_ml_tables
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings
from orchestration.table_metadata import table_metadata

FCT_SIGNALS_KEY = dg.AssetKey([MARTS_SCHEMA, "fct_signals"])
FORECASTS_KEY = dg.AssetKey([ML_SCHEMA, "forecasts"])
FORECAST_METRICS_KEY = dg.AssetKey([ML_SCHEMA, "forecast_metrics"])
FORECAST_CANDIDATES_KEY = dg.AssetKey([ML_SCHEMA, "forecast_candidates"])

_TABLE_KEYS = {
    "forecasts": FORECASTS_KEY,
    "forecast_metrics": FORECAST_METRICS_KEY,
    "forecast_candidates": FORECAST_CANDIDATES_KEY,
}
_DESCRIPTIONS = {
    "forecasts": "History, in-sample fit and 90-day forecast with 80% intervals, per series, "
    "from the model its backtest chose (model_name).",
    "forecast_metrics": "One row per series: the chosen model and its accuracy on backtest folds "
    "that did not choose it: MAE, RMSE, MAPE, MASE, MAE relative to naive, 80% interval "
    "coverage, and how the folds were laid out.",
    "forecast_candidates": "Every candidate's own backtest per series (not nested), for "
    "comparison: folds, MAE, MAE relative to naive, interval coverage, fitting seconds.",
}


def reuse_metadata(run: ForecastRun) -> dict[str, dg.MetadataValue]:
    return {
        "series_reused": dg.MetadataValue.int(run.series_reused),
        "series_fitted": dg.MetadataValue.int(run.series_fitted),
        "seconds_by_candidate": dg.MetadataValue.json(run.seconds_by_candidate),
    }


def accuracy_metadata(metrics: pd.DataFrame) -> dict[str, dg.MetadataValue]:
    """The backtest in numbers a reader scans first: national series, medians, chosen models."""
    national = metrics[metrics["group_type"] == "national"]
    table = national[
        [
            "signal",
            "model_name",
            "n_scored_folds",
            "scored_points",
            "mae",
            "relative_mae",
            "mase",
            "naive_mase",
            "interval_coverage_80",
        ]
    ]

    def median(column: str) -> float:
        value = metrics[column].median()
        return float(value) if pd.notna(value) else float("nan")

    return {
        "series_forecast": dg.MetadataValue.int(len(metrics)),
        "series_beating_naive": dg.MetadataValue.int(int((metrics["relative_mae"] < 1).sum())),
        "median_relative_mae": dg.MetadataValue.float(median("relative_mae")),
        "median_interval_coverage_80": dg.MetadataValue.float(median("interval_coverage_80")),
        "chosen_models": dg.MetadataValue.json(
            {str(k): int(v) for k, v in metrics["model_name"].value_counts().items()}
        ),
        "national_backtest": dg.MetadataValue.md(table.round(3).to_markdown(index=False)),
        "fold_layout": dg.MetadataValue.text(
            national["backtest_note"].iloc[0] if len(national) else ""
        ),
        "cadence_note": dg.MetadataValue.text(
            national["cadence_note"].iloc[0] if len(national) else ""
        ),
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[FCT_SIGNALS_KEY],
            group_name="ml",
            kinds={"statsforecast", "prophet", "duckdb"},
            description=_DESCRIPTIONS[name],
            code_version=MODEL_VERSION,
        )
        for name, key in _TABLE_KEYS.items()
    ],
    pool=WAREHOUSE_POOL,
)
def signal_forecasts(
    context: dg.AssetExecutionContext,
    warehouse: dg.ResourceParam[Warehouse],
    settings: dg.ResourceParam[Settings],
):
    with warehouse.get_connection() as conn:
        signals = conn.execute(f"select * from {MARTS_SCHEMA}.fct_signals").df()
        run = forecast_all(
            signals,
            run_id=context.run.run_id,
            stored=lambda hashes: read_stored_results(conn, schema=ML_SCHEMA, input_hashes=hashes),
            n_jobs=settings.forecast_jobs,
        )
        write_ml_tables(conn, run.tables(), schema=ML_SCHEMA)
        described = {name: table_metadata(conn, ML_SCHEMA, name) for name in _TABLE_KEYS}
    context.log.info(
        f"{MODEL_VERSION}: {run.series_reused} series reused, {run.series_fitted} fitted"
    )
    extra = {"forecast_metrics": accuracy_metadata(run.metrics)}
    for name, key in _TABLE_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={**described[name], **reuse_metadata(run), **extra.get(name, {})},
            data_version=dg.DataVersion(run.data_version),
        )
