"""raw.news_articles through the generic load: every record accounted for, incremental, replay."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from extract.batch import ExtractError
from extract.landing import land_payload
from extract.news import RAW_CONTRACT, batch_from_payload, extract_news
from extract.raw_load import load_batch, newest_loaded
from extract.replay import find_landed, replay_batch
from tests.unit.extract.news.newsapi import RecordingSleep, article

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def sample_batch():
    return extract_news("sample", sample_scale=0.2, now=NOW)


@pytest.fixture
def conn(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def count(conn, sql: str) -> int:
    return conn.execute(f"select count(*) from {sql}").fetchall()[0][0]


def test_the_sample_loads_and_the_next_week_adds_to_it(conn, tmp_path, sample_batch):
    first = sample_batch
    loaded = load_batch(conn, first, tmp_path / "a.jsonl", RAW_CONTRACT)
    assert loaded.accounting.balanced and loaded.rows_loaded == len(first.rows)
    assert count(conn, "raw.quarantine where source = 'news'") == 2
    columns = {row[0]: row[1] for row in conn.execute("describe raw.news_articles").fetchall()}
    assert columns["published_at"] == "TIMESTAMP" and columns["published_week"] == "DATE"
    newest = newest_loaded(conn, RAW_CONTRACT, "raw", "sample")
    assert newest == first.rows["published_at"].max()
    later = extract_news(
        "sample", sample_scale=0.2, now=NOW + dt.timedelta(weeks=1), newest_loaded=newest
    )
    assert load_batch(conn, later, tmp_path / "b.jsonl", RAW_CONTRACT).accounting.balanced
    assert count(conn, "raw.news_articles") == len(first.rows) + len(later.rows)
    assert count(conn, "(select distinct article_id from raw.news_articles)") == count(
        conn, "raw.news_articles"
    )


def test_a_live_batch_with_repeats_balances(conn, tmp_path, newsapi_server):
    shared = article(1, "anxiety")
    newsapi_server.articles = {"anxiety": [shared, article(2)], "depression": [shared]}
    batch = extract_news(
        "live",
        api_key="k" * 20,
        base_url=newsapi_server.url,
        queries=["anxiety", "depression"],
        sleep=RecordingSleep(),
    )
    loaded = load_batch(conn, batch, tmp_path / "a.jsonl", RAW_CONTRACT)
    assert loaded.accounting.balanced
    assert (loaded.rows_loaded, loaded.rows_quarantined, batch.records_in_payload) == (2, 1, 3)


def test_replay_rebuilds_the_batch_from_the_landing_folder(conn, tmp_path, sample_batch):
    batch = sample_batch
    landing = land_payload(batch, tmp_path / "landing")
    load_batch(conn, batch, landing.path, RAW_CONTRACT)
    replayed = replay_batch(
        find_landed(tmp_path / "landing", "news", "latest", conn), batch_from_payload
    )
    assert (replayed.batch_id, replayed.mode) == (batch.batch_id, "sample")
    assert replayed.content_version() == batch.content_version()
    assert replayed.quarantined == batch.quarantined


def test_a_damaged_landing_line_is_quarantined_on_replay(sample_batch):
    batch = sample_batch
    lines = batch.payload.split(b"\n")
    lines[4] = lines[4][:40]  # cut short
    replayed = batch_from_payload("sample", b"\n".join(lines), ".jsonl", "x", "news-x", 1.0)
    assert replayed.quarantined[2].row_number == 5
    assert replayed.quarantined[2].reason.startswith("line 5 is not valid JSON")
    assert replayed.records_in_payload == replayed.rows_in == batch.rows_in


def test_replay_reads_only_landed_json_lines():
    with pytest.raises(ExtractError, match="landed as .jsonl"):
        batch_from_payload("file", b"{}", ".json", "x.json", "news-x")
