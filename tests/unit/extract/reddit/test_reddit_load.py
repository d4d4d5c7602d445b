"""raw.reddit_posts through the generic load: replace, never duplicate; replay; incremental."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pytest

from extract.landing import land_payload
from extract.raw_load import data_version, load_batch, newest_loaded
from extract.reddit import extract_reddit
from extract.reddit.extract import batch_from_payload
from extract.reddit.prepare import expire_loaded_bodies
from extract.reddit.records import RAW_CONTRACT
from extract.replay import find_landed, replay_batch
from tests.unit.extract.reddit.reddit_api import KEY

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
STAMP = dt.datetime(2027, 3, 5, 6, 0)  # the load time of the run that expires bodies


@pytest.fixture
def conn(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def count(conn, sql: str) -> int:
    return conn.execute(f"select count(*) from {sql}").fetchall()[0][0]


def test_loading_the_same_file_twice_replaces_it(conn, tmp_path):
    export = tmp_path / "posts.csv"
    export.write_text(
        "id,title,subreddit,created_utc,author,score\n"
        + "".join(
            f"p{i},Title {i},mentalhealth,{1714644000 + i * 60},someone,{i}\n" for i in range(30)
        )
        + "bad,Broken,mental health,1714644000,someone,1\n"
    )
    for run in range(2):
        batch = extract_reddit(
            "file", author_key=KEY, file_path=export, now=NOW + dt.timedelta(seconds=run)
        )
        loaded = load_batch(conn, batch, tmp_path / f"{run}.jsonl", RAW_CONTRACT)
        assert loaded.accounting.balanced
    assert count(conn, "raw.reddit_posts") == 30
    assert count(conn, f"raw.reddit_posts where _batch_id = '{batch.batch_id}'") == 30
    assert count(conn, "raw.quarantine") == 1  # the first load's quarantine went with its rows
    assert loaded.guard.status == "passed"
    assert conn.execute("describe raw.reddit_posts").fetchall()[0][:2] == ("post_id", "VARCHAR")


def test_an_incremental_batch_keeps_the_posts_before_it(conn, tmp_path):
    sample = extract_reddit("sample", author_key=KEY, sample_scale=0.2, now=NOW)
    load_batch(conn, sample, tmp_path / "a.jsonl", RAW_CONTRACT)
    newest = newest_loaded(conn, RAW_CONTRACT, "raw", "sample")
    assert newest == sample.rows["created_utc"].max()
    assert newest_loaded(conn, RAW_CONTRACT, "raw", "live") is None
    # The newest week again (a later fetch of the same posts): only that span is replaced.
    last_week = sample.rows[sample.rows["created_week"] == sample.rows["created_week"].max()]
    partial = dataclasses.replace(
        sample,
        batch_id="reddit-sample-20261126T000000000000Z-00000000",
        rows=last_week,
        quarantined=[],
        records_in_payload=len(last_week),
    )
    load_batch(conn, partial, tmp_path / "b.jsonl", RAW_CONTRACT)
    assert count(conn, "raw.reddit_posts") == len(sample.rows)
    assert count(conn, "raw.quarantine") == 3  # the first batch still has rows: it keeps its own


def test_replay_rebuilds_the_batch_from_the_landing_folder(conn, tmp_path):
    batch = extract_reddit("sample", author_key=KEY, sample_scale=0.2, now=NOW)
    landing = land_payload(batch, tmp_path / "landing")
    load_batch(conn, batch, landing.path, RAW_CONTRACT)
    landed = find_landed(tmp_path / "landing", "reddit", "latest", conn)
    replayed = replay_batch(landed, batch_from_payload)
    assert (replayed.batch_id, replayed.mode) == (batch.batch_id, "sample")
    assert replayed.content_version() == batch.content_version()
    assert [q.reason for q in replayed.quarantined] == [q.reason for q in batch.quarantined]
    conn.execute("delete from raw.reddit_posts")
    loaded = load_batch(conn, replayed, landed.path, RAW_CONTRACT)
    assert loaded.rows_loaded == len(batch.rows) and loaded.accounting.balanced


def test_a_damaged_landing_line_is_quarantined_on_replay(tmp_path):
    batch = extract_reddit("sample", author_key=KEY, sample_scale=0.2, now=NOW)
    lines = batch.payload.split(b"\n")
    lines[4] = lines[4][:40]  # cut short
    replayed = batch_from_payload(
        "sample", b"\n".join(lines), ".jsonl", "x", batch.batch_id, max_bad_share=1
    )
    assert replayed.quarantined[0].row_number == 5
    assert replayed.quarantined[0].reason.startswith("line 5 is not valid JSON")
    assert replayed.records_in_payload == replayed.rows_in == batch.rows_in


def test_loaded_bodies_expire_when_they_pass_the_retention(conn, tmp_path):
    batch = extract_reddit("sample", author_key=KEY, sample_scale=0.2, now=NOW)
    load_batch(conn, batch, tmp_path / "a.jsonl", RAW_CONTRACT)
    texts = count(conn, "raw.reddit_posts where body_state = 'text'")
    assert texts > 0
    assert expire_loaded_bodies(conn, "raw", 365, NOW, loaded_at=STAMP) == 0  # already applied
    # 100 days later, the bodies of posts then older than 365 days go.
    later = NOW + dt.timedelta(days=100)
    cutoff = dt.datetime(2026, 3, 5)  # midnight of (2027-03-05 - 365 days)
    due = count(conn, f"raw.reddit_posts where body_state = 'text' and created_utc < '{cutoff}'")
    assert due > 0
    assert expire_loaded_bodies(conn, "raw", 365, later, loaded_at=STAMP) == due
    assert count(conn, "raw.reddit_posts where body_state = 'text'") == texts - due
    assert count(conn, "raw.reddit_posts where body_state = 'expired' and body is not null") == 0
    # The rows emptied, and only they, are marked as loaded by this run: an incremental mart
    # takes them again.
    assert count(conn, f"raw.reddit_posts where _loaded_at = '{STAMP}'") == due
    assert expire_loaded_bodies(conn, "raw", 365, later, loaded_at=STAMP) == 0


def test_sample_bodies_age_from_the_sample_as_of_day_and_others_from_now(conn, tmp_path):
    """MINDPULSE_SAMPLE_AS_OF a week later expires a week more of generated text, as a real
    week would; posts from a real source always age from the real clock."""
    as_of = NOW.date() - dt.timedelta(days=7)
    batch = extract_reddit("sample", author_key=KEY, sample_scale=0.2, now=NOW, sample_as_of=as_of)
    load_batch(conn, batch, tmp_path / "a.jsonl", RAW_CONTRACT)
    conn.execute(  # a quarter of the posts as if a live fetch had loaded them
        "update raw.reddit_posts set _source_mode = 'live' where hash(post_id) % 4 = 0"
    )

    def texts(mode: str, before: dt.datetime) -> int:
        where = f"_source_mode = '{mode}' and body_state = 'text' and created_utc < '{before}'"
        return count(conn, f"raw.reddit_posts where {where}")

    # Prepared as of `as_of`, so posts from (as_of - 365 days) on still have their text.
    cutoff_then, cutoff_now = dt.datetime(2025, 11, 18), dt.datetime(2025, 11, 25)
    live_due, sample_kept = texts("live", cutoff_now), texts("sample", cutoff_now)
    assert live_due > 0 and sample_kept > 0 and texts("sample", cutoff_then) == 0
    assert expire_loaded_bodies(conn, "raw", 365, NOW, as_of, loaded_at=STAMP) == live_due
    assert texts("live", cutoff_now) == 0 and texts("sample", cutoff_now) == sample_kept
    # A week later for the sample too.
    assert expire_loaded_bodies(conn, "raw", 365, NOW, NOW.date(), loaded_at=STAMP) == sample_kept
    assert texts("sample", cutoff_now) == 0


def test_the_data_version_follows_the_table_not_the_batch(conn, tmp_path):
    """An incremental table's data version is its rows': a run with nothing new loads an empty
    batch and leaves it (and every row) as it was; a new week or an expired body changes it."""
    as_of = NOW.date() - dt.timedelta(days=7)

    def run(day: dt.date, stamp: int):
        newest = newest_loaded(conn, RAW_CONTRACT, "raw", "sample")
        batch = extract_reddit(
            "sample",
            author_key=KEY,
            sample_scale=0.2,
            now=NOW + dt.timedelta(seconds=stamp),
            sample_as_of=day,
            newest_loaded=newest,
        )
        loaded = load_batch(conn, batch, tmp_path / f"{stamp}.jsonl", RAW_CONTRACT)
        expire_loaded_bodies(conn, "raw", 365, NOW, day, loaded_at=loaded.loaded_at)
        return batch, data_version(conn, RAW_CONTRACT, batch)

    first, version = run(as_of, 0)
    rows = conn.execute("select * from raw.reddit_posts order by post_id").fetchall()
    again, same = run(as_of, 1)
    assert (len(again.rows), again.payload, again.quarantined) == (0, b"", [])
    assert same == version
    assert conn.execute("select * from raw.reddit_posts order by post_id").fetchall() == rows
    # A week later: that week's posts (the malformed ones came with the first batch only), and
    # a week of bodies aged.
    later, moved = run(NOW.date(), 2)
    assert set(later.rows["created_week"]) == {dt.date(2026, 11, 16)}
    assert later.quarantined == [] and count(conn, "raw.quarantine") == 3
    assert count(conn, "raw.reddit_posts") == len(first.rows) + len(later.rows)
    assert moved != version
    # Nothing new, but a body passes the retention: another version.
    conn.execute(
        "update raw.reddit_posts set body_state = 'text', body = 'still here' "
        "where post_id = (select min(post_id) from raw.reddit_posts where body_state = 'expired')"
    )
    assert data_version(conn, RAW_CONTRACT, later) != moved
    _, expired = run(NOW.date(), 3)
    assert expired == moved
