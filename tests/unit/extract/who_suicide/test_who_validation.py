"""Bad WHO records are quarantined with their reason; odd but readable ones are normalised."""

from __future__ import annotations

import pytest

from extract.batch import ExtractError
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.extract import batch_from_payload

HEADER = "country,year,sex,age,suicides_no,population"
# (record, the reason it is quarantined for, or None when it is kept)
RECORDS = (
    ("Austria,2001,male,25-34 years,120,600000", None),
    ("Austria,nineteen,male,25-34 years,120,600000", "the year is not a whole number"),
    ("Austria,1890,male,25-34 years,120,600000", "the year is not a whole number from 1950"),
    ("Austria,2001,m,35-54 years,120,600000", "the sex is not female or male"),
    ("Austria,2001,male,100+ years,1,600", "the age is not one of the WHO age bands"),
    ("Austria,2001,male,55-74 years,-3,600000", "suicides_no is not a whole number of 0 or more"),
    ("Austria,2001,male,75+ years,12.5,600000", "suicides_no is not a whole number"),
    ("Austria,2001,female,5-14 years,500,100", "suicides_no is larger than population"),
    ("Austria,2001,female,15-24 years,4,lots", "population is not a whole number"),
    ("Austria,2001,female", "the record has 3 fields but the header has 6"),
    (",2001,female,35-54 years,4,100", "the record has no country"),
    ("Austria,2001,male,25-34 years,121,600000", "duplicate key"),
    # Kept, normalised: spelling of sex and age, a spreadsheet's '.0', blanks.
    ("Austria,2001,Female,  25 - 34 ,12.0,", None),
    ("Austria,2001,FEMALE,75+ YEARS,,1234567", None),
    ("Austria,2001.0,female,55-74 years,0,2", None),
)


@pytest.fixture
def batch(tmp_path):
    lines = [HEADER] + [record for record, _ in RECORDS]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    return extract_who_suicide("file", file_path=path, max_bad_share=1.0)


def test_each_bad_record_is_quarantined_with_its_reason(batch):
    expected = {
        position: reason
        for position, (_, reason) in enumerate(RECORDS, start=1)
        if reason is not None
    }
    found = {q.row_number: q.reason for q in batch.quarantined}
    assert set(found) == set(expected)
    for position, reason in expected.items():
        assert reason in found[position], (position, found[position])
        assert f"bad.csv, line {position + 1}" in found[position]


def test_readable_records_are_normalised_and_blanks_stay_null(batch):
    rows = batch.rows.set_index("_row_number")
    assert rows.loc[1, "suicides"] == 120
    assert (rows.loc[13, "sex"], rows.loc[13, "age_band"], rows.loc[13, "suicides"]) == (
        "female",
        "25-34 years",
        12,
    )
    assert rows.loc[13, "population"] is rows["population"].dtype.na_value  # blank: <NA>
    assert rows.loc[14, "age_band"] == "75+ years" and rows["suicides"].isna().sum() == 1
    assert (rows.loc[15, "year"], rows.loc[15, "suicides"]) == (2001, 0)  # a real 0 stays 0
    assert str(rows.loc[15, "year_start"].date()) == "2001-01-01"


def test_every_record_is_accounted_for(batch):
    assert batch.records_in_payload == len(RECORDS) == len(batch.rows) + len(batch.quarantined)


def test_the_duplicate_names_the_record_it_repeats_and_its_key_fields(batch):
    [duplicate] = [q for q in batch.quarantined if q.reason.startswith("duplicate key")]
    assert "as row 1" in duplicate.reason
    assert duplicate.field_names == ("country", "year", "sex", "age_band")


def test_a_replay_quarantines_the_same_records_for_the_same_reasons(batch):
    replayed = batch_from_payload(
        "file", batch.payload, ".jsonl", "landed", batch.batch_id, max_bad_share=1.0
    )
    assert replayed.quarantined == batch.quarantined
    assert replayed.rows.equals(batch.rows)


def test_too_many_bad_records_stop_the_run(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER] + [record for record, _ in RECORDS]))
    with pytest.raises(ExtractError, match="failed validation"):
        extract_who_suicide("file", file_path=path)


def test_personal_data_in_free_text_never_lands_or_reaches_an_error(tmp_path):
    path = tmp_path / "who.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "Write to someone.example@example.com,2001,male,25-34 years,1,100",
                "Austria,2001,male,35-54 years,1,100",
            ]
        )
    )
    batch = extract_who_suicide("file", file_path=path)
    assert b"@example.com" not in batch.payload
    assert batch.rows["country"].tolist() == ["Write to [email]", "Austria"]

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("call 555-010-4477,year\n1,2\n")
    with pytest.raises(ExtractError) as raised:
        extract_who_suicide("file", file_path=wrong)
    assert "555-010-4477" not in str(raised.value) and "[phone]" in str(raised.value)


def test_a_file_with_a_header_and_no_records_is_an_error(tmp_path):
    path = tmp_path / "who.csv"
    path.write_text(HEADER + "\r\n")
    with pytest.raises(ExtractError, match="holds no records"):
        extract_who_suicide("file", file_path=path)
