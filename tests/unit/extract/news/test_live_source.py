"""Live mode against a local NewsAPI on 127.0.0.1 (real requests, no internet)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from extract.batch import ExtractError
from extract.news import extract_news
from extract.news.live_source import fetch_articles
from tests.unit.extract.news.newsapi import CAP_MESSAGE, RecordingSleep, article

KEY = "test-key-0123456789abcdef"


def live(server, **options):
    options = {"api_key": KEY, "base_url": server.url, "sleep": RecordingSleep(), **options}
    return extract_news("live", **options)


def test_pages_through_every_result_sending_the_key_in_a_header(newsapi_server):
    newsapi_server.articles = {"anxiety": [article(n) for n in range(250)]}
    batch = live(newsapi_server, queries=["anxiety"])
    requests = newsapi_server.requests
    assert [r["query"]["page"] for r in requests] == ["1", "2", "3"]
    assert all(r["path"] == "/v2/everything" for r in requests)
    first = requests[0]["query"]
    assert (first["q"], first["language"], first["sortBy"], first["pageSize"]) == (
        "anxiety",
        "en",
        "publishedAt",
        "100",
    )
    assert "from" not in first  # nothing loaded yet: everything NewsAPI serves
    assert all(r["headers"]["X-Api-Key"] == KEY for r in requests)
    assert not any(KEY in json.dumps(r["query"]) for r in requests)  # never in the url
    assert (len(batch.rows), batch.quarantined, batch.records_in_payload) == (250, [], 250)
    assert set(batch.rows["matched_query"]) == {"anxiety"}
    assert batch.notes["news_total_results"] == {"anxiety": 250}
    assert batch.notes["news_fetch_capped"] is False


def test_paging_stops_when_the_total_is_fetched(newsapi_server):
    newsapi_server.articles = {"anxiety": [article(n) for n in range(200)]}
    assert len(live(newsapi_server, queries=["anxiety"]).rows) == 200
    assert [r["query"]["page"] for r in newsapi_server.requests] == ["1", "2"]


def test_only_articles_from_the_newest_loaded_on_are_asked_for(newsapi_server):
    newsapi_server.articles = {"depression": [article(1, "depression")]}
    newest = dt.datetime(2026, 11, 20, 8, 15, 30)  # naive UTC, as the warehouse stores it
    live(newsapi_server, queries=["depression"], newest_loaded=newest)
    assert newsapi_server.requests[0]["query"]["from"] == "2026-11-20T08:15:30"
    aware = dt.datetime(2026, 11, 20, 9, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    live(newsapi_server, queries=["depression"], newest_loaded=aware)
    assert newsapi_server.requests[1]["query"]["from"] == "2026-11-20T08:15:30"


def test_each_query_is_searched_and_repeats_across_queries_are_quarantined(newsapi_server):
    shared = article(7, "anxiety")
    newsapi_server.articles = {
        "anxiety": [shared, article(8, "anxiety")],
        "depression": [article(9, "depression"), shared],
    }
    # One repeat in four records is 25 %, far above the share of bad records allowed: a repeat
    # is no bad record, so the run goes on.
    batch = live(newsapi_server, queries=["anxiety", "depression"])
    assert [r["query"]["q"] for r in newsapi_server.requests] == ["anxiety", "depression"]
    assert list(batch.rows["matched_query"]) == ["anxiety", "anxiety", "depression"]
    assert [(q.row_number, q.reason) for q in batch.quarantined] == [(4, "duplicate url")]
    assert batch.notes["news_duplicate_urls"] == 1
    assert batch.records_in_payload == len(batch.rows) + len(batch.quarantined)


def test_authors_and_excerpts_never_land(newsapi_server):
    newsapi_server.articles = {"anxiety": [article(n) for n in range(5)]}
    payload = live(newsapi_server, queries=["anxiety"]).payload
    assert b"@" not in payload and b"555-01" not in payload
    assert b"Reporter" not in payload and b"img.example.org" not in payload


def test_a_429_is_retried_after_the_retry_after_it_gives(newsapi_server):
    newsapi_server.articles = {"anxiety": [article(n) for n in range(3)]}
    limited = {"status": "error", "code": "rateLimited", "message": "Too many requests."}
    newsapi_server.script = [(429, {"Retry-After": "1"}, limited)]
    sleep = RecordingSleep()
    batch = live(newsapi_server, queries=["anxiety"], sleep=sleep)
    assert sleep.calls == [1.0] and len(batch.rows) == 3
    assert [r["query"]["page"] for r in newsapi_server.requests] == ["1", "1"]


def test_a_lasting_rate_limit_says_what_the_plan_allows(newsapi_server):
    limited = {"status": "error", "code": "rateLimited", "message": "Too many requests."}
    newsapi_server.script = [(429, {}, limited)] * 4
    sleep = RecordingSleep()
    with pytest.raises(ExtractError) as raised:
        live(newsapi_server, queries=["anxiety"], sleep=sleep)
    assert sleep.calls == [2.0, 4.0, 8.0] and len(newsapi_server.requests) == 4
    message = str(raised.value)
    assert "failed 4 times" in message and "rateLimited" in message
    assert "100 requests a day" in message and "MINDPULSE_SOURCES=sample" in message


def test_an_invalid_key_is_explained_and_not_retried(newsapi_server):
    invalid = {
        "status": "error",
        "code": "apiKeyInvalid",
        "message": "Your API key is invalid or incorrect.",
    }
    newsapi_server.script = [(401, {}, invalid)]
    sleep = RecordingSleep()
    with pytest.raises(ExtractError) as raised:
        live(newsapi_server, queries=["anxiety"], sleep=sleep)
    message = str(raised.value)
    assert "HTTP 401" in message and "apiKeyInvalid" in message
    assert "Check MINDPULSE_NEWSAPI_KEY" in message and KEY not in message
    assert sleep.calls == [] and len(newsapi_server.requests) == 1


def test_a_rejected_parameter_gives_newsapis_message(newsapi_server):
    too_old = {
        "status": "error",
        "code": "parameterInvalid",
        "message": "You are trying to request results too far in the past.",
    }
    newsapi_server.script = [(426, {}, too_old)]
    with pytest.raises(ExtractError, match="parameterInvalid: You are trying to request results"):
        live(newsapi_server, queries=["anxiety"])


def test_without_a_key_nothing_is_asked_and_the_error_says_what_to_set(newsapi_server):
    with pytest.raises(ExtractError) as raised:
        live(newsapi_server, api_key=None)
    message = str(raised.value)
    for advice in ("MINDPULSE_NEWSAPI_KEY", "MINDPULSE_SOURCES=sample", "MINDPULSE_NEWS_FILE"):
        assert advice in message
    assert newsapi_server.requests == []


def test_the_developer_plans_result_cap_keeps_what_was_fetched_and_says_so(newsapi_server):
    newsapi_server.articles = {
        "mental health": [article(n, "mental health") for n in range(250)],
        "anxiety": [article(n) for n in range(30)],
    }
    newsapi_server.result_cap = 100
    batch = live(newsapi_server, queries=["mental health", "anxiety"])
    pages = [(r["query"]["q"], r["query"]["page"]) for r in newsapi_server.requests]
    assert pages == [("mental health", "1"), ("mental health", "2"), ("anxiety", "1")]
    assert len(batch.rows) == 130 and batch.quarantined == []
    notes = batch.notes
    assert notes["news_fetch_capped"] is True
    assert list(notes["news_capped_queries"]) == ["mental health"]
    assert CAP_MESSAGE[:40] in notes["news_capped_queries"]["mental health"]
    assert notes["news_total_results"] == {"mental health": 250, "anxiety": 30}
    assert notes["news_articles_fetched"] == {"mental health": 100, "anxiety": 30}


def test_an_error_answer_with_status_200_is_an_error(newsapi_server):
    error = {"status": "error", "code": "unexpectedError", "message": "Something broke."}
    newsapi_server.script = [(200, {}, error)]
    with pytest.raises(ExtractError, match="unexpectedError: Something broke"):
        fetch_articles(["anxiety"], KEY, base_url=newsapi_server.url, sleep=RecordingSleep())
