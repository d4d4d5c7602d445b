"""Google Trends exports and pytrends-style tables through the file mode to the batch and RAW."""

from __future__ import annotations

import gzip
from datetime import date

import duckdb
import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.google_trends import RAW_CONTRACT, batch_from_payload, extract_google_trends
from extract.google_trends.values import BELOW_ONE_VALUE
from extract.raw_load import load_batch
from tests.real_data import TRENDS_EXPORT, require
from tests.unit.extract.google_trends.trends_files import google_export

TWO_PLACES = "Week,mental health: (United States),mental health: (US-AK)"


def extract_text(tmp_path, text: str, name: str = "multiTimeline.csv", **options):
    path = tmp_path / name
    path.write_text(text)
    return extract_google_trends("file", file_path=path, **options)


def test_the_real_export_loads_every_week_of_its_one_series():
    batch = extract_google_trends("file", file_path=require(TRENDS_EXPORT))
    rows = batch.rows
    assert (len(rows), len(batch.quarantined), batch.records_in_payload) == (260, 0, 260)
    assert set(rows["term"]) == {"mental health"}
    assert set(rows["place"]) == {"United States"}
    assert set(rows["granularity"]) == {"weekly"}
    assert (rows["period_date"].min(), rows["period_date"].max()) == (
        date(2018, 1, 28),
        date(2023, 1, 15),
    )
    assert all(d.weekday() == 6 for d in rows["period_date"])  # Google's weeks start on Sunday
    assert rows["interest"].between(29, 100).all() and rows["interest"].max() == 100
    assert not rows["below_one"].any() and batch.notes["below_one_values"] == 0
    assert (rows["window_index"] == 0).all() and (rows["window_link_factor"] == 1.0).all()


def test_below_one_becomes_the_documented_value_and_is_flagged(tmp_path):
    text = google_export(
        TWO_PLACES, [("2024-01-07", "44", "<1"), ("2024-01-14", "46", "3"), ("2024-01-21", "", "2")]
    )
    batch = extract_text(tmp_path, text)
    rows = batch.rows.set_index(["place", "period_date"])
    alaska = rows.loc[("US-AK", date(2024, 1, 7))]
    assert alaska["interest"] == BELOW_ONE_VALUE == 0.5
    assert bool(alaska["below_one"]) is True
    assert rows["below_one"].sum() == 1 and batch.notes["below_one_values"] == 1
    blank = rows.loc[("United States", date(2024, 1, 21))]
    assert pd.isna(blank["interest"]) and not blank["below_one"]  # a blank is null, not 0
    assert len(batch.quarantined) == 0 and batch.records_in_payload == 6


def test_a_term_holding_a_colon_is_split_at_the_last_place(tmp_path):
    text = google_export(
        "Day,therapy: online: (Worldwide)", [("2024-01-01", "5"), ("2024-01-02", "7")]
    )
    rows = extract_text(tmp_path, text).rows
    assert set(zip(rows["term"], rows["place"], rows["granularity"], strict=True)) == {
        ("therapy: online", "Worldwide", "daily")
    }


def test_monthly_rows_are_dated_on_the_first_without_a_preamble(tmp_path):
    text = google_export("Month,anxiety: (Canada)", [("2023-11", "60"), ("2023-12", "100")], "")
    rows = extract_text(tmp_path, text).rows
    assert rows["period_date"].tolist() == [date(2023, 11, 1), date(2023, 12, 1)]
    assert set(rows["granularity"]) == {"monthly"}


def test_a_daily_table_with_is_partial_and_a_place_column(tmp_path):
    lines = ["geo,date,mental health,anxiety,isPartial"]
    for geo in ("US-AK", "US-AL"):
        lines += [f"{geo},2024-03-0{d},{40 + d},{50 + d},False" for d in range(1, 6)]
        lines.append(f"{geo},2024-03-06,12,30,True")
    batch = extract_text(tmp_path, "\n".join(lines) + "\n", "pytrends.csv")
    rows = batch.rows
    assert len(rows) == 24 and batch.records_in_payload == 24
    assert set(rows["granularity"]) == {"daily"}
    assert set(rows["place"]) == {"US-AK", "US-AL"} and set(rows["term"]) == {
        "mental health",
        "anxiety",
    }
    partial = rows[rows["is_partial"]]
    assert set(partial["period_date"]) == {date(2024, 3, 6)} and len(partial) == 4
    assert batch.notes["partial_rows"] == 4
    assert batch.notes["file_layouts"] == {"table": 1}


def test_a_table_without_a_place_column_is_worldwide(tmp_path):
    text = "date,therapy\n2024-01-01,10\n2024-01-02,12\n2024-01-03,11\n"
    rows = extract_text(tmp_path, text, "trends.csv").rows
    assert set(rows["place"]) == {"Worldwide"}
    assert set(rows["is_partial"]) == {False}


