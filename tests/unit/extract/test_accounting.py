"""Every record accounted for, against a count the parser cannot influence."""

from __future__ import annotations

import pytest

from extract.accounting import AccountingError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.file_source import EXPORT_COLUMNS
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.payload_counts import csv_data_lines, json_lines_records
from extract.raw_load import load_batch

HEADER = ",".join(EXPORT_COLUMNS)
GOOD = (
    "Symptoms of Depressive Disorder,By Sex,United States,Female,2,{period},"
    '"Sep 2 - Sep 14, 2020",09/02/2020,09/14/2020,28.4,27.0,29.8,27.0 - 29.8,'
)


def export_lines(n: int = 30) -> list[str]:
    return [HEADER, *(GOOD.format(period=period) for period in range(1, n + 1))]


def counts(conn) -> tuple:
    return conn.execute(
        "select (select count(*) from raw.cdc_pulse_indicators),"
        " (select count(*) from raw.quarantine), (select count(*) from raw.load_batches)"
    ).fetchall()[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("h\na\nb\n", 2),
        ("h\na\nb", 2),  # no line end after the last record
        ("h\r\na\r\nb\r\n", 2),
        ("h\n\na\n\n\nb\n", 2),  # blank lines are not records
        ("h\n", 0),
        ("", 0),
        ('h\na,"x\fy"\n', 1),  # a form feed inside a field is not a line end for csv
    ],
)
def test_csv_data_lines(text, expected):
    assert csv_data_lines(text) == expected


def test_json_lines_records():
    assert json_lines_records('{"a": 1}\n\n{"a": 2}\n   \n') == 2


def test_a_stray_quote_that_joins_two_lines_fails_the_load_naming_the_lines(
    write_export, warehouse, tmp_path
):
    # A first load: the completeness guard has nothing to compare with (after a good load it
    # would refuse this batch too, for its missing periods), so the accounting must catch it.
    lines = export_lines()
    # A stray quote opens a quoted field at the end of line 11 that only the first quote of
    # line 12 closes: the csv parser reads the two physical lines as one record.
    lines[10] = lines[10] + '"'
    joined = extract_cdc_pulse("file", file_path=write_export("\n".join(lines) + "\n", "j.csv"))

    assert joined.records_in_payload == 30 and joined.rows_in == 29
    [merged] = joined.quarantined
    assert "runs over lines 11-12 of the file" in merged.reason
    with pytest.raises(AccountingError) as failed:
        load_batch(warehouse, joined, tmp_path / "j.csv", RAW_CONTRACT)
    message = str(failed.value)
    assert "holds 30 records" in message and "29 were read" in message
    assert "lines 11-12" in message and "Nothing was loaded" in message
    assert failed.value.accounting.balanced is False
    tables = warehouse.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw'"
    ).fetchall()
    assert tables == [(0,)]  # the whole load was rolled back, table creation included


def test_an_api_that_stops_paging_early_is_caught(soda_server, soda_records, warehouse, tmp_path):
    # The server reports more records than its pages hold: a fetch that stopped early.
    soda_server.reported_count = len(soda_records) + 50
    batch = extract_cdc_pulse("live", base_url=soda_server.url)
    assert batch.records_in_payload == len(soda_records) + 50
    assert "count(*)" in batch.counted_by
    select = [r["query"].get("$select") for r in soda_server.requests]
    assert select[0] == "count(*) AS record_count"
    with pytest.raises(AccountingError, match=f"holds {len(soda_records) + 50} records"):
        load_batch(warehouse, batch, tmp_path / "live.jsonl", RAW_CONTRACT)


def test_a_complete_live_fetch_balances(soda_server, soda_records, warehouse, tmp_path):
    batch = extract_cdc_pulse("live", base_url=soda_server.url)
    loaded = load_batch(warehouse, batch, tmp_path / "live.jsonl", RAW_CONTRACT)
    assert loaded.accounting.balanced
    assert loaded.accounting.records_in_payload == len(soda_records)
    assert (loaded.accounting.rows_in_raw, loaded.accounting.rows_in_quarantine) == (
        len(soda_records),
        0,
    )
