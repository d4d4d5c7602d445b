"""The generated WHO sample: the real file's shape and gaps, read by the file reader, loaded."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.landing import land_payload
from extract.raw_load import load_batch
from extract.replay import LATEST, find_landed, replay_batch
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.extract import batch_from_payload
from extract.who_suicide.records import AGE_BANDS, RAW_CONTRACT
from extract.who_suicide.sample import generate_sample_csv, generate_sample_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_sample_frame(1)


def test_the_same_scale_gives_the_same_bytes_and_scale_adds_countries():
    assert generate_sample_csv(1) == generate_sample_csv(1)
    first = extract_who_suicide("sample", now=datetime(2026, 1, 5))
    again = extract_who_suicide("sample", now=datetime(2026, 1, 5))
    assert first.payload == again.payload and first.batch_id == again.batch_id
    assert generate_sample_frame(1)["country"].nunique() == 8
    assert generate_sample_frame(3)["country"].nunique() == 24
    assert generate_sample_frame(10)["country"].nunique() == 80  # past the named ones too
    assert generate_sample_csv(2) != generate_sample_csv(1)


def test_the_text_is_the_who_layout_with_crlf_blanks_and_no_final_line_end():
    text = generate_sample_csv(1)
    assert text.startswith("country,year,sex,age,suicides_no,population\r\n")
    assert not text.endswith("\n") and "\n" not in text.replace("\r\n", "")
    assert "\r\nIran (Islamic Rep of),2000,female,15-24 years," in text
    cells = [line.split(",") for line in text.split("\r\n")[1:]]
    assert sum(c[4] == "" for c in cells) > 0 and sum(c[5] == "" for c in cells) > 0


def test_rates_are_plausible_higher_for_men_and_with_age(frame):
    rows = frame.dropna()
    rate = rows["suicides_no"] / rows["population"] * 1e5
    by_sex = rate.groupby(rows["sex"]).mean()
    assert by_sex["male"] > 2.5 * by_sex["female"]
    by_age = rows.groupby("age")[["suicides_no", "population"]].sum()
    ordered = (by_age["suicides_no"] / by_age["population"]).reindex(list(AGE_BANDS)) * 1e5
    assert ordered["5-14 years"] < 1.5 < ordered["75+ years"]
    assert ordered["5-14 years"] < ordered["15-24 years"] < ordered["75+ years"]
    by_country = rows.groupby("country")[["suicides_no", "population"]].sum()
    overall = by_country["suicides_no"] / by_country["population"] * 1e5
    assert overall.between(1.5, 35).all() and overall.max() > 3 * overall.min()


def test_the_real_files_gaps_are_planted(frame):
    country_years = frame.groupby(["country", "year"])
    blank_suicides = country_years["suicides_no"].apply(lambda s: s.isna().all())
    assert blank_suicides.sum() >= 2  # whole country-years without suicides...
    population_there = country_years["population"].apply(lambda s: s.notna().all())
    assert (blank_suicides & population_there).any()  # ...whose population is given
    assert frame["population"].isna().any()
    # Every country-year has its 12 rows; coverage thins out in the last years.
    assert (country_years.size() == 12).all()
    per_year = frame.groupby("year")["country"].nunique()
    assert per_year[2010] == 8 and per_year[2016] < per_year[2014] <= 8 and per_year[2016] >= 1


def test_the_sample_loads_through_the_file_reader_without_loss(frame):
    batch = extract_who_suicide("sample")
    assert batch.mode == "sample" and batch.batch_id.startswith("who_suicide-sample-")
    assert (len(batch.rows), len(batch.quarantined)) == (len(frame), 0)
    assert batch.records_in_payload == len(frame)
    assert batch.rows["suicides"].isna().sum() == frame["suicides_no"].isna().sum() > 0
    assert (batch.rows["year_start"].dt.year == batch.rows["year"]).all()


def test_live_falls_back_to_the_sample_and_sample_as_of_changes_nothing():
    live = extract_who_suicide("live")
    assert live.mode == "sample"
    later = extract_who_suicide("sample", sample_as_of=date(2030, 6, 1))
    assert later.payload == live.payload
    with pytest.raises(ExtractError, match="sample_scale"):
        extract_who_suicide("sample", sample_scale=0)


def test_a_load_accounts_for_every_record_and_keeps_blanks_null(tmp_path):
    batch = extract_who_suicide("sample", sample_scale=0.5)
    landing = land_payload(batch, tmp_path / "landing")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        result = load_batch(conn, batch, landing.path, RAW_CONTRACT)
        [(rows, blank, newest)] = conn.execute(
            "select count(*), count(*) filter (where suicides is null), max(year_start)"
            " from raw.who_suicide_statistics"
        ).fetchall()
        types = dict(
            conn.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_name = 'who_suicide_statistics'"
            ).fetchall()
        )
    assert result.accounting.balanced and result.rows_loaded == len(batch.rows) == rows
    assert result.accounting.records_in_payload == rows + len(batch.quarantined)
    # The text's blank suicides, counted in the text itself, are NULL in RAW (never 0).
    text_lines = generate_sample_csv(0.5).split("\r\n")[1:]
    assert blank == sum(line.split(",")[4] == "" for line in text_lines) > 0
    assert newest == date(2016, 1, 1)
    assert (types["year_start"], types["suicides"], types["year"]) == ("DATE", "BIGINT", "INTEGER")


def test_a_replay_of_the_landed_sample_gives_the_same_batch(tmp_path):
    batch = extract_who_suicide("sample")
    land_payload(batch, tmp_path / "landing")
    replayed = replay_batch(
        find_landed(tmp_path / "landing", "who_suicide", LATEST), batch_from_payload
    )
    assert (replayed.batch_id, replayed.mode) == (batch.batch_id, "sample")
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.records_in_payload == batch.records_in_payload
    assert replayed.content_version() == batch.content_version()
    with pytest.raises(ExtractError, match="jsonl"):
        batch_from_payload("sample", batch.payload, ".csv", "landed.csv", batch.batch_id)
