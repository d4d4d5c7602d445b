"""The generated OSMI sample: the 2014 export's shape, its quirks, correlated answers."""

from __future__ import annotations

import pandas as pd

from extract.osmi_survey import extract_osmi_survey
from extract.osmi_survey.sample import COLUMNS_2014, generate_sample_csv, generate_sample_frame


def test_the_same_scale_gives_the_same_text_and_scale_sets_the_size():
    assert generate_sample_csv(0.5) == generate_sample_csv(0.5)
    assert len(generate_sample_frame(0.5)) == 500
    assert len(generate_sample_frame(3)) == 3000
    assert generate_sample_csv(0.5).splitlines()[0].split(",") == list(COLUMNS_2014)


def test_the_sample_loads_through_the_file_reader_without_loss():
    batch = extract_osmi_survey("sample", sample_scale=1)
    assert (len(batch.rows), len(batch.quarantined), batch.records_in_payload) == (1000, 0, 1000)
    assert set(batch.rows["layout"]) == {"2014"} and set(batch.rows["survey_year"]) == {2014}
    # Comments (some with an e-mail address or a phone number) are never landed.
    assert b"@example.com" not in batch.payload and b"555-010" not in batch.payload


def test_the_real_exports_quirks_are_planted():
    frame = generate_sample_frame(2)
    ages = pd.to_numeric(frame["Age"])
    assert ((ages < 18) | (ages > 100)).sum() > 0 and ages.between(18, 100).mean() > 0.98
    assert frame["Gender"].nunique() > 10  # free text, many spellings
    stamps = pd.to_datetime(frame["Timestamp"])
    assert (stamps.diff().dt.total_seconds() < 0).sum() > 0  # a few out of order
    assert (frame["state"].notna() & (frame["Country"] != "United States")).sum() > 0
    assert frame["comments"].str.contains("@", na=False).any()


def test_answers_are_correlated_as_in_the_real_survey():
    frame = generate_sample_frame(5)
    treated = frame["treatment"] == "Yes"
    family = frame["family_history"] == "Yes"
    assert treated[family].mean() > treated[~family].mean() + 0.2
    benefits = frame["benefits"] == "Yes"
    assert treated[benefits].mean() > treated[~benefits].mean()
    large = frame["no_employees"].isin(["500-1000", "More than 1000"])
    assert benefits[large].mean() > benefits[~large].mean() + 0.2
    self_employed = frame["self_employed"] == "Yes"
    assert frame.loc[self_employed, "no_employees"].isin(["1-5", "6-25", "26-100"]).all()
