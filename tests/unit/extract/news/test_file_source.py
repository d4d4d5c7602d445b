"""File mode: saved NewsAPI responses (the real cached copy, and small files written here)."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.news import batch_from_payload, extract_news
from extract.news.validation import article_id, normalise_url
from tests.real_data import REAL_DATA_DIR, require
from tests.unit.extract.news.newsapi import article

REAL_HEALTH = REAL_DATA_DIR / "news_newsapi_health_2023" / "health.json"


def write_response(folder, articles, name="news.json", **response):
    path = folder / name
    path.write_text(
        json.dumps(
            {"status": "ok", "totalResults": len(articles), **response, "articles": articles}
        )
    )
    return path


@pytest.fixture(scope="module")
def real_batch():
    return extract_news("file", file_path=require(REAL_HEALTH))


def test_the_real_cached_response_loads_whole(real_batch):
    batch = real_batch
    assert (len(batch.rows), batch.quarantined, batch.records_in_payload) == (20, [], 20)
    rows = batch.rows
    assert rows["published_at"].max() == pd.Timestamp("2023-05-25 20:32:05")  # naive UTC
    assert set(rows["published_week"]) == {dt.date(2023, 5, 22)}
    assert rows["matched_query"].isna().all()  # a saved response says nothing of its query
    assert rows["outlet_id"].notna().sum() == 1
    assert rows.loc[rows["outlet_name"] == "The Times of India", "outlet_id"].item() == (
        "the-times-of-india"
    )
    assert rows["article_id"].str.fullmatch(r"news-[0-9a-f]{16}").all()
    assert rows["article_id"].is_unique


def test_the_real_titles_lose_their_outlet_suffix(real_batch):
    titles = list(real_batch.rows["title"])
    assert (
        titles[0] == "Step Up for Brain Health: Walking Boosts Brain Networks, Combats Alzheimer's"
    )
    assert not any(t.endswith((" - Neuroscience News", " - Indiatimes.com")) for t in titles)
    # Only the last ' - ' segment goes: the en dash and the '|' part belong to the headline.
    assert (
        "Stakeholders Commit to A Renewed Strategic Framework on Polio Transition – GPEI" in titles
    )
    assert "Sedentary Life Linked With Poor Pain Tolerance: Study | TheHealthSite.com" in titles


def test_the_real_authors_and_excerpts_are_not_landed(real_batch):
    payload = real_batch.payload
    assert b'"author"' not in payload and b'"description"' not in payload
    assert b"Maya Yang" not in payload and b"urlToImage" not in payload
    assert b"[+" not in payload  # content excerpts end with '… [+N chars]'
    assert len(payload.splitlines()) == 20


def test_replay_of_the_real_payload_gives_the_same_rows(real_batch):
    replayed = batch_from_payload(
        "file", real_batch.payload, ".jsonl", "landed.jsonl", real_batch.batch_id
    )
    pd.testing.assert_frame_equal(replayed.rows, real_batch.rows)
    assert replayed.batch_id == real_batch.batch_id


def test_gzip_folders_and_globs_are_read(tmp_path):
    write_response(tmp_path, [article(1), article(2)], "a.json")
    plain = write_response(tmp_path, [article(3)], "b.json")
    (tmp_path / "b.json.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    (tmp_path / "notes.txt").write_text("not a response")
    assert len(extract_news("file", file_path=tmp_path).rows) == 3
    assert len(extract_news("file", file_path=str(tmp_path / "*.json.gz")).rows) == 1


def test_validation_quarantines_what_an_article_cannot_be(tmp_path):
    articles = [
        article(1),
        article(2, publishedAt="yesterday evening"),
        article(3, url="ftp://files.example.org/3"),
        article(4, source={"id": "x", "name": None}),
        "not an article",
        article(6, url=None),
        article(7, publishedAt="2023-05-25T22:32:05+02:00"),
    ]
    batch = extract_news("file", file_path=write_response(tmp_path, articles), max_bad_share=1.0)
    reasons = [(q.row_number, q.reason) for q in batch.quarantined]
    assert reasons == [
        (
            2,
            "publishedAt 'yesterday evening' is not an ISO 8601 time such as "
            "2023-05-25T20:32:05Z (news.json, article 2)",
        ),
        (3, "url 'ftp://files.example.org/3' is not an http(s) url (news.json, article 3)"),
        (4, "source.name is missing or empty (news.json, article 4)"),
        (5, "the article is a JSON str, no object (news.json, article 5)"),
        (6, "url is missing or empty (news.json, article 6)"),
    ]
    assert list(batch.rows["_row_number"]) == [1, 7]
    assert batch.rows["published_at"].iat[1] == pd.Timestamp("2023-05-25 20:32:05")
    assert batch.records_in_payload == len(batch.rows) + len(batch.quarantined)


def test_too_many_bad_articles_stop_the_run(tmp_path):
    articles = [article(n) for n in range(10)] + [article(99, publishedAt="soon")]
    with pytest.raises(ExtractError, match="1 of 11 records .* failed validation"):
        extract_news("file", file_path=write_response(tmp_path, articles))


def test_the_same_url_twice_keeps_the_first(tmp_path):
    first = article(1, url="https://Example.org/news/story-1/#comments")
    again = article(2, url="HTTPS://EXAMPLE.ORG/news/story-1")
    other = article(3, url="https://example.org/news/story-1?page=2")
    batch = extract_news("file", file_path=write_response(tmp_path, [first, again, other]))
    assert [(q.row_number, q.reason) for q in batch.quarantined] == [(2, "duplicate url")]
    assert list(batch.rows["url"]) == [first["url"], other["url"]]  # as given
    assert batch.rows["article_id"].iat[0] == article_id("https://example.org/news/story-1")


def test_urls_are_normalised_for_comparison():
    assert normalise_url("HTTPS://Example.ORG/a/B/#top") == "https://example.org/a/B"
    assert normalise_url("https://example.org/?q=1#x") == "https://example.org?q=1"
    assert normalise_url(" https://example.org ") == "https://example.org"


def test_title_suffixes_go_only_when_short_and_last(tmp_path):
    long_tail = "a subtitle that goes on and on well past what any outlet name would be called"
    articles = [
        article(1, title="Anxiety - what helps - Example Times"),
        article(2, title=f"Depression - {long_tail}"),
        article(3, title="No suffix at all"),
        article(4, title="Call 202-555-0147 today - Example Times"),
    ]
    titles = list(extract_news("file", file_path=write_response(tmp_path, articles)).rows["title"])
    assert titles == [
        "Anxiety - what helps",
        f"Depression - {long_tail}",
        "No suffix at all",
        "Call [phone] today",
    ]


def test_an_error_response_gives_newsapis_message(tmp_path):
    path = tmp_path / "error.json"
    path.write_text(
        json.dumps(
            {"status": "error", "code": "apiKeyMissing", "message": "Your API key is missing."}
        )
    )
    with pytest.raises(ExtractError, match="error.json holds an error response.*apiKeyMissing"):
        extract_news("file", file_path=path)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("<html>", "is not JSON"),
        ('{"results": []}', "not a NewsAPI response"),
        ('{"articles": []}', "holds no articles"),
    ],
)
def test_files_that_are_no_response_are_explained(tmp_path, text, complaint):
    path = tmp_path / "saved.json"
    path.write_text(text)
    with pytest.raises(ExtractError, match=complaint):
        extract_news("file", file_path=path)


def test_file_mode_needs_a_path(tmp_path):
    with pytest.raises(ExtractError, match="MINDPULSE_NEWS_FILE"):
        extract_news("file")
    with pytest.raises(ExtractError, match="no such file or folder"):
        extract_news("file", file_path=tmp_path / "missing.json")
