"""The generated sample: Google's export format, deterministic, and the planted lead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from extract.google_trends import extract_google_trends
from extract.google_trends.sample import generate_sample_exports
from extract.sample_weeks import WEEKS, attention, sample_weeks

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def batch():
    return extract_google_trends("sample", sample_as_of=AS_OF)


def series(batch, term: str, place: str):
    rows = batch.rows[(batch.rows["term"] == term) & (batch.rows["place"] == place)]
    return rows.sort_values("period_date")


def test_the_same_day_and_scale_give_the_same_bytes(batch):
    again = extract_google_trends("sample", sample_as_of=AS_OF)
    assert again.payload == batch.payload
    assert again.content_version() == batch.content_version()
    live = extract_google_trends("live", sample_as_of=AS_OF)  # no network: the sample
    assert (live.mode, live.payload) == ("sample", batch.payload)


def test_the_sample_is_google_export_text_read_by_the_file_reader(batch):
    [(name, text), *_] = generate_sample_exports(1, datetime(2026, 11, 25, tzinfo=UTC))
    assert name.endswith(".csv")
    assert text.startswith("Category: All categories\n\nWeek,mental health: (United States),")
    assert batch.notes["file_layouts"] == {"google_export": 3}
    assert batch.records_in_payload == len(batch.rows) == 3 * 3 * WEEKS
    assert not batch.quarantined


def test_weeks_are_the_sundays_before_the_shared_sample_mondays(batch):
    mondays = sample_weeks(datetime(2026, 11, 25))
    sundays = sorted(set(batch.rows["period_date"]))
    assert sundays == [monday - timedelta(days=1) for monday in mondays]
    assert set(batch.rows["granularity"]) == {"weekly"}


def test_each_export_peaks_at_100_and_one_low_series_has_below_one_values(batch):
    assert (batch.rows.groupby("file_name")["interest"].max() == 100).all()
    low = series(batch, "therapy", "Vermont")
    assert 1 <= low["below_one"].sum() <= 20
    assert (low.loc[low["below_one"], "interest"] == 0.5).all()
    assert batch.notes["below_one_values"] == low["below_one"].sum()


def test_more_places_at_larger_scales():
    places = set(extract_google_trends("sample", sample_as_of=AS_OF, sample_scale=5).rows["place"])
    assert len(places) == 11 and "United States" in places


def correlation_with_attention(rows) -> float:
    mondays = [sunday + timedelta(days=1) for sunday in rows["period_date"]]
    shocks = [attention(monday) for monday in mondays]
    return float(np.corrcoef(rows["interest"].to_numpy(), shocks)[0, 1])


def test_only_us_mental_health_follows_attention_in_the_same_week(batch):
    assert correlation_with_attention(series(batch, "mental health", "United States")) > 0.8
    for term, place in (("anxiety", "United States"), ("mental health", "California")):
        assert abs(correlation_with_attention(series(batch, term, place))) < 0.3
