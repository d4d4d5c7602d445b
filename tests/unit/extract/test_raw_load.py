"""Loading a batch into DuckDB's RAW layer: contract, replacement, atomicity, bookkeeping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import duckdb
import pytest

from extract import raw_load
from extract.batch import ExtractError, QuarantinedRecord
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.records import RAW_COLUMNS, RAW_CONTRACT
from extract.landing import land_payload
from extract.raw_load import LOAD_COLUMNS, load_batch
from tests.unit.extract.raw_counts import counts


@pytest.fixture(scope="module")
def sample_batch():
    return extract_cdc_pulse("sample", sample_scale=0.3)


def test_tables_follow_the_contract(warehouse, sample_batch, tmp_path):
    load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    described = warehouse.execute("DESCRIBE raw.cdc_pulse_indicators").fetchall()
    expected = [
        (name, type_.split()[0], "NO" if "NOT NULL" in type_ else "YES")
        for name, type_ in RAW_COLUMNS + LOAD_COLUMNS
    ]
    assert [(c[0], c[1], c[2]) for c in described] == expected
    quarantine = [c[:2] for c in warehouse.execute("DESCRIBE raw.quarantine").fetchall()]
    # Where the record is and what is wrong with it; never the record itself.
    assert quarantine == [
        ("source", "VARCHAR"),
        ("batch_id", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("reason", "VARCHAR"),
        ("field_names", "VARCHAR"),
        ("excerpt", "VARCHAR"),
        ("quarantined_at", "TIMESTAMP"),
    ]
    batches = [c[0] for c in warehouse.execute("DESCRIBE raw.load_batches").fetchall()]
    assert batches == [
        "source",
        "batch_id",
        "source_mode",
        "landing_path",
        "rows_in",
        "rows_loaded",
        "rows_quarantined",
        "loaded_at",
    ]


def test_loading_twice_gives_the_same_rows(warehouse, sample_batch, tmp_path):
    first = load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    after_first = counts(warehouse)
    second = load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    after_second = counts(warehouse)
    assert after_first[:2] == after_second[:2] == (len(sample_batch.rows), 3)
    assert after_second[2] == 2  # one bookkeeping row per load
    assert first.rows_loaded == second.rows_loaded == len(sample_batch.rows)
    assert first.rows_in == first.rows_loaded + first.rows_quarantined


def test_a_new_load_replaces_the_previous_one(
    warehouse, sample_batch, small_export_text, write_export, tmp_path
):
    load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    file_batch = extract_cdc_pulse("file", file_path=write_export(small_export_text))
    load_batch(warehouse, file_batch, tmp_path / "y.csv", RAW_CONTRACT)
    rows, quarantined, _, batch_ids = counts(warehouse)
    assert (rows, quarantined, batch_ids) == (8, 0, [file_batch.batch_id])
    modes = warehouse.execute(
        "SELECT DISTINCT _source_mode FROM raw.cdc_pulse_indicators"
    ).fetchall()
    assert modes == [("file",)]


def test_load_metadata_and_quarantine_rows(warehouse, sample_batch, tmp_path):
    landing = land_payload(sample_batch, tmp_path / "landing").path
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = load_batch(warehouse, sample_batch, landing, RAW_CONTRACT)
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert before <= result.loaded_at <= after and result.landing_path == landing
    batch_row = warehouse.execute("SELECT * FROM raw.load_batches").fetchall()
    assert batch_row == [
        (
            "cdc_pulse",
            sample_batch.batch_id,
            "sample",
            str(landing),
            sample_batch.rows_in,
            len(sample_batch.rows),
            3,
            result.loaded_at,
        )
    ]
    meta = warehouse.execute(
        "SELECT DISTINCT _batch_id, _loaded_at, _source_mode FROM raw.cdc_pulse_indicators"
    ).fetchall()
    assert meta == [(sample_batch.batch_id, result.loaded_at, "sample")]
    quarantined = warehouse.execute(
        "SELECT source, excerpt, reason, batch_id, row_number, field_names FROM raw.quarantine"
        " ORDER BY row_number"
    ).fetchall()
    assert [q[2] for q in quarantined] == [q.reason for q in sample_batch.quarantined]
    assert quarantined[1][1].startswith("Value='n/a'; Indicator='Symptoms of Anxiety Disorder'")
    assert [json.loads(q[5]) for q in quarantined] == [
        ["Time Period Start Date"],
        ["Value"],
        ["Subgroup"],
    ]
    assert {(q[0], q[3]) for q in quarantined} == {("cdc_pulse", sample_batch.batch_id)}
    # Row numbers point into the landed file: the header is line 1, record n is line n + 1.
    lines = landing.read_text().splitlines()
    assert "n/a" in lines[quarantined[1][4]]


def test_a_failure_mid_load_leaves_the_warehouse_unchanged(warehouse, sample_batch, tmp_path):
    load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    before = counts(warehouse)
    broken_rows = sample_batch.rows.copy()
    broken_rows.loc[broken_rows.index[-1], "indicator"] = None  # violates NOT NULL on insert
    broken = dataclasses.replace(sample_batch, batch_id="cdc_pulse-sample-broken", rows=broken_rows)
    with pytest.raises(duckdb.ConstraintException):
        load_batch(warehouse, broken, tmp_path / "y.csv", RAW_CONTRACT)
    assert counts(warehouse) == before  # the deletes before the failing insert were rolled back
    load_batch(
        warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT
    )  # the connection is still usable


def test_a_python_error_mid_load_is_rolled_back(
    warehouse, sample_batch, small_export_text, write_export, tmp_path, monkeypatch
):
    load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    before = counts(warehouse)
    other = extract_cdc_pulse("file", file_path=write_export(small_export_text))
    failing = dataclasses.replace(other, quarantined=[QuarantinedRecord(9, "bad")])

    def fail_after_the_rows_were_replaced(*args):
        raise ValueError("writing the quarantine failed")

    monkeypatch.setattr(raw_load, "_insert_quarantine", fail_after_the_rows_were_replaced)
    with pytest.raises(ValueError, match="writing the quarantine failed"):
        load_batch(warehouse, failing, tmp_path / "y.csv", RAW_CONTRACT)
    assert counts(warehouse) == before


def test_a_failed_first_load_creates_nothing(warehouse, sample_batch, tmp_path):
    broken_rows = sample_batch.rows.copy()
    broken_rows["period_start"] = None
    broken = dataclasses.replace(sample_batch, rows=broken_rows)
    with pytest.raises(duckdb.ConstraintException):
        load_batch(warehouse, broken, tmp_path / "x.csv", RAW_CONTRACT)
    tables = warehouse.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw'"
    ).fetchall()
    assert tables == [(0,)]


def test_a_raw_table_with_another_shape_is_reported(warehouse, sample_batch, tmp_path):
    warehouse.execute(
        "CREATE SCHEMA raw; CREATE TABLE raw.cdc_pulse_indicators (indicator VARCHAR)"
    )
    with pytest.raises(
        ExtractError, match="not the contract's .*Drop raw.cdc_pulse_indicators .*make replay"
    ):
        load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    assert warehouse.execute("SELECT count(*) FROM raw.cdc_pulse_indicators").fetchall() == [(0,)]


def test_a_batch_of_another_source_is_refused(warehouse, sample_batch, tmp_path):
    other = dataclasses.replace(RAW_CONTRACT, source="reddit", table="reddit_posts")
    with pytest.raises(ExtractError, match="holds 'reddit' records, not 'cdc_pulse' ones"):
        load_batch(warehouse, sample_batch, tmp_path / "x.csv", other)


def test_the_real_export_loads_completely(warehouse, real_export, tmp_path):
    batch = extract_cdc_pulse("file", file_path=real_export)
    landing = land_payload(batch, tmp_path / "landing").path
    result = load_batch(warehouse, batch, landing, RAW_CONTRACT)
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (16_794, 16_794, 0)
    gap, suppressed, national = warehouse.execute(
        "SELECT count(*) FILTER (phase = '-1'),"
        " count(*) FILTER (phase <> '-1' AND value IS NULL),"
        " count(DISTINCT (indicator, time_period))"
        "   FILTER (group_name = 'National Estimate' AND phase <> '-1')"
        " FROM raw.cdc_pulse_indicators"
    ).fetchall()[0]
    assert (gap, suppressed, national) == (702, 5, 3 * 72)