def test_a_bad_value_is_quarantined_naming_its_column_and_value(tmp_path):
    rows = [(f"2024-{m:02d}-07", str(40 + m), str(10 + m)) for m in range(1, 13)]
    rows[4] = ("2024-05-07", "n/a", "15")
    batch = extract_text(tmp_path, google_export(TWO_PLACES, rows), max_bad_share=0.1)
    assert len(batch.rows) == 23 and batch.records_in_payload == 24
    [bad] = batch.quarantined
    assert "'n/a'" in bad.reason and "mental health: (United States)" in bad.reason
    assert "line 8" in bad.reason  # two preamble lines, the header, then the fifth row
    assert bad.field_names == ("interest",)


def test_too_many_bad_values_stop_the_run(tmp_path):
    rows = [("2024-01-07", "x", "1"), ("2024-01-14", "y", "2")]
    with pytest.raises(ExtractError, match="failed validation"):
        extract_text(tmp_path, google_export(TWO_PLACES, rows))


def test_a_file_in_neither_layout_says_what_was_expected(tmp_path):
    with pytest.raises(ExtractError, match="neither a Google Trends export"):
        extract_text(tmp_path, "name,score\nalice,3\n", "other.csv")


def test_hourly_data_is_refused_with_the_reason(tmp_path):
    text = "date,therapy,isPartial\n2024-01-01 00:00:00,10,False\n2024-01-01 01:00:00,12,False\n"
    with pytest.raises(ExtractError, match="daily, weekly or monthly"):
        extract_text(tmp_path, text, "hourly.csv")


def test_a_folder_of_gzip_and_plain_files_is_read_in_name_order(tmp_path):
    folder = tmp_path / "trends"
    folder.mkdir()
    first = google_export("Week,anxiety: (Texas)", [("2024-01-07", "50"), ("2024-01-14", "100")])
    (folder / "a.csv.gz").write_bytes(gzip.compress(first.encode()))
    second = google_export("Week,therapy: (Texas)", [("2024-01-07", "70"), ("2024-01-14", "100")])
    (folder / "b.csv").write_text(second)
    (folder / "notes.txt").write_text("not an export")
    batch = extract_google_trends("file", file_path=folder)
    assert batch.rows["file_name"].tolist() == ["a.csv.gz"] * 2 + ["b.csv"] * 2
    assert batch.rows["term"].tolist() == ["anxiety"] * 2 + ["therapy"] * 2


def test_the_load_accounts_for_every_value_and_replay_rebuilds_the_batch(tmp_path):
    rows = [(f"2024-{m:02d}-07", str(40 + m), "<1" if m == 3 else str(m)) for m in range(1, 13)]
    rows[6] = ("2024-07-07", "bad", "7")
    batch = extract_text(tmp_path, google_export(TWO_PLACES, rows), max_bad_share=0.1)
    assert batch.records_in_payload == len(batch.rows) + len(batch.quarantined) == 24

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        result = load_batch(conn, batch, tmp_path / "landed.jsonl", RAW_CONTRACT)
        assert result.accounting.balanced
        assert (result.rows_loaded, result.rows_quarantined) == (23, 1)
        [(below_one, interest)] = conn.execute(
            "select count(*) filter (where below_one), sum(interest) filter (where below_one) "
            "from raw.google_trends_interest"
        ).fetchall()
        assert (below_one, interest) == (1, 0.5)

    replayed = batch_from_payload(batch.mode, batch.payload, ".jsonl", "landed", batch.batch_id)
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.quarantined == batch.quarantined
    assert replayed.records_in_payload == batch.records_in_payload
    assert replayed.batch_id == batch.batch_id
    assert {k: replayed.notes[k] for k in replayed.notes} == {
        k: batch.notes[k] for k in replayed.notes
    }


def test_personal_data_in_headers_and_file_names_never_lands(tmp_path):
    text = google_export(
        "Week,jane.doe@example.com: (call 555-010-4477),anxiety: (US)",
        [("2024-01-07", "5", "100"), ("2024-01-14", "7", "90")],
    )
    batch = extract_text(tmp_path, text, "from-jane.doe@example.com.csv")
    landed = batch.payload.decode("utf-8")
    rows_text = batch.rows.to_csv(index=False)
    for personal in ("jane.doe@example.com", "555-010-4477"):
        assert personal not in landed and personal not in rows_text
    assert len(batch.rows) == 4


def test_a_line_of_commas_and_a_bad_date_are_quarantined_and_counted(tmp_path):
    rows = [(f"2024-{m:02d}-07", str(40 + m), str(m)) for m in range(1, 13)]
    rows[2] = ("", "", "")
    rows[5] = ("2024-06-31", "45", "6")
    batch = extract_text(tmp_path, google_export(TWO_PLACES, rows), max_bad_share=0.2)
    assert batch.records_in_payload == 24 == len(batch.rows) + len(batch.quarantined)
    reasons = [q.reason for q in batch.quarantined]
    assert len(reasons) == 4 and sum("'2024-06-31' is not a date" in r for r in reasons) == 2
