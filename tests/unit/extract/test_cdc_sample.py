"""Sample mode: the generator's determinism, shape and deliberate defects."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from extract.cdc_pulse import extract_cdc_pulse, generate_sample_csv
from extract.cdc_pulse.calendar import COLLECTION_WINDOWS, GAP_WINDOWS
from extract.cdc_pulse.file_source import EXPORT_COLUMNS
from extract.cdc_pulse.sample import STATE_NAMES, state_areas

GROUPS = {
    "National Estimate",
    "By Age",
    "By Sex",
    "By Race/Hispanic ethnicity",
    "By Education",
    "By Gender identity",
    "By Sexual orientation",
    "By Disability status",
    "By State",
}


@pytest.fixture(scope="module")
def sample_batch():
    return extract_cdc_pulse("sample")


def test_same_scale_and_seed_give_the_same_text():
    assert generate_sample_csv(0.5) == generate_sample_csv(0.5)
    assert generate_sample_csv(0.5, seed=1) != generate_sample_csv(0.5)


def test_a_series_does_not_depend_on_the_scale():
    small = extract_cdc_pulse("sample", sample_scale=0.5).rows
    large = extract_cdc_pulse("sample", sample_scale=2).rows
    key = ["indicator", "group_name", "subgroup", "phase", "time_period"]
    national = (small["group_name"] == "National Estimate") & (small["phase"] != "-1")
    merged = small[national].merge(large, on=key, suffixes=("_s", "_l"))
    assert len(merged) == 3 * 72
    assert (merged["value_s"] == merged["value_l"]).all()


def test_the_text_has_the_export_format():
    text = generate_sample_csv(0.3)
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == list(EXPORT_COLUMNS)
    first = next(reader)
    assert first[:9] == [
        "Symptoms of Depressive Disorder",
        "National Estimate",
        "United States",
        "United States",
        "1",
        "1",
        "Apr 23 - May 5, 2020",
        "04/23/2020",
        "05/05/2020",
    ]
    assert '"Apr 23 - May 5, 2020"' in text.splitlines()[1]  # quoted like the export


def test_shape_matches_the_export(sample_batch):
    rows = sample_batch.rows
    assert set(rows["group_name"]) == GROUPS
    assert rows["indicator"].nunique() == 3
    gap = rows["phase"] == "-1"
    national = rows[(rows["group_name"] == "National Estimate") & ~gap]
    assert national.groupby("indicator")["time_period"].nunique().tolist() == [72, 72, 72]
    assert sorted(national["period_start"].unique()) == [w.start for w in COLLECTION_WINDOWS]
    # One gap row per gap window for every non-state series (3 x 27), none for states.
    assert gap.sum() == len(GAP_WINDOWS) * 3 * 27
    assert not (gap & (rows["group_name"] == "By State")).any()
    assert (rows.loc[gap, "time_period"] == 1).all() and rows.loc[gap, "value"].isna().all()
    assert set(rows.loc[gap, "period_start"]) == {w.start for w in GAP_WINDOWS}
    assert "3.0 (Jan 6 - Mar 29)" in set(rows["phase"])


def test_values_are_plausible_and_intervals_ordered(sample_batch):
    rows = sample_batch.rows.dropna(subset=["value"])
    assert rows["value"].between(0, 100).all()
    assert (rows["low_ci"] <= rows["value"]).all() and (rows["value"] <= rows["high_ci"]).all()
    national = rows[rows["group_name"] == "National Estimate"]
    levels = national.groupby("indicator")["value"].agg(["min", "max"])
    assert levels.loc["Symptoms of Anxiety Disorder"].between(23, 39).all()
    assert levels.loc["Symptoms of Depressive Disorder"].between(18, 32).all()
    both = "Symptoms of Anxiety Disorder or Depressive Disorder"
    assert levels.loc[both].between(28, 44).all()
    # Pandemic peak in late 2020, lower by the end of the survey.
    anxiety = national[national["indicator"] == "Symptoms of Anxiety Disorder"]
    by_year = anxiety.groupby(anxiety["period_start"].map(lambda d: d.year))["value"].mean()
    assert by_year.idxmax() == 2020 and by_year[2024] < by_year[2020] - 5
    # Small groups get wider intervals than the national estimate.
    width = rows["high_ci"] - rows["low_ci"]
    assert width[rows["subgroup"] == "Transgender"].mean() > 5 * width[national.index].mean()


def test_suppressed_values_and_state_quartiles(sample_batch):
    rows = sample_batch.rows
    suppressed = rows[(rows["phase"] != "-1") & rows["value"].isna()]
    assert len(suppressed) == 2 and set(suppressed["group_name"]) == {"By Gender identity"}
    states = rows[(rows["group_name"] == "By State")]
    assert list(states["subgroup"].unique()) == list(STATE_NAMES[:10])
    assert (states["state"] == states["subgroup"]).all()
    assert states["quartile_range"].notna().all()
    assert states.loc[states["time_period"] <= 2, "quartile_range"].str.contains(" - ").all()
    assert not states.loc[states["time_period"] > 2, "quartile_range"].str.contains(" ").any()


def test_exactly_three_malformed_rows_are_quarantined(sample_batch):
    reasons = [q.reason for q in sample_batch.quarantined]
    assert reasons == [
        "Time Period Start Date '13/45/2021' is not a MM/DD/YYYY date",
        "Value 'n/a' is not a number",
        "Subgroup is empty",
    ]
    assert sample_batch.rows_in == len(sample_batch.rows) + 3 == 8_805
    assert len(sample_batch.quarantined) / sample_batch.rows_in < 0.05 / 10


def test_state_areas_grow_with_the_scale():
    assert state_areas(1) == list(STATE_NAMES[:10])
    areas = state_areas(10)
    assert len(areas) == 100 and areas[:51] == list(STATE_NAMES)
    assert areas[51] == "Synthetic Area 052" and areas[-1] == "Synthetic Area 100"
    assert state_areas(0.01) == []


def test_scale_ten_is_complete():
    batch = extract_cdc_pulse("sample", sample_scale=10)
    states = batch.rows[batch.rows["group_name"] == "By State"]
    assert states["subgroup"].nunique() == 100
    assert len(batch.rows) == 3 * (27 * 82 + 100 * 72)


def test_invalid_scale_is_a_clear_error():
    from extract.batch import ExtractError

    with pytest.raises(ExtractError, match="sample_scale must be a positive number"):
        extract_cdc_pulse("sample", sample_scale=0)


def test_a_sample_as_of_a_day_ends_with_the_windows_that_ended_before_it():
    """The survey calendar ended in 2024, so today's sample is the whole of it; an earlier
    MINDPULSE_SAMPLE_AS_OF cuts the export where it stood then, without changing a value."""
    whole = generate_sample_csv(1)
    as_of = dt.date(2022, 6, 1)
    earlier = generate_sample_csv(1, as_of=as_of)
    assert whole.startswith(earlier) and len(earlier) < len(whole)
    kept = _end_dates(earlier)
    assert max(kept) < as_of <= _end_dates(whole)[len(kept)]  # the first window left out
    assert generate_sample_csv(1, as_of=dt.date.today()) == whole


def _end_dates(text: str) -> list[dt.date]:
    column = EXPORT_COLUMNS.index("Time Period End Date")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return [dt.datetime.strptime(row[column], "%m/%d/%Y").date() for row in rows]
