"""write_ml_tables: contract types, replace on re-run, all-or-nothing on failure."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from ml_assets.ml_tables import FORECAST_COLUMNS, METRIC_COLUMNS, write_ml_tables


def forecasts_frame(run_id: str, n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_key": "cdc_pulse|anxiety|national|United States",
            "source": "cdc_pulse",
            "signal": "anxiety",
            "group_type": "national",
            "group_value": "United States",
            "ds": pd.date_range("2024-07-23", periods=n, freq="28D"),
            "y": [17.5] + [None] * (n - 1),
            "yhat": 17.2,
            "yhat_lower": 15.7,
            "yhat_upper": 18.7,
            "is_forecast": [False] + [True] * (n - 1),
            "model_version": "prophet-1.5.0/v1",
            "run_id": run_id,
            "created_at": datetime(2024, 10, 1, 8, 0),
        }
    )[list(FORECAST_COLUMNS)]


def metrics_frame(run_id: str) -> pd.DataFrame:
    row = {c: None for c in METRIC_COLUMNS}
    row.update(series_key="k", source="cdc_pulse", signal="anxiety", group_type="national",
               group_value="United States", n_obs=39, train_start=pd.Timestamp("2021-07-21"),
               train_end=pd.Timestamp("2024-08-20"), step_days=28, horizon_periods=4, n_folds=3,
               mae=1.7, mase=2.0, naive_mae=1.69, naive_mase=2.03, beats_naive=False,
               cadence_note="note", model_version="prophet-1.5.0/v1", run_id=run_id,
               created_at=datetime(2024, 10, 1, 8, 0))  # fmt: skip
    return pd.DataFrame([row])


def test_tables_have_contract_types_and_rerun_replaces():
    conn = duckdb.connect()
    first = write_ml_tables(conn, {"forecasts": forecasts_frame("r1", 5),
                                   "forecast_metrics": metrics_frame("r1")})  # fmt: skip
    assert first == {"forecasts": 5, "forecast_metrics": 1}
    again = write_ml_tables(conn, {"forecasts": forecasts_frame("r2", 3),
                                   "forecast_metrics": metrics_frame("r2")})  # fmt: skip
    assert again == {"forecasts": 3, "forecast_metrics": 1}
    assert conn.sql("select run_id, count(*) from ml.forecasts group by all").fetchall() == [
        ("r2", 3)
    ]
    assert conn.sql("select run_id from ml.forecast_metrics").fetchall() == [("r2",)]
    types = dict(
        conn.sql(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ml' and table_name = 'forecasts' order by ordinal_position"
        ).fetchall()
    )
    assert types == FORECAST_COLUMNS
    assert conn.execute("select count(*) from ml.forecasts where y is null").fetchone() == (2,)


def test_failure_in_second_table_leaves_both_old_tables():
    conn = duckdb.connect()
    write_ml_tables(conn, {"forecasts": forecasts_frame("old", 4),
                           "forecast_metrics": metrics_frame("old")})  # fmt: skip
    broken = metrics_frame("new").assign(n_obs="thirty-nine")  # cannot be cast to INTEGER
    with pytest.raises(duckdb.Error):
        write_ml_tables(conn, {"forecasts": forecasts_frame("new", 2), "forecast_metrics": broken})
    assert conn.sql("select run_id, count(*) from ml.forecasts group by all").fetchall() == [
        ("old", 4)
    ]
    assert conn.sql("select run_id from ml.forecast_metrics").fetchall() == [("old",)]


def test_wrong_columns_are_rejected_before_anything_is_written():
    conn = duckdb.connect()
    with pytest.raises(ValueError, match="do not match the contract"):
        write_ml_tables(conn, {"forecasts": forecasts_frame("r1").drop(columns=["run_id"])})
    with pytest.raises(ValueError, match="unknown ml table"):
        write_ml_tables(conn, {"segments": pd.DataFrame()})
    schemas = "select count(*) from information_schema.schemata where schema_name = 'ml'"
    assert conn.execute(schemas).fetchone() == (0,)
