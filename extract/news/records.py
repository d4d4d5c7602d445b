"""The canonical news article as raw.news_articles holds it: metadata only, nothing personal.

NewsAPI gives each article its outlet, author, title, description, content excerpt, image link,
url and publication time. Only what the weekly coverage signals need is kept: the outlet, the
title (scrubbed, without the ' - <Outlet>' suffix NewsAPI titles carry), the url and the time.
Author names (some with e-mail addresses), descriptions and content excerpts (which may quote
phone numbers) and image links are dropped at the boundary, before anything is landed.
"""

from __future__ import annotations

from extract.contract import RawTableContract

SOURCE = "news"
RAW_TABLE = "news_articles"

# Record columns of raw.news_articles (the load adds _batch_id, _loaded_at and _source_mode).
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    # 'news-' + 16 hex of the sha256 of the normalised url (validation.normalise_url): the same
    # article has the same id whichever run, query or file found it.
    ("article_id", "VARCHAR NOT NULL"),
    ("url", "VARCHAR NOT NULL"),  # as given (scrubbed)
    ("outlet_name", "VARCHAR NOT NULL"),  # NewsAPI source.name, trimmed
    ("outlet_id", "VARCHAR"),  # NewsAPI source.id: null for most outlets
    ("title", "VARCHAR NOT NULL"),  # scrubbed; the trailing ' - <Outlet>' suffix stripped
    ("published_at", "TIMESTAMP NOT NULL"),  # UTC, naive
    ("published_week", "DATE NOT NULL"),  # Monday of the ISO week of published_at
    ("matched_query", "VARCHAR"),  # the query that found it; null from a file without one
    ("_row_number", "INTEGER NOT NULL"),  # position in the payload
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one outlet; a period an ISO week. A batch covers a span of publication times and
# replaces exactly that span (a weekly fetch costs one week; the same file twice replaces).
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("outlet_name",),
    period_column="published_week",
    date_column="published_at",
    load="incremental",
)

# Fields of a landed record (JSON lines, every value text), in the order they are written. The
# id and the week are derived from url and published_at by validation, not landed.
PAYLOAD_FIELDS = (
    "url",
    "outlet_name",
    "outlet_id",
    "title",
    "published_at",  # publishedAt as NewsAPI wrote it ('2023-05-25T20:32:05Z')
    "matched_query",
    "_source",  # where the record came from: "health.json, article 3" (no path)
    "_problem",  # what reading the record already found wrong (an article that is no object)
)
