"""The generated Reddit sample: deterministic, realistic enough, scaled, exercising privacy."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from extract.reddit import extract_reddit
from extract.reddit.sample import expected_posts, generate_sample
from extract.sample_weeks import WEEKS, sample_weeks
from tests.unit.extract.reddit.reddit_api import KEY

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
MALFORMED = ("zzzzzz1", "zzzzzz2", "zzzzzz3")


@pytest.fixture(scope="module")
def batch():
    return extract_reddit("sample", author_key=KEY, now=NOW)


def test_the_same_week_and_scale_give_the_same_bytes():
    first = extract_reddit("sample", author_key=KEY, now=NOW)
    later_that_day = extract_reddit("sample", author_key=KEY, now=NOW + dt.timedelta(hours=11))
    assert first.payload == later_that_day.payload
    assert first.content_version() == later_that_day.content_version()


def test_weeks_two_runs_share_hold_the_same_posts():
    """A week later the sample moves by one week; the weeks in common hold the very same posts,
    field by field, so what a run generates for a week never depends on the day it runs."""
    this_week = generate_sample(1, NOW)
    next_week = generate_sample(1, NOW + dt.timedelta(days=7))
    shared = sample_weeks(NOW + dt.timedelta(days=7))[0]
    start = int(pd.Timestamp(shared).timestamp())
    old = this_week[this_week["created_utc"].apply(lambda v: isinstance(v, int) and v >= start)]
    old = old[~old["id"].isin(MALFORMED)]  # they come with the newest week of a whole window
    new = next_week[next_week["id"].isin(old["id"])]
    assert len(new) == len(old) > 9000
    assert new.set_index("id").sort_index().equals(old.set_index("id").sort_index())
    assert next_week["id"].is_unique


def test_since_the_newest_post_loaded_only_newer_posts_are_made():
    """Incremental like the live source: after the newest post loaded, nothing in the same
    week; a week later, exactly that week's posts as the whole window holds them."""
    whole = generate_sample(1, NOW)
    newest = pd.to_datetime(whole["created_utc"].iloc[:-3], unit="s").max()  # 3 malformed last
    assert generate_sample(1, NOW + dt.timedelta(days=2), since=newest).empty
    later = generate_sample(1, NOW + dt.timedelta(days=7), since=newest)
    whole_later = generate_sample(1, NOW + dt.timedelta(days=7))
    new_week = whole_later[~whole_later["id"].isin(MALFORMED)]
    new_week = new_week[new_week["created_utc"] > newest.timestamp()]
    assert len(later) > 80
    # (dtypes aside: the whole window's columns are objects, its malformed posts hold text)
    pd.testing.assert_frame_equal(
        later.reset_index(drop=True), new_week.reset_index(drop=True), check_dtype=False
    )
    # A post of the newest second loaded is not made again: a generated week is whole.
    just_before = newest - pd.Timedelta(seconds=1)
    again = generate_sample(1, NOW, since=just_before)
    assert (pd.to_datetime(again["created_utc"], unit="s") == newest).all() and len(again) >= 1


def test_scale_one_is_about_ten_thousand_posts_over_two_years(batch):
    rows = batch.rows
    assert 9_000 <= len(rows) <= 11_000
    assert len(sample_weeks(NOW)) == WEEKS == rows["created_week"].nunique()
    assert rows["created_week"].max() == dt.date(2026, 11, 16)  # the last complete week
    assert set(rows["subreddit"]) == {"mentalhealth", "depression", "Anxiety"}
    assert rows["post_id"].is_unique and rows["post_id"].str.fullmatch("[a-z0-9]{7}").all()
    assert set(rows["body_state"]) == {"text", "expired", "removed", "deleted", "empty"}
    # Bodies older than the 365-day retention are gone, newer ones kept.
    cutoff = pd.Timestamp("2025-11-25")
    assert rows.loc[rows["created_utc"] < cutoff, "body"].isna().all()
    assert (rows.loc[rows["created_utc"] >= cutoff, "body_state"] == "text").mean() > 0.85


