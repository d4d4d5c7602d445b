"""Files in both published layouts, header spellings of the overview copies, and wrong files."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.layouts import normalise_header

# The overview layout (Kaggle's master.csv) as published: odd spacing around gdp_for_year,
# GDP quoted with thousands separators, HDI mostly blank.
OVERVIEW_HEADER = (
    "country,year,sex,age,suicides_no,population,suicides/100k pop,country-year,HDI for year,"
    " gdp_for_year ($) ,gdp_per_capita ($),generation"
)
OVERVIEW_ROWS = (
    'Albania,1987,male,15-24 years,21,312900,6.71,Albania1987,,"2,156,624,900",796,Generation X',
    'Albania,1987,male,35-54 years,16,308000,5.19,Albania1987,,"2,156,624,900",796,Silent',
    'Albania,1987,female,75+ years,1,35600,2.81,Albania1987,,"2,156,624,900",796,G.I. Generation',
    'Albania,1987,female,5-14 years,0,311000,0,Albania1987,,"2,156,624,900",796,Generation X',
    'Argentina,1995,male,75+ years,202,345400,58.48,Argentina1995,0.731,"258,031,750,000",8240,'
    "G.I. Generation",
)
WHO_HEADER = "country,year,sex,age,suicides_no,population"


def write(path, lines, *, bom=False, newline="\r\n", final_newline=False):
    text = newline.join(lines) + (newline if final_newline else "")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("HDI for year", "hdi for year"),
        ("HDI_for_year", "hdi for year"),
        (" gdp_for_year ($) ", "gdp for year"),
        ("gdp_for_year", "gdp for year"),
        ("gdp_per_capita ($)", "gdp per capita"),
        ("GDP per capita", "gdp per capita"),
        ("suicides/100k pop", "suicides 100k pop"),
        ("\ufeffcountry", "country"),
    ],
)
def test_headers_are_compared_without_case_spacing_underscores_and_currency(header, expected):
    assert normalise_header(header) == expected


def test_the_overview_layout_with_a_bom_keeps_its_extra_columns(tmp_path):
    path = write(tmp_path / "master.csv", [OVERVIEW_HEADER, *OVERVIEW_ROWS], bom=True)
    batch = extract_who_suicide("file", file_path=path)

    rows = batch.rows
    assert (len(rows), len(batch.quarantined), batch.records_in_payload) == (5, 0, 5)
    assert set(rows["layout"]) == {"overview"} and rows["country"].iloc[0] == "Albania"
    assert rows["published_rate_per_100k"].tolist() == [6.71, 5.19, 2.81, 0.0, 58.48]
    assert rows["gdp_per_capita"].tolist() == [796.0] * 4 + [8240.0]
    assert rows["hdi"].isna().tolist() == [True] * 4 + [False] and rows["hdi"].iloc[4] == 0.731
    assert rows["generation"].tolist()[:3] == ["Generation X", "Silent", "G.I. Generation"]
    assert rows["suicides"].tolist() == [21, 16, 1, 0, 202]  # a published 0 stays 0
    # country-year and gdp_for_year are derived: not landed, not kept.
    for dropped in (b"Albania1987", b"2,156,624,900", b"2156624900"):
        assert dropped not in batch.payload
    assert batch.notes["layouts"] == {"master.csv": "overview"}


def test_another_spelling_of_the_overview_headers_in_another_order(tmp_path):
    header = (
        "country,year,sex,age,generation,suicides_no,population,suicides/100k pop,"
        "country-year,HDI_for_year,gdp_for_year,gdp_per_capita"
    )
    row = (
        "Austria,2010,female,55-74 years,Boomers,93,1014500,9.17,Austria2010,0.885,"
        '"391,892,746,545",49546'
    )
    path = write(tmp_path / "rates.csv", [header, row], newline="\n", final_newline=True)

    [record] = extract_who_suicide("file", file_path=path).rows.to_dict("records")
    assert (record["suicides"], record["population"], record["generation"]) == (
        93,
        1014500,
        "Boomers",
    )
    assert (record["hdi"], record["gdp_per_capita"]) == (0.885, 49546.0)
    assert (record["layout"], record["age_band"]) == ("overview", "55-74 years")


def test_the_who_layout_has_no_overview_values(tmp_path):
    path = write(tmp_path / "who.csv", [WHO_HEADER, "Albania,1985,female,15-24 years,,277900"])
    rows = extract_who_suicide("file", file_path=path).rows
    assert rows["layout"].tolist() == ["who"]
    assert (
        rows[["published_rate_per_100k", "hdi", "gdp_per_capita", "generation"]].isna().all().all()
    )
    assert rows["suicides"].isna().all() and rows["population"].tolist() == [277900]


def test_a_file_in_neither_layout_is_a_clear_error(tmp_path):
    path = write(
        tmp_path / "other.csv",
        ["country,year,sex,age,deaths,pop", "Albania,1985,male,5-14 years,1,2"],
    )
    with pytest.raises(ExtractError) as raised:
        extract_who_suicide("file", file_path=path)
    message = str(raised.value)
    assert "other.csv" in message and "lacks the column(s) suicides_no, population" in message
    assert "WHO layout (country,year,sex,age,suicides_no,population)" in message
    assert "suicide rates overview" in message and "MINDPULSE_WHO_FILE" in message


def test_a_folder_of_files_gzip_included_is_read_in_name_order(tmp_path):
    folder = tmp_path / "who"
    folder.mkdir()
    write(folder / "a_who.csv", [WHO_HEADER, "Austria,2001,male,25-34 years,120,600000"])
    overview = "\r\n".join([OVERVIEW_HEADER, *OVERVIEW_ROWS[:2]]).encode("utf-8")
    (folder / "b_master.csv.gz").write_bytes(gzip.compress(overview))
    (folder / "notes.txt").write_text("not a csv")

    batch = extract_who_suicide("file", file_path=folder)
    assert batch.rows["file_name"].tolist() == ["a_who.csv", "b_master.csv.gz", "b_master.csv.gz"]
    assert batch.rows["layout"].tolist() == ["who", "overview", "overview"]
    assert batch.records_in_payload == 3
    glob_batch = extract_who_suicide("file", file_path=str(folder / "*.csv*"))
    pd.testing.assert_frame_equal(glob_batch.rows, batch.rows)


def test_the_same_key_in_two_files_quarantines_the_later_one(tmp_path):
    folder = tmp_path / "who"
    folder.mkdir()
    write(folder / "1.csv", [WHO_HEADER, "Austria,2001,male,25-34 years,120,600000"])
    # The same key written another way: 'Male', '25-34' without 'years'.
    write(
        folder / "2.csv",
        [WHO_HEADER, "Austria,2001,Male,25-34,121,600000", "Austria,2002,male,25-34,110,600000"],
    )

    batch = extract_who_suicide("file", file_path=folder, max_bad_share=0.5)
    assert batch.rows["suicides"].tolist() == [120, 110]
    [duplicate] = batch.quarantined
    assert duplicate.row_number == 2 and duplicate.reason.startswith("duplicate key")
    assert "row 1" in duplicate.reason and "2.csv" in duplicate.reason
    assert batch.records_in_payload == 3


def test_file_mode_without_a_path_or_with_a_missing_one_says_what_to_set(tmp_path):
    with pytest.raises(ExtractError, match="MINDPULSE_WHO_FILE"):
        extract_who_suicide("file")
    with pytest.raises(ExtractError, match="no such file or folder"):
        extract_who_suicide("file", file_path=tmp_path / "missing.csv")
    with pytest.raises(ExtractError, match="Unknown source mode"):
        extract_who_suicide("api")
