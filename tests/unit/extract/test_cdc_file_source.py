"""File mode: the CDC CSV export as published, its quirks, bad rows and whole-file errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.file_source import EXPORT_COLUMNS, parse_export
from extract.cdc_pulse.records import ROW_COLUMNS

HEADER = ",".join(EXPORT_COLUMNS)
GOOD = (
    "Symptoms of Depressive Disorder,By Sex,United States,Female,2,14,"
    '"Sep 2 - Sep 14, 2020",09/02/2020,09/14/2020,28.4,27.0,29.8,27.0 - 29.8,'
)


def test_real_export_gives_the_documented_figures(real_export):
    batch = extract_cdc_pulse("file", file_path=real_export)
    rows = batch.rows
    assert (batch.rows_in, len(rows), len(batch.quarantined)) == (16_794, 16_794, 0)
    gap = rows["phase"] == "-1"
    assert gap.sum() == 702
    assert (rows.loc[gap, "time_period"] == 1).all() and rows.loc[gap, "value"].isna().all()
    suppressed = rows[~gap & rows["value"].isna()]
    assert len(suppressed) == 5 and set(suppressed["group_name"]) == {"By Gender identity"}
    national = rows[(rows["group_name"] == "National Estimate") & ~gap]
    assert national.groupby("indicator")["time_period"].nunique().tolist() == [72, 72, 72]
    assert rows["period_start"].min() == dt.date(2020, 4, 23)
    assert rows["period_end"].max() == dt.date(2024, 9, 16)
    assert "3.0 (Jan 6 - Mar 29)" in set(rows["phase"])
    assert batch.payload == real_export.read_bytes()  # landed as received
    digest = hashlib.sha256(batch.payload).hexdigest()[:8]
    assert re.fullmatch(rf"cdc_pulse-file-\d{{8}}T\d{{12}}Z-{digest}", batch.batch_id)


def test_small_export_maps_every_column_and_keeps_quirks(small_export_text):
    rows, quarantined = parse_export(small_export_text)
    assert quarantined == [] and list(rows.columns) == list(ROW_COLUMNS)
    first = rows.iloc[0]
    assert first["indicator"] == "Symptoms of Depressive Disorder"
    assert first["group_name"] == "National Estimate" and first["state"] == "United States"
    assert first["time_period_label"] == "Apr 23 - May 5, 2020"
    assert (first["period_start"], first["period_end"]) == (
        dt.date(2020, 4, 23),
        dt.date(2020, 5, 5),
    )
    assert (first["value"], first["low_ci"], first["high_ci"]) == (23.5, 22.7, 24.3)
    assert first["confidence_interval"] == "22.7 - 24.3" and rows["quartile_range"].isna()[0]
    assert rows["_row_number"].tolist() == list(range(1, 9))
    # Both Quartile Range styles and the text phase survive untouched.
    assert {"16.5 - 20.7", "25.9-28.6"} <= set(rows["quartile_range"].dropna())
    assert rows.loc[4, "phase"] == "3.0 (Jan 6 - Mar 29)"


def test_gap_rows_are_valid_records(small_export_text):
    rows, quarantined = parse_export(small_export_text)
    gap = rows[rows["phase"] == "-1"]
    assert len(gap) == 1 and not quarantined
    assert gap.iloc[0]["time_period"] == 1
    assert gap[["value", "low_ci", "high_ci"]].isna().all().all()
    assert pd.isna(gap.iloc[0]["confidence_interval"])


def test_bad_rows_are_quarantined_with_precise_reasons(small_export_text, write_export):
    bad_lines = [
        GOOD.replace("09/02/2020", "13/45/2021"),
        GOOD.replace(",28.4,", ",abc,"),
        GOOD.replace(",Female,", ",,"),
        GOOD.replace(",14,", ",14.5,"),
        GOOD.replace("09/02/2020,09/14/2020", "09/20/2020,09/14/2020"),
        GOOD + ",surplus",
    ]
    text = small_export_text + "\n".join(bad_lines) + "\n"
    batch = extract_cdc_pulse("file", file_path=write_export(text), max_bad_share=0.5)
    reasons = {q.row_number: q.reason for q in batch.quarantined}
    assert reasons == {
        9: "Time Period Start Date '13/45/2021' is not a MM/DD/YYYY date",
        10: "Value 'abc' is not a number",
        11: "Subgroup is empty",
        12: "Time Period '14.5' is not an integer",
        13: "Time Period Start Date 09/20/2020 is after Time Period End Date 09/14/2020",
        14: "the line has 15 fields but the header has 14",
    }
    assert batch.rows_in == len(batch.rows) + len(batch.quarantined) == 14
    # Not the record itself: the fields complained about, and an excerpt that starts with them.
    assert {q.row_number: q.field_names for q in batch.quarantined} == {
        9: ("Time Period Start Date",),
        10: ("Value",),
        11: ("Subgroup",),
        12: ("Time Period",),
        13: ("Time Period Start Date", "Time Period End Date"),
        14: ("_extra_fields",),
    }
    assert batch.quarantined[0].excerpt.startswith("Time Period Start Date='13/45/2021'; ")
    assert batch.quarantined[-1].excerpt.startswith("_extra_fields='surplus'; Indicator=")
    assert all(len(q.excerpt) <= 200 for q in batch.quarantined)


def test_a_short_line_names_the_columns_it_lacks(small_export_text, write_export):
    short = GOOD.rsplit(",", 3)[0]  # ends after Low CI: no High CI, interval text, quartile
    text = small_export_text + short + "\n"
    batch = extract_cdc_pulse("file", file_path=write_export(text), max_bad_share=0.5)
    [quarantined] = batch.quarantined
    assert quarantined.reason == "the line has 11 fields but the header has 14"
    assert quarantined.field_names == ("High CI", "Confidence Interval", "Quartile Range")


def test_domain_ranges_are_left_to_dbt(small_export_text, write_export):
    text = small_export_text + GOOD.replace(",28.4,27.0,29.8,", ",150,160,140,") + "\n"
    batch = extract_cdc_pulse("file", file_path=write_export(text))
    assert batch.quarantined == []
    assert batch.rows.iloc[-1][["value", "low_ci", "high_ci"]].tolist() == [150.0, 160.0, 140.0]


def test_too_many_bad_records_stop_the_run(write_export):
    lines = [GOOD] * 6 + [GOOD.replace(",28.4,", ",n/a,")] * 4
    path = write_export(HEADER + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as raised:
        extract_cdc_pulse("file", file_path=path)
    message = str(raised.value)
    assert "4 of 10 records (40.0%) failed validation, more than the 5% allowed" in message
    assert "row 7: Value 'n/a' is not a number" in message
    assert "CSV export" in message
    # A looser threshold lets the same file through, with the bad rows quarantined.
    batch = extract_cdc_pulse("file", file_path=path, max_bad_share=0.4)
    assert (len(batch.rows), len(batch.quarantined)) == (6, 4)


def test_missing_columns_name_the_columns_and_the_expected_header(small_export_text, write_export):
    text = small_export_text.replace("Low CI,", "", 1).replace(
        "Subgroup,Phase", "Sub group,Phase", 1
    )
    with pytest.raises(ExtractError) as raised:
        extract_cdc_pulse("file", file_path=write_export(text))
    message = str(raised.value)
    assert "'Subgroup', 'Low CI'" in message
    assert HEADER in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\xff\xfeI\x00n\x00", "is not UTF-8"),
        (HEADER.encode() + b"\n", "holds no records"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path, content, expected):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=expected):
        extract_cdc_pulse("file", file_path=path)


def test_missing_file_and_missing_path_are_clear_errors(tmp_path):
    with pytest.raises(ExtractError, match="Cannot read .*MINDPULSE_CDC_PULSE_FILE"):
        extract_cdc_pulse("file", file_path=tmp_path / "absent.csv")
    with pytest.raises(ExtractError, match="MINDPULSE_CDC_PULSE_FILE"):
        extract_cdc_pulse("file")


def test_byte_order_mark_and_blank_lines_are_tolerated(small_export_text, write_export):
    path = write_export("\ufeff" + small_export_text + "\n\n")
    batch = extract_cdc_pulse("file", file_path=path)
    assert (len(batch.rows), len(batch.quarantined)) == (8, 0)


def test_unknown_mode_is_rejected():
    with pytest.raises(ExtractError, match="Unknown source mode 'dump'"):
        extract_cdc_pulse("dump")


def test_batch_id_is_timestamp_and_payload_hash(small_export_text, write_export):
    path = write_export(small_export_text)
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    batch = extract_cdc_pulse("file", file_path=path, now=now)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    assert batch.batch_id == f"cdc_pulse-file-20261123T120000000000Z-{digest}"
    assert (batch.source, batch.mode, batch.payload_suffix) == ("cdc_pulse", "file", ".csv")