def test_the_three_malformed_posts_are_quarantined(batch):
    reasons = [q.reason for q in batch.quarantined]
    assert len(reasons) == 3
    assert reasons[0].startswith("score 'about twenty' is not a whole number")
    assert reasons[1].startswith("created_utc 'last Tuesday' is not a time")
    assert reasons[2].startswith("subreddit 'mental health' is not a subreddit name")
    assert batch.records_in_payload == batch.rows_in == len(batch.rows) + 3


def test_weekly_volumes_have_seasons_and_shifts():
    anxiety = [
        expected_posts(dt.date(2025, 8, 25), "Anxiety"),
        expected_posts(dt.date(2025, 9, 1), "Anxiety"),
    ]
    assert anxiety[1] / anxiety[0] == pytest.approx(1.33, rel=0.02)
    winter = expected_posts(dt.date(2025, 1, 20), "depression")
    summer = expected_posts(dt.date(2025, 7, 21), "depression")
    assert winter / summer > 1.3


def test_personal_data_in_generated_bodies_is_scrubbed(batch):
    raw = generate_sample(1, NOW)
    with_contact = raw["selftext"].str.contains("example.org|555-01|instagram.com", na=False)
    assert with_contact.sum() > 50  # the privacy step has work to do
    text = batch.payload.decode()
    assert "example.org" not in text and "555-01" not in text and "instagram.com" not in text
    assert not re.search(r"(?<![\w/])u/\w", text)
    assert "[email]" in text and "[phone]" in text and "[url]" in text and "[username]" in text
    authors = set(raw["author"].dropna())
    # Every string of the payload (keys and values of its JSON lines), none an author's name.
    strings = {
        value
        for line in text.splitlines()
        for key, field in json.loads(line).items()
        for value in (key, field)
        if isinstance(value, str)
    }
    assert len(strings) > len(raw) and not strings & authors
    assert "quiet_river" not in text


@pytest.mark.parametrize(("scale", "low", "high"), [(0.1, 900, 1_100), (10, 90_000, 110_000)])
def test_the_scale_sets_the_volume(scale, low, high):
    frame = generate_sample(scale, NOW)
    assert low <= len(frame) <= high


def test_a_sample_as_of_a_week_later_adds_one_week_and_ages_one_week_of_text():
    """MINDPULSE_SAMPLE_AS_OF: sample mode pretends it is that day. A week later the batch gains
    the week that has just ended and loses its oldest; a post both batches hold differs only
    when its body passed the 365-day retention in between. The batch id keeps the real time."""
    as_of = dt.date(2026, 11, 18)  # a Wednesday: the last complete week starts 2026-11-09
    runs = [
        extract_reddit("sample", author_key=KEY, sample_scale=0.3, now=NOW, sample_as_of=day)
        for day in (as_of, as_of + dt.timedelta(days=7))
    ]
    before, after = (run.rows.set_index("post_id") for run in runs)
    weeks_before, weeks_after = set(before["created_week"]), set(after["created_week"])
    assert weeks_after - weeks_before == {dt.date(2026, 11, 16)}
    assert weeks_before - weeks_after == {dt.date(2024, 11, 18)}
    assert runs[1].batch_id.startswith("reddit-sample-20261125T12")

    shared = before.index.intersection(after.index)
    columns = [c for c in before.columns if c != "_row_number"]  # a position in the payload
    old, new = before.loc[shared, columns], after.loc[shared, columns]
    differs = (old.ne(new) & ~(old.isna() & new.isna())).any(axis=1)
    aged = (old["created_utc"] >= pd.Timestamp("2025-11-18")) & (
        old["created_utc"] < pd.Timestamp("2025-11-25")
    )
    assert differs.sum() > 0
    assert differs.equals(aged & (old["body_state"] == "text"))
    assert (new.loc[differs, "body_state"] == "expired").all()
    assert new.loc[differs, "body"].isna().all()


def test_a_sample_as_of_today_is_the_sample_of_today():
    today = extract_reddit("sample", author_key=KEY, sample_scale=0.1, now=NOW)
    as_of = extract_reddit(
        "sample", author_key=KEY, sample_scale=0.1, now=NOW, sample_as_of=NOW.date()
    )
    assert as_of.payload == today.payload
