"""The real WHO suicide statistics file (CRLF, no final line end, blank counts) read whole."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from extract.who_suicide import extract_who_suicide
from extract.who_suicide.extract import batch_from_payload
from extract.who_suicide.records import AGE_BANDS
from tests.real_data import REAL_DATA_DIR, require

REAL_FILE = REAL_DATA_DIR / "who_suicide_statistics" / "who_suicide_statistics.csv"


@pytest.fixture(scope="module")
def real_file():
    return require(REAL_FILE)


@pytest.fixture(scope="module")
def batch(real_file):
    return extract_who_suicide("file", file_path=real_file)


@pytest.fixture(scope="module")
def published(real_file) -> list[list[str]]:
    """The file's records as the csv module reads them, header left out."""
    with real_file.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def test_every_record_is_loaded_and_none_quarantined(batch):
    assert (len(batch.rows), len(batch.quarantined), batch.records_in_payload) == (
        43_776,
        0,
        43_776,
    )
    assert set(batch.rows["layout"]) == {"who"}
    assert set(batch.rows["age_band"]) == set(AGE_BANDS)
    assert set(batch.rows["sex"]) == {"female", "male"}
    assert (batch.rows["year"].min(), batch.rows["year"].max()) == (1979, 2016)


def test_blank_counts_stay_null_exactly_where_the_file_is_blank(batch, published):
    rows = batch.rows
    assert rows["suicides"].isna().sum() == 2_256
    assert rows["population"].isna().sum() == 5_460
    blank_suicides = pd.Series([r[4] == "" for r in published])
    blank_population = pd.Series([r[5] == "" for r in published])
    assert rows["suicides"].isna().tolist() == blank_suicides.tolist()
    assert rows["population"].isna().tolist() == blank_population.tolist()
    # Where the file gives a figure, the row holds that figure: a blank never turned into 0.
    given = ~blank_suicides
    assert rows.loc[given, "suicides"].astype(str).tolist() == [
        r[4] for r, g in zip(published, given, strict=True) if g
    ]


def test_crlf_and_the_last_row_without_a_line_end_are_read_cleanly(batch, published, real_file):
    raw = real_file.read_bytes()
    assert b"\r\n" in raw and not raw.endswith(b"\n")  # the file is as SOURCE.md describes
    last = batch.rows.iloc[-1]
    country, year, sex, age, suicides, population = published[-1]
    assert (last["country"], last["year"], last["sex"], last["age_band"]) == (
        country,
        int(year),
        sex,
        age,
    )
    # The file's last field is a blank population, at the very end of the file: still null.
    assert (population, pd.isna(last["population"])) == ("", True)
    assert str(last["suicides"]) == suicides
    text = batch.rows.select_dtypes("string")
    assert not text.apply(lambda column: column.str.contains("\r", regex=False)).any().any()


def test_country_names_with_parentheses_are_kept_whole(batch):
    countries = set(batch.rows["country"])
    assert {"Iran (Islamic Rep of)", "Venezuela (Bolivarian Republic of)"} <= countries
    assert len(countries) == 141


def test_a_replay_of_the_landed_real_file_gives_the_same_rows(batch):
    replayed = batch_from_payload("file", batch.payload, ".jsonl", "landed", batch.batch_id)
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.records_in_payload == 43_776 and replayed.notes == batch.notes
