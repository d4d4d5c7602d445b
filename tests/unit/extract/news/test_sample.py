"""The generated news sample: NewsAPI's shape, its own weekly pattern, privacy, increments."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from extract.news import batch_from_payload, extract_news
from extract.news.extract import DEFAULT_QUERIES
from extract.news.sample import generate_sample
from extract.news.sample_text import OUTLETS
from extract.sample_weeks import attention, sample_weeks
from orchestration.settings import PROJECT_ROOT
from tests.privacy_scan import EMAIL, PHONE
from tests.real_data import REAL_DATA_DIR, require

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # a Monday: the sample ends on Nov 22
SEED_FILE = PROJECT_ROOT / "dbt_project" / "seeds" / "news_outlet_types.csv"


@pytest.fixture(scope="module")
def batch():
    return extract_news("sample", now=NOW)


def test_the_same_inputs_give_the_same_bytes(batch):
    again = extract_news("sample", sample_as_of=dt.date(2026, 11, 26), now=NOW)
    assert again.payload == batch.payload  # any day of the same week: the same weeks
    smaller = extract_news("sample", now=NOW, sample_scale=0.2)
    assert 0.15 < len(smaller.rows) / len(batch.rows) < 0.25


def test_the_sample_covers_104_weeks_with_its_own_pattern(batch):
    rows = batch.rows
    weekly = rows.groupby("published_week").size()
    mondays = sample_weeks(NOW)
    assert list(weekly.index) == mondays
    assert rows["published_at"].max() < pd.Timestamp("2026-11-23")
    assert 30 <= weekly.mean() <= 50 and weekly.min() >= 15 and weekly.max() <= 80
    may = np.array([(m + dt.timedelta(days=3)).month == 5 for m in mondays])
    assert weekly[may].mean() > 1.15 * weekly[~may].mean()  # awareness month
    first_year, second_year = weekly.iloc[:52].mean(), weekly.iloc[52:].mean()
    assert second_year > first_year  # a slow upward trend
    # News is unrelated to the shared attention series, at any lag up to four weeks.
    for lag in range(5):
        shocks = [attention(m - dt.timedelta(weeks=lag)) for m in mondays]
        assert abs(np.corrcoef(weekly.to_numpy(), shocks)[0, 1]) < 0.3


def test_outlets_of_several_kinds_and_every_query(batch):
    rows = batch.rows
    assert set(rows["outlet_name"]) == {outlet.name for outlet in OUTLETS}
    assert set(rows["matched_query"]) == set(DEFAULT_QUERIES)
    assert {outlet.outlet_type for outlet in OUTLETS} == {
        "general_news",
        "health_science",
        "business_technology",
        "local_news",
    }
    assert not rows["title"].str.contains(" - ").any()  # the ' - Outlet' suffixes are gone
    assert rows["title"].str.contains(r"\[phone\]").any()  # a headline's number was scrubbed


def test_the_malformed_articles_are_quarantined(batch):
    assert [q.reason for q in batch.quarantined] == [
        "publishedAt 'last Thursday afternoon' is not an ISO 8601 time such as "
        "2023-05-25T20:32:05Z (generated sample 'mental health', article 1)",
        "url is missing or empty (generated sample 'mental health', article 2)",
    ]
    assert batch.records_in_payload == len(batch.rows) + 2


def test_no_email_address_or_phone_number_lands(batch):
    generated = "".join(r.text for r in generate_sample(DEFAULT_QUERIES, 1.0, NOW))
    assert EMAIL.search(generated) and PHONE.search(generated)  # there were some to drop
    text = batch.payload.decode("utf-8")
    assert "@" not in text
    assert PHONE.search(text) is None
    assert '"author"' not in text and '"content"' not in text


def test_only_articles_after_the_newest_loaded_are_made(batch):
    newest = batch.rows["published_at"].sort_values().iloc[-50]
    later = extract_news("sample", now=NOW, newest_loaded=newest.to_pydatetime())
    assert later.quarantined == []  # the malformed articles come with a whole window only
    expected = batch.rows[batch.rows["published_at"] > newest]
    assert len(later.rows) == len(expected) == 49
    assert set(later.rows["article_id"]) == set(expected["article_id"])
    nothing = extract_news("sample", now=NOW, newest_loaded=batch.rows["published_at"].max())
    assert (len(nothing.rows), nothing.records_in_payload, nothing.payload) == (0, 0, b"")


def test_a_week_later_the_sample_adds_that_week(batch):
    next_week = extract_news(
        "sample",
        now=NOW + dt.timedelta(weeks=1),
        newest_loaded=batch.rows["published_at"].max().to_pydatetime(),
    )
    assert set(next_week.rows["published_week"]) == {dt.date(2026, 11, 23)}
    assert 15 <= len(next_week.rows) <= 80


def test_replay_gives_the_same_batch(batch):
    replayed = batch_from_payload("sample", batch.payload, ".jsonl", "landed.jsonl", "news-x")
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.quarantined == batch.quarantined
    assert replayed.records_in_payload == batch.records_in_payload


def test_every_outlet_has_a_type_in_the_seed():
    with SEED_FILE.open(newline="") as handle:
        types = {row["outlet_name"]: row["outlet_type"] for row in csv.DictReader(handle)}
    allowed = {"general_news", "health_science", "business_technology", "local_news", "other"}
    assert set(types.values()) <= allowed
    assert all(types.get(outlet.name) == outlet.outlet_type for outlet in OUTLETS)
    assert len(types) >= len(OUTLETS) + 40  # the common outlets too


def test_every_outlet_of_the_real_file_has_a_type_in_the_seed():
    real = json.loads(
        require(REAL_DATA_DIR / "news_newsapi_health_2023" / "health.json").read_text()
    )
    with SEED_FILE.open(newline="") as handle:
        names = {row["outlet_name"] for row in csv.DictReader(handle)}
    assert {a["source"]["name"] for a in real["articles"]} <= names
