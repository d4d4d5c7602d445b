"""write_ml_tables and read_stored_results: contract types, replace on re-run, all-or-nothing
on failure, stored rows found by input hash."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from ml_assets.ml_tables import (
    CANDIDATE_COLUMNS,
    FORECAST_COLUMNS,
    METRIC_COLUMNS,
    read_stored_results,
    write_ml_tables,
)

ML = "ml"


def forecasts_frame(run_id: str, n: int = 3, input_hash: str = "h1") -> pd.DataFrame:
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
            "model_name": "auto_ets",
            "input_hash": input_hash,
            "model_version": "selected-forecast/v2",
            "run_id": run_id,
            "created_at": datetime(2024, 10, 1, 8, 0),
        }
    )[list(FORECAST_COLUMNS)]


def metrics_frame(run_id: str, input_hash: str = "h1") -> pd.DataFrame:
    row = {c: None for c in METRIC_COLUMNS}
    row.update(
        series_key="k",
        source="cdc_pulse",
        signal="anxiety",
        group_type="national",
        group_value="United States",
        n_obs=39,
        train_start=pd.Timestamp("2021-07-21"),
        train_end=pd.Timestamp("2024-08-20"),
        step_days=28,
        horizon_periods=4,
        n_folds=3,
        mae=1.7,
        mase=2.0,
        naive_mae=1.69,
        naive_mase=2.03,
        beats_naive=False,
        model_name="auto_ets",
        relative_mae=1.006,
        interval_coverage_80=0.75,
        cadence_note="note",
        input_hash=input_hash,
        model_version="selected-forecast/v2",
        run_id=run_id,
        created_at=datetime(2024, 10, 1, 8, 0),
    )
    return pd.DataFrame([row])


def test_tables_have_contract_types_and_rerun_replaces():
    conn = duckdb.connect()
    first = write_ml_tables(
        conn,
        {"forecasts": forecasts_frame("r1", 5), "forecast_metrics": metrics_frame("r1")},
        schema=ML,
    )
    assert first == {"forecasts": 5, "forecast_metrics": 1}
    again = write_ml_tables(
        conn,
        {"forecasts": forecasts_frame("r2", 3), "forecast_metrics": metrics_frame("r2")},
        schema=ML,
    )
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
    write_ml_tables(
        conn,
        {"forecasts": forecasts_frame("old", 4), "forecast_metrics": metrics_frame("old")},
        schema=ML,
    )
    broken = metrics_frame("new").assign(n_obs="thirty-nine")  # cannot be cast to INTEGER
    with pytest.raises(duckdb.Error):
        write_ml_tables(
            conn, {"forecasts": forecasts_frame("new", 2), "forecast_metrics": broken}, schema=ML
        )
    assert conn.sql("select run_id, count(*) from ml.forecasts group by all").fetchall() == [
        ("old", 4)
    ]
    assert conn.sql("select run_id from ml.forecast_metrics").fetchall() == [("old",)]


def test_wrong_columns_are_rejected_before_anything_is_written():
    conn = duckdb.connect()
    with pytest.raises(ValueError, match="do not match the contract"):
        write_ml_tables(
            conn, {"forecasts": forecasts_frame("r1").drop(columns=["run_id"])}, schema=ML
        )
    with pytest.raises(ValueError, match="unknown ml table"):
        write_ml_tables(conn, {"segments": pd.DataFrame()}, schema=ML)
    schemas = "select count(*) from information_schema.schemata where schema_name = 'ml'"
    assert conn.execute(schemas).fetchone() == (0,)


def test_stored_results_are_found_by_input_hash_in_every_table():
    conn = duckdb.connect()
    forecasts = pd.concat([forecasts_frame("r1", 3, "h1"), forecasts_frame("r1", 2, "h2")])
    metrics = pd.concat([metrics_frame("r1", "h1"), metrics_frame("r1", "h2")])
    write_ml_tables(conn, {"forecasts": forecasts, "forecast_metrics": metrics}, schema=ML)
    # forecast_candidates was never written: a table missing from the warehouse means no reuse.
    assert all(f.empty for f in read_stored_results(conn, schema=ML, input_hashes=["h1"]).values())
    conn.execute("create table ml.forecast_candidates as select * from ml.forecast_metrics limit 0")
    assert all(f.empty for f in read_stored_results(conn, schema=ML, input_hashes=["h1"]).values())
    ddl = ", ".join(f"{c} {t}" for c, t in CANDIDATE_COLUMNS.items())
    conn.execute(f"create or replace table ml.forecast_candidates ({ddl})")
    stored = read_stored_results(conn, schema=ML, input_hashes=["h2", "h-unknown"])
    assert len(stored["forecasts"]) == 2 and set(stored["forecasts"]["input_hash"]) == {"h2"}
    assert stored["forecast_metrics"]["input_hash"].tolist() == ["h2"]
    assert list(stored["forecasts"].columns) == list(FORECAST_COLUMNS)


def test_an_older_table_layout_is_never_reused():
    conn = duckdb.connect()
    write_ml_tables(
        conn,
        {"forecasts": forecasts_frame("r1"), "forecast_metrics": metrics_frame("r1")},
        schema=ML,
    )
    conn.execute("alter table ml.forecast_metrics drop column relative_mae")
    stored = read_stored_results(conn, schema=ML, input_hashes=["h1"])
    assert all(frame.empty for frame in stored.values())
