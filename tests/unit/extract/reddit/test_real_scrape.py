"""The real praw scrape of r/mentalhealth (../shared, see its SOURCE.md), end to end to RAW."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from extract.raw_load import load_batch
from extract.reddit import extract_reddit
from extract.reddit.extract import batch_from_payload
from extract.reddit.records import RAW_CONTRACT
from tests.real_data import REDDIT_SCRAPE, require
from tests.unit.extract.reddit.reddit_api import KEY

NOW = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)  # all posts within a year: bodies kept


@pytest.fixture(scope="module")
def scrape():
    return require(REDDIT_SCRAPE)


@pytest.fixture(scope="module")
def batch(scrape):
    return extract_reddit("file", author_key=KEY, file_path=scrape, now=NOW)


def test_every_record_of_the_scrape_loads(batch, tmp_path):
    assert (len(batch.rows), len(batch.quarantined), batch.records_in_payload) == (2026, 0, 2026)
    assert batch.rows["post_id"].nunique() == 1938  # 83 permalinks scraped twice (88 rows)
    assert set(batch.rows["subreddit"]) == {"mentalhealth"}
    assert batch.rows["created_utc"].min() == pd.Timestamp("2023-04-06 07:17:59")
    assert batch.rows["created_utc"].max() == pd.Timestamp("2024-06-17 04:45:52")
    assert batch.rows["body"].str.contains("\n").sum() > 1000  # multi-line bodies intact
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    loaded = load_batch(conn, batch, tmp_path / "landed.jsonl", RAW_CONTRACT)
    assert loaded.accounting.balanced and loaded.rows_loaded == 2026
    conn.close()


def test_no_author_name_of_the_scrape_is_stored_anywhere(scrape, batch):
    authors = set(pd.read_csv(scrape)["author"].dropna())
    assert len(authors) > 1000
    stored = "\n".join(
        [
            batch.payload.decode(),
            batch.rows.astype(str).to_csv(),
            *(q.reason + q.excerpt + " ".join(q.field_names) for q in batch.quarantined),
        ]
    )
    # Whole words only: 'the' or 'Ann' may be usernames and also words of a post.
    words = set(pd.Series(stored.replace("\n", " ").split(" ")).str.strip(".,;:!?'\"()[]"))
    leaked = sorted(name for name in authors if name in words and len(name) > 3)
    assert leaked == [], leaked[:10]
    assert batch.rows["author_hash"].notna().sum() == 2026 - 86  # 86 deleted accounts


def test_its_quarantine_keeps_no_author_when_a_record_breaks(scrape, tmp_path):
    """Cut the scrape inside a body: the broken records' excerpts hold no username."""
    text = scrape.read_text()
    cut = text.index("\n", len(text) // 2)
    damaged = tmp_path / "damaged.csv"
    # An unquoted line break in the middle of a quoted body: the quote state flips from there.
    damaged.write_text(text[:cut] + '"\n' + text[cut:])
    batch = extract_reddit("file", author_key=KEY, file_path=damaged, now=NOW, max_bad_share=1)
    assert batch.quarantined, "the damage should be visible in the quarantine"
    authors = set(pd.read_csv(scrape)["author"].dropna())
    kept = " ".join(q.excerpt + " " + q.reason for q in batch.quarantined)
    assert not [a for a in authors if len(a) > 3 and a in kept]
    assert batch.payload.decode().count("\n") == batch.rows_in


def test_replaying_the_landed_payload_gives_the_same_batch(batch):
    replayed = batch_from_payload("file", batch.payload, ".jsonl", "landed", "reddit-file-x-1")
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.quarantined == batch.quarantined
