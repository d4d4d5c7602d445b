"""Live mode: NewsAPI's ``/v2/everything`` search, one query after the other.

Each query is asked for English articles newest first (``sortBy=publishedAt``), 100 a page,
page after page until NewsAPI's ``totalResults`` are fetched or a page comes back short.
Incremental: ``from`` is the newest publication time already loaded, so only articles from
that second on are fetched (NewsAPI's ``from`` includes it; those of that very second replace
their earlier copy). The key goes in the ``X-Api-Key`` header, never in the url, so no message
or log line can show it.

NewsAPI answers errors as ``{"status": "error", "code": ..., "message": ...}``. A 429
(``rateLimited``) and 5xx answers are retried with backoff (``extract.http_fetch``); key
errors, rejected parameters and the like stop the run with NewsAPI's code and message and
what to do. ``maximumResultsReached`` is no failure: the free developer plan serves at most 100
results of a search, so paging stops there, what was fetched is kept, and the batch notes say
the fetch was capped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import requests

from extract.batch import ExtractError
from extract.http_fetch import JsonApi, get_json, status_line
from extract.news.records import PAYLOAD_FIELDS
from extract.news.response import error_text, records_of_response

EVERYTHING_URL = "https://newsapi.org/v2/everything"
PAGE_SIZE = 100  # NewsAPI's largest page
MAX_RETRIES = 3
CAPPED_CODE = "maximumResultsReached"
_HINT = (
    "Check network access to newsapi.org and try again later; to run without the API use "
    "MINDPULSE_SOURCES=sample, or save NewsAPI responses as JSON and set MINDPULSE_NEWS_FILE."
)


class ResultsCapped(ExtractError):
    """NewsAPI served all the results the plan allows (maximumResultsReached)."""


@dataclass
class Fetched:
    """What a live fetch got, and what the load's metadata should say about it."""

    records: pd.DataFrame  # PAYLOAD_FIELDS, every article of every page, in fetch order
    total_results: dict[str, int] = field(default_factory=dict)  # query -> NewsAPI's total
    fetched: dict[str, int] = field(default_factory=dict)  # query -> articles received
    capped: dict[str, str] = field(default_factory=dict)  # query -> NewsAPI's cap message

    def notes(self, newest_loaded: datetime | None) -> dict[str, object]:
        return {
            "news_queries": list(self.fetched),
            "news_from": None if newest_loaded is None else from_parameter(newest_loaded),
            "news_total_results": self.total_results,
            "news_articles_fetched": self.fetched,
            # The developer plan stops at 100 results a search: the batch then lacks the older
            # articles of these queries (the newest are kept).
            "news_fetch_capped": bool(self.capped),
            "news_capped_queries": self.capped,
        }


def from_parameter(newest_loaded: datetime) -> str:
    """`from` for NewsAPI: the time in ISO 8601, UTC, to the second ('2026-11-23T08:15:00')."""
    stamp = pd.Timestamp(newest_loaded)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")


def fetch_articles(
    queries: Sequence[str],
    api_key: str | None,
    newest_loaded: datetime | None = None,
    *,
    base_url: str = EVERYTHING_URL,
    session: requests.Session | None = None,
    page_size: int = PAGE_SIZE,
    max_retries: int = MAX_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """Every article NewsAPI has for each query since `newest_loaded` (all it serves when
    None), as landable records read by the reader of every mode."""
    if not api_key:
        raise ExtractError(
            "news live mode needs a NewsAPI key: set MINDPULSE_NEWSAPI_KEY (a free developer key "
            "from https://newsapi.org/register), or use MINDPULSE_SOURCES=sample, or set "
            "MINDPULSE_NEWS_FILE to saved NewsAPI responses."
        )
    headers = {
        "Accept": "application/json",
        "User-Agent": "MindPulse extract (news)",
        "X-Api-Key": api_key,
    }
    own_session = session is None
    search = _Search(
        session or requests.Session(), base_url, headers, page_size, max_retries, sleep
    )
    fetched = Fetched(pd.DataFrame(columns=list(PAYLOAD_FIELDS)))
    try:
        frames = [
            frame for query in queries for frame in search.pages(query, newest_loaded, fetched)
        ]
    finally:
        if own_session:
            search.session.close()
    if frames:
        fetched.records = pd.concat(frames, ignore_index=True)
    return fetched


@dataclass(frozen=True)
class _Search:
    session: requests.Session
    base_url: str
    headers: dict[str, str]
    page_size: int
    max_retries: int
    sleep: Callable[[float], None]

    def pages(
        self, query: str, newest_loaded: datetime | None, fetched: Fetched
    ) -> list[pd.DataFrame]:
        """The records of every page of one query; what was received is noted in `fetched`."""
        params = {"q": query, "language": "en", "sortBy": "publishedAt"}
        params["pageSize"] = str(self.page_size)
        if newest_loaded is not None:
            params["from"] = from_parameter(newest_loaded)
        frames, received, page = [], 0, 1
        while True:
            params["page"] = str(page)
            try:
                response = get_json(
                    self.session,
                    self.base_url,
                    params,
                    self.headers,
                    api=_API,
                    max_retries=self.max_retries,
                    sleep=self.sleep,
                )
            except ResultsCapped as capped:
                fetched.capped[query] = str(capped)
                break
            articles = _checked(response, self.base_url, query, page)
            total = response.get("totalResults")
            if isinstance(total, int):
                fetched.total_results[query] = total
            frames.append(records_of_response(response, f"NewsAPI {query!r} page {page}", query))
            received += len(articles)
            if len(articles) < self.page_size or (isinstance(total, int) and received >= total):
                break
            page += 1
        fetched.fetched[query] = received
        return frames


def _checked(response: object, url: str, query: str, page: int) -> list:
    problem = error_text(response)
    if problem is not None:
        raise ExtractError(f"NewsAPI answered {query!r} page {page} with an error: {problem}")
    if not isinstance(response, dict) or not isinstance(response.get("articles"), list):
        raise ExtractError(
            f"NewsAPI answered {url} ({query!r}, page {page}) with JSON that is not a search "
            'response (no "articles" list); check that the URL is ' + EVERYTHING_URL
        )
    return response["articles"]


def _body(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _refused(response: requests.Response, where: str) -> Exception:
    """NewsAPI's refusal as an error saying what to do; the result cap as ResultsCapped."""
    body = _body(response)
    if isinstance(body, dict) and body.get("code") == CAPPED_CODE:
        return ResultsCapped(error_text(body) or CAPPED_CODE)
    problem = error_text(body) or f"{response.text[:200]!r}"
    return ExtractError(f"NewsAPI refused {where}: {status_line(response)}, {problem}")


def _describe_retried(response: requests.Response) -> str:
    """'HTTP 429 Too Many Requests, NewsAPI error rateLimited: ... <what the plan allows>'."""
    problem = error_text(_body(response))
    return status_line(response) + (f", {problem}" if problem else "")


_API = JsonApi(name="NewsAPI", hint=_HINT, refused=_refused, describe_retried=_describe_retried)
