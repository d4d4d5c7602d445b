"""The one reader of NewsAPI responses: articles as NewsAPI gives them -> landable records.

Every mode reads the same shape, a NewsAPI response object (``{"status": "ok", "totalResults":
N, "articles": [...]}``): live mode the pages it fetched, file mode the responses people saved
(``status`` and ``totalResults`` may be missing: the real cached copy keeps only ``articles``),
sample mode the responses it generated. So every mode's records pass the same privacy step:

- author, description, content and urlToImage are not read at all (author names carry e-mail
  addresses, excerpts quote phone numbers; the signals need none of them);
- titles lose the ' - <Outlet>' suffix NewsAPI appends (its spelling can differ from the
  source's name: 'Indiatimes.com' for 'The Times of India') and are scrubbed
  (``extract.privacy.scrub_text``), as are urls (a blog url may hold an @handle), outlet names
  and ids;
- publication times that are not ISO 8601 are scrubbed too: they are landed for quarantine and
  might hold anything.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from extract.batch import ExtractError
from extract.news.records import PAYLOAD_FIELDS
from extract.privacy import scrub_text

# ' - <Outlet>' at the end of a title: the last ' - ' segment, when it is short enough to be a
# name (a longer one is part of the headline).
MAX_SUFFIX_CHARS = 60
_SUFFIX = rf" - (?:(?! - ).){{1,{MAX_SUFFIX_CHARS}}}$"
# NewsAPI's error codes whose message alone does not say what to do.
_ERROR_ADVICE = {
    "apiKeyInvalid": "Check MINDPULSE_NEWSAPI_KEY: NewsAPI does not know this key.",
    "apiKeyMissing": "Set MINDPULSE_NEWSAPI_KEY to your NewsAPI key.",
    "apiKeyDisabled": "Your NewsAPI key is disabled; see your account at https://newsapi.org.",
    "apiKeyExhausted": "Your NewsAPI key has no requests left; wait for the quota to renew.",
    "rateLimited": "NewsAPI's free developer plan allows 100 requests a day (50 every 12 "
    "hours); wait for the quota to renew, or use fewer MINDPULSE_NEWS_QUERIES.",
    "parameterInvalid": "A request parameter was rejected: check MINDPULSE_NEWS_QUERIES; on the "
    "developer plan articles older than a month cannot be requested.",
}


def error_text(body: object) -> str | None:
    """What a NewsAPI error object says, as 'NewsAPI error <code>: <message> <advice>'; None
    for anything else."""
    if not (isinstance(body, dict) and body.get("status") == "error"):
        return None
    code = str(body.get("code") or "unknown")
    message = scrub_text(" ".join(str(body.get("message") or "(no message)").split()))
    advice = _ERROR_ADVICE.get(code, "")
    return f"NewsAPI error {code}: {message} {advice}".strip()


def parse_response_text(text: str, name: str) -> object:
    """A saved response's JSON (an ExtractError naming the file when it is none)."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise ExtractError(
            f"{name} is not JSON ({error}); a news file holds a NewsAPI response as saved: "
            '{"status": "ok", "totalResults": ..., "articles": [...]}.'
        ) from None


def articles_of(response: object, name: str) -> list:
    """The article list of a response; an error response or another shape is an ExtractError."""
    problem = error_text(response)
    if problem is not None:
        raise ExtractError(f"{name} holds an error response, not articles: {problem}")
    if not isinstance(response, dict) or not isinstance(response.get("articles"), list):
        kind = type(response).__name__
        keys = ", ".join(map(repr, list(response)[:8])) if isinstance(response, dict) else ""
        raise ExtractError(
            f"{name} is a JSON {kind}{f' with keys {keys}' if keys else ''}, not a NewsAPI "
            'response: expected an object with an "articles" list.'
        )
    return response["articles"]


def records_of_response(
    response: object, name: str, matched_query: str | None = None
) -> pd.DataFrame:
    """The landable records (PAYLOAD_FIELDS, text or None) of one response's articles.

    `name` says where the response came from ('health.json', "NewsAPI 'anxiety' page 2") and
    leads each record's _source; `matched_query` is the query that found the articles.
    """
    articles = articles_of(response, name)
    columns: dict[str, list] = {field: [] for field in PAYLOAD_FIELDS}
    for position, article in enumerate(articles, start=1):
        columns["_source"].append(f"{name}, article {position}")
        columns["matched_query"].append(matched_query)
        if not isinstance(article, dict):
            for field in ("url", "outlet_name", "outlet_id", "title", "published_at"):
                columns[field].append(None)
            columns["_problem"].append(f"the article is a JSON {type(article).__name__}, no object")
            continue
        source = article.get("source")
        source = source if isinstance(source, dict) else {}
        columns["url"].append(_text(article.get("url")))
        columns["outlet_name"].append(_text(source.get("name")))
        columns["outlet_id"].append(_text(source.get("id")))
        columns["title"].append(_text(article.get("title")))
        columns["published_at"].append(_text(article.get("publishedAt")))
        columns["_problem"].append(None)
    return private_records(pd.DataFrame(columns, columns=list(PAYLOAD_FIELDS), dtype=object))


def private_records(records: pd.DataFrame) -> pd.DataFrame:
    """`records` after the privacy step: titles without their suffix, texts scrubbed."""
    records = records.copy()
    titles = records["title"].astype("string").str.replace(_SUFFIX, "", regex=True)
    records["title"] = _scrubbed(titles.str.strip())
    for field in ("url", "outlet_name", "outlet_id", "matched_query"):
        records[field] = _scrubbed(records[field].astype("string").str.strip())
    published = records["published_at"].astype("string")
    not_iso = (
        published.notna()
        & pd.to_datetime(published, format="ISO8601", errors="coerce", utc=True).isna().to_numpy()
    )
    records.loc[not_iso, "published_at"] = _scrubbed(published[not_iso])
    return records.astype(object).where(records.notna(), None)


def _text(value: object) -> str | None:
    """A field as text: numbers as written, objects and lists (no text field is one) None."""
    if value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _scrubbed(values: pd.Series) -> pd.Series:
    """Each distinct value scrubbed once: outlets and queries repeat on every article."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    scrubbed = np.array([scrub_text(value) for value in uniques] + [None], dtype=object)
    return pd.Series(scrubbed[codes], index=values.index, dtype=object)
