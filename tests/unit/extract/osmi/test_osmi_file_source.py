"""OSMI survey files in both published layouts, through the extract to the batch and RAW."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.osmi_survey import extract_osmi_survey
from extract.osmi_survey.extract import batch_from_payload
from extract.osmi_survey.records import RAW_CONTRACT
from extract.raw_load import load_batch
from tests import osmi_fixture as fx
from tests.real_data import OSMI_SURVEY_2014, require


@pytest.fixture
def folder(tmp_path):
    return fx.write_fixture(tmp_path / "osmi")


@pytest.fixture
def batch(folder):
    return extract_osmi_survey("file", file_path=folder)


def test_both_layouts_load_every_respondent_with_its_year(batch):
    rows = batch.rows
    assert (len(rows), len(batch.quarantined), batch.records_in_payload) == (fx.RESPONDENTS, 0, 11)
    counts = rows.groupby(["survey_year", "layout"]).size().to_dict()
    assert counts == {(2014, "2014"): len(fx.ROWS_2014), (2016, "2016"): len(fx.ROWS_2016)}
    assert rows["respondent_id"].is_unique


def test_the_2016_questions_map_onto_the_2014_columns(batch):
    rows = batch.rows[batch.rows["layout"] == "2016"].reset_index(drop=True)
    # The age header holds a non-breaking space; multiple choices and an answer with line
    # breaks did not split any record, so each age is the one its row gave.
    assert rows["age"].tolist() == [int(row[24]) for row in fx.ROWS_2016]
    assert rows["treatment"].tolist() == [row[22] for row in fx.ROWS_2016]  # 0/1 kept as given
    assert rows["remote_work"].tolist() == [row[29] for row in fx.ROWS_2016]
    assert rows["country"].tolist() == [row[26] for row in fx.ROWS_2016]
    assert rows["benefits"].iloc[0] == "Not eligible for coverage / N/A"
    assert rows["gender"].iloc[4] is pd.NA  # blank answers are null
    assert rows["submitted_at"].isna().all()  # the 2016 layout has no timestamp


def test_2014_answers_keep_odd_values_and_na_is_null(batch):
    rows = batch.rows[batch.rows["layout"] == "2014"].reset_index(drop=True)
    assert rows["age"].tolist() == [int(row[1]) for row in fx.ROWS_2014]  # -1726, 99999999999
    assert rows["self_employed"].isna().sum() == 5  # 'NA'
    assert rows["submitted_at"].is_monotonic_increasing is False  # out of order, kept as is


def test_free_text_and_other_questions_never_reach_the_payload_or_rows(batch):
    landed = batch.payload.decode("utf-8")
    for text in (fx.EMAIL, fx.PHONE, "Anxiety Disorder", "Back-end Developer", "health issue"):
        assert text not in landed
        assert (
            not batch.rows.astype(str)
            .apply(lambda c, t=text: c.str.contains(t, regex=False))
            .any()
            .any()
        )


def test_a_replay_of_the_landed_payload_gives_the_same_rows(batch):
    replayed = batch_from_payload("file", batch.payload, ".jsonl", "landed", batch.batch_id)
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.records_in_payload == fx.RESPONDENTS


def test_respondent_ids_are_stable_and_a_repeated_row_gets_its_own(folder, tmp_path):
    first = extract_osmi_survey("file", file_path=folder).rows["respondent_id"]
    again = extract_osmi_survey("file", file_path=folder).rows["respondent_id"]
    assert first.tolist() == again.tolist()
    twice = tmp_path / "twice" / fx.FILE_2014
    twice.parent.mkdir()
    twice.write_text(fx.csv_text(list(fx.COLUMNS_2014), [fx.ROWS_2014[0]] * 2))
    ids = extract_osmi_survey("file", file_path=twice).rows["respondent_id"].tolist()
    assert ids[1] == ids[0] + "-2" and ids[0] in first.tolist()


def test_a_file_in_neither_layout_names_the_missing_columns(tmp_path):
    wrong = tmp_path / "answers-2016.csv"
    wrong.write_text("What is your age?,What is your gender?,Favourite colour\n30,F,blue\n")
    with pytest.raises(ExtractError) as error:
        extract_osmi_survey("file", file_path=wrong)
    lacking = str(error.value).split("lacks the column(s)")[1].split(". ")[0]
    assert "'What country do you live in?'" in lacking and "'Are you self-employed?'" in lacking
    assert "'What is your age?'" not in lacking  # it has that one


def test_a_later_layout_file_needs_its_year_in_the_name(tmp_path):
    unnamed = tmp_path / "survey.csv"
    unnamed.write_text(fx.csv_text(fx.HEADER_2016, fx.ROWS_2016))
    with pytest.raises(ExtractError, match="its name holds no year"):
        extract_osmi_survey("file", file_path=unnamed)


def test_rows_that_cannot_be_parsed_are_quarantined_with_the_reason(tmp_path):
    rows = [list(row) for row in fx.ROWS_2014]
    rows[1][1] = "thirty"  # not a whole number
    rows[2][0] = "last tuesday"  # not a timestamp
    text = fx.csv_text(list(fx.COLUMNS_2014), rows) + '"2014-08-28 10:00:00","30","M"\n'
    path = tmp_path / "survey.csv"
    path.write_text(text)
    batch = extract_osmi_survey("file", file_path=path, max_bad_share=0.5)
    reasons = {q.row_number: q.reason for q in batch.quarantined}
    assert len(batch.rows) == len(rows) - 2 and batch.rows_in == batch.records_in_payload == 7
    assert "age is not a whole number" in reasons[2]
    assert "Timestamp is not a date and time" in reasons[3]
    assert "3 fields but the header has 27" in reasons[7]


def test_loading_twice_replaces_the_survey(batch, tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    for _ in range(2):
        loaded = load_batch(conn, batch, tmp_path / "landed.jsonl", RAW_CONTRACT)
        assert loaded.accounting.balanced
    assert conn.execute("select count(*) from raw.osmi_survey_responses").fetchall() == [(11,)]


def test_the_real_2014_survey_loads_every_respondent():
    batch = extract_osmi_survey("file", file_path=require(OSMI_SURVEY_2014))
    assert (len(batch.rows), len(batch.quarantined), batch.records_in_payload) == (1259, 0, 1259)
    ages = batch.rows["age"]
    assert ((ages < 18) | (ages > 100)).sum() == 8
    assert batch.rows["gender"].str.strip().str.lower().nunique() == 41
    assert batch.rows["respondent_id"].is_unique
