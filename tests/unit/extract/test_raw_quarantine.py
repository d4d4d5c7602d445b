"""raw.quarantine: what a rejected record leaves behind (no personal data, a bounded excerpt),
and the migration from the layout that kept whole records."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import pytest

from extract import raw_load
from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.file_source import EXPORT_COLUMNS
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.raw_load import load_batch


@pytest.fixture(scope="module")
def sample_batch():
    return extract_cdc_pulse("sample", sample_scale=0.3)


# --- privacy of raw.quarantine --------------------------------------------------------------

HEADER = ",".join(EXPORT_COLUMNS)
GOOD = (
    "Symptoms of Depressive Disorder,By Sex,United States,Female,2,14,"
    '"Sep 2 - Sep 14, 2020",09/02/2020,09/14/2020,28.4,27.0,29.8,27.0 - 29.8,'
)
EMAIL, PHONE, REDDIT_USER = "jane.doe@example.com", "+1 (555) 123-4567", "u/someone"
# A record with personal data in a field that fails validation (Value, Low CI: echoed by
# their reasons) and in one that passes (Subgroup: only in the excerpt).
PERSONAL_LINE = GOOD.replace(",Female,", f",write to {EMAIL},").replace(
    ",28.4,27.0,", f",call {PHONE},ask {REDDIT_USER},"
)
# Fragments long enough not to occur by chance in a batch id or a temporary path.
PERSONAL_FRAGMENTS = (EMAIL, "jane.doe", "example.com", "(555)", "123-4567", REDDIT_USER, "someone")


def raw_text_values(conn) -> list[str]:
    """Every non-null value of every VARCHAR column of every table in the raw schema."""
    columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'raw' AND data_type = 'VARCHAR'"
    ).fetchall()
    assert {table for table, _ in columns} == {"cdc_pulse_indicators", "quarantine", "load_batches"}
    values = []
    for table, column in columns:
        rows = conn.execute(f'SELECT "{column}" FROM raw."{table}" WHERE "{column}" IS NOT NULL')
        values += [value for (value,) in rows.fetchall()]
    return values


def test_a_quarantined_record_leaves_no_personal_data_in_the_warehouse(
    warehouse, write_export, tmp_path
):
    path = write_export("\n".join([HEADER, GOOD, PERSONAL_LINE, GOOD]) + "\n")
    batch = extract_cdc_pulse("file", file_path=path, max_bad_share=0.5)
    load_batch(warehouse, batch, tmp_path / "landed.csv", RAW_CONTRACT)

    [(reason, fields, excerpt)] = warehouse.execute(
        "SELECT reason, field_names, excerpt FROM raw.quarantine"
    ).fetchall()
    assert reason == "Value 'call [phone]' is not a number; Low CI 'ask [username]' is not a number"
    assert json.loads(fields) == ["Value", "Low CI"]
    assert excerpt.startswith("Value='call [phone]'; Low CI='ask [username]'; Indicator=")
    assert "Subgroup='write to [email]'" in excerpt
    values = raw_text_values(warehouse)
    assert len(values) > 2 * len(batch.rows)  # the scan did read the loaded rows too
    leaks = {fragment for fragment in PERSONAL_FRAGMENTS for v in values if fragment in v}
    assert leaks == set()


def test_the_quarantine_excerpt_is_bounded(warehouse, write_export, tmp_path):
    long_line = GOOD.replace("Symptoms of Depressive Disorder", "Symptoms " * 100).replace(
        ",28.4,", ",n/a,"
    )
    path = write_export("\n".join([HEADER, GOOD, long_line]) + "\n")
    batch = extract_cdc_pulse("file", file_path=path, max_bad_share=0.5)
    load_batch(warehouse, batch, tmp_path / "landed.csv", RAW_CONTRACT)
    [(excerpt,)] = warehouse.execute("SELECT excerpt FROM raw.quarantine").fetchall()
    assert len(excerpt) == 200 and excerpt.endswith("…")
    assert excerpt.startswith("Value='n/a'; Indicator='Symptoms Symptoms")


# --- migrating raw.quarantine from the layout that kept whole records -----------------------

LEGACY_QUARANTINE = """
    CREATE SCHEMA raw;
    CREATE TABLE raw.quarantine (
        source VARCHAR, record VARCHAR, reason VARCHAR, batch_id VARCHAR,
        row_number INTEGER, quarantined_at TIMESTAMP
    );
    INSERT INTO raw.quarantine VALUES ('cdc_pulse', '{"Subgroup": "jane.doe@example.com"}',
        'Value ''n/a'' is not a number', 'cdc_pulse-file-old', 2, TIMESTAMP '2025-01-01');
"""


def quarantine_layout(conn) -> list[str]:
    return [c[0] for c in conn.execute("DESCRIBE raw.quarantine").fetchall()]


def test_a_quarantine_with_the_old_layout_is_migrated_on_load(warehouse, sample_batch, tmp_path):
    warehouse.execute(LEGACY_QUARANTINE)
    load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
    assert quarantine_layout(warehouse) == [name for name, _ in raw_load.QUARANTINE_COLUMNS]
    rows = warehouse.execute("SELECT batch_id, row_number FROM raw.quarantine").fetchall()
    assert {batch_id for batch_id, _ in rows} == {sample_batch.batch_id}
    assert len(rows) == 3
    assert not any("jane.doe" in value for value in raw_text_values(warehouse))


def test_a_failed_load_keeps_the_old_quarantine_as_it_was(warehouse, sample_batch, tmp_path):
    warehouse.execute(LEGACY_QUARANTINE)
    broken_rows = sample_batch.rows.copy()
    broken_rows["period_start"] = None
    broken = dataclasses.replace(sample_batch, rows=broken_rows)
    with pytest.raises(duckdb.ConstraintException):
        load_batch(warehouse, broken, tmp_path / "x.csv", RAW_CONTRACT)
    # The migration is part of the load's transaction: rolled back with it.
    assert "record" in quarantine_layout(warehouse)
    assert warehouse.execute("SELECT batch_id FROM raw.quarantine").fetchall() == [
        ("cdc_pulse-file-old",)
    ]


def test_a_quarantine_of_another_unknown_layout_is_reported(warehouse, sample_batch, tmp_path):
    warehouse.execute("CREATE SCHEMA raw; CREATE TABLE raw.quarantine (source VARCHAR)")
    with pytest.raises(ExtractError, match="raw.quarantine exists with columns"):
        load_batch(warehouse, sample_batch, tmp_path / "x.csv", RAW_CONTRACT)
