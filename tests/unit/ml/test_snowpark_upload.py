"""The Snowpark writer in Snowpark's local testing mode: frames of the ML contracts (and a raw
batch) reach their scratch table with every value, NULLs and dates included.

Production writes every frame through Snowpark (MINDPULSE_SNOWFLAKE_UPLOAD=snowpark); the
end-to-end Snowflake test runs against fakesnow, where Snowpark cannot run, so this is where
the Snowpark path itself is proven. What happens after the upload (one transaction of DELETE
and INSERT ... SELECT CAST) is the same SQL as with the stage upload, which the fakesnow tests
run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from snowflake.snowpark import Session

from extract.cdc_pulse import extract_cdc_pulse
from extract.snowpark_upload import SnowparkUpload
from ml_assets.ml_tables import FORECAST_COLUMNS, POST_SENTIMENT_COLUMNS


@pytest.fixture(scope="module")
def session():
    local = (
        Session.builder.config("local_testing", True)
        .config("database", "MINDPULSE")
        .config("schema", "RAW")
        .create()
    )
    yield local
    local.close()


def _forecast_frame() -> pd.DataFrame:
    created = pd.Timestamp("2026-06-01 08:00:00")
    return pd.DataFrame(
        {
            "series_key": ["cdc|anxiety|national", "cdc|anxiety|national"],
            "source": ["cdc_pulse", "cdc_pulse"],
            "signal": ["anxiety", "anxiety"],
            "group_type": ["national", "national"],
            "group_value": ["United States", None],
            "ds": [dt.date(2026, 5, 25), dt.date(2026, 6, 1)],
            "y": [31.5, np.nan],
            "yhat": [31.0, 30.2],
            "yhat_lower": [29.0, 27.9],
            "yhat_upper": [33.0, 32.6],
            "is_forecast": [False, True],
            "model_name": ["auto_ets", "auto_ets"],
            "input_hash": ["ab" * 32, "ab" * 32],
            "model_version": ["forecast-3", "forecast-3"],
            "run_id": ["run-1", "run-1"],
            "created_at": [created, created],
        }
    )[list(FORECAST_COLUMNS)]


def _read_back(session: Session, name: str) -> pd.DataFrame:
    return session.table(["MINDPULSE", "RAW", name.upper()]).to_pandas().rename(columns=str.lower)


def test_a_forecast_frame_arrives_with_every_value_and_null(session: Session):
    frame = _forecast_frame()
    SnowparkUpload(session)("raw.forecasts_scratch", frame)
    back = _read_back(session, "forecasts_scratch")
    assert list(back.columns) == list(frame.columns)
    assert back["group_value"].tolist() == ["United States", None]
    assert back["y"].iloc[0] == 31.5 and pd.isna(back["y"].iloc[1])
    assert [pd.Timestamp(d).date() for d in back["ds"]] == list(frame["ds"])
    assert back["is_forecast"].tolist() == [False, True]
    assert pd.to_datetime(back["created_at"]).tolist() == frame["created_at"].tolist()


def test_uploading_again_replaces_the_scratch_table(session: Session):
    upload = SnowparkUpload(session)
    upload("raw.replaced_scratch", _forecast_frame())
    upload("raw.replaced_scratch", _forecast_frame().iloc[:1])
    assert len(_read_back(session, "replaced_scratch")) == 1


def test_an_empty_frame_still_gives_its_columns(session: Session):
    empty = pd.DataFrame({name: pd.Series(dtype=object) for name in POST_SENTIMENT_COLUMNS})
    SnowparkUpload(session)("raw.empty_scratch", empty)
    back = _read_back(session, "empty_scratch")
    assert back.empty and list(back.columns) == list(POST_SENTIMENT_COLUMNS)


def test_a_raw_batch_arrives_row_for_row(session: Session):
    batch = extract_cdc_pulse("sample", sample_scale=0.3)
    SnowparkUpload(session)("raw.cdc_scratch", batch.rows)
    back = _read_back(session, "cdc_scratch")
    assert len(back) == len(batch.rows) > 100
    key = ["indicator", "group_name", "subgroup", "time_period"]
    mine = batch.rows.sort_values(key).reset_index(drop=True)
    theirs = back.sort_values(key).reset_index(drop=True)
    assert theirs["value"].astype(float).equals(mine["value"].astype(float))
    assert theirs["subgroup"].tolist() == mine["subgroup"].tolist()
