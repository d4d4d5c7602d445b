"""Validation of landed news records: typed raw rows, or quarantine with the reason.

An article needs a publication time in ISO 8601 (as NewsAPI writes it), an http(s) url and an
outlet name; it gets its id from the normalised url. The same url twice in a batch (two
queries found one article, pages shifted while new articles came in, a file saved twice) keeps
the first and quarantines the others as 'duplicate url'. A repeat is no bad data, so repeats do
not count towards the share of bad records that stops a run (``bad``). Vectorised: half a
million articles validate in about a second.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np
import pandas as pd

from extract.batch import QuarantinedRecord
from extract.news.records import PAYLOAD_FIELDS, ROW_COLUMNS

DUPLICATE_URL = "duplicate url"
# News on the web starts in the 1990s; a time outside this span is another number misread.
EARLIEST = pd.Timestamp("1990-01-01")
LATEST = pd.Timestamp("2100-01-01")
_HTTP_URL = r"(?i)https?://[^\s/?#]+[^\s]*"
# scheme://host, path, ?query (a fragment after them is left out). A regular expression, not
# urlsplit: a third of the time, at half a million urls a run.
_URL_PARTS = re.compile(r"([^:/?#]*:?(?://[^/?#]*)?)([^?#]*)(\?[^#]*)?")

Problems = dict[int, list[tuple[str, str]]]  # row position -> (field, message)


def normalise_url(url: str) -> str:
    """The url as compared for duplicates: scheme and host lower-cased, no fragment, no
    trailing slash ('HTTPS://Example.org/a/#top' and 'https://example.org/a' are one)."""
    head, path, query = _URL_PARTS.match(url.strip()).groups()
    return head.lower() + path.rstrip("/") + (query or "")


def article_id(normalised_url: str) -> str:
    return "news-" + hashlib.sha256(normalised_url.encode("utf-8")).hexdigest()[:16]


def validate_payload(
    records: pd.DataFrame,
) -> tuple[pd.DataFrame, list[QuarantinedRecord], list[QuarantinedRecord]]:
    """(rows of raw.news_articles, every quarantined record, the bad ones among them).

    `records` holds PAYLOAD_FIELDS as text, one row per landed line, in order: a row's
    position + 1 is its row number. The bad records are the quarantined ones that failed a
    check (duplicates are quarantined but not bad).
    """
    records = records.reindex(columns=list(PAYLOAD_FIELDS)).reset_index(drop=True)
    text = {field: _as_text(records[field]) for field in PAYLOAD_FIELDS}
    problems: Problems = defaultdict(list)

    structural = text["_problem"].notna()
    for position in np.flatnonzero(structural):
        problems[position].append(("", text["_problem"].iat[position]))
    for field, name in (("url", "url"), ("outlet_name", "source.name"), ("title", "title")):
        _flag(text[field].isna(), name, f"{name} is missing or empty", problems)
    not_http = text["url"].notna() & ~text["url"].str.fullmatch(_HTTP_URL).fillna(False)
    _flag_values(not_http, text["url"], "url", "is not an http(s) url", problems)
    published = pd.to_datetime(text["published_at"], format="ISO8601", errors="coerce", utc=True)
    published = published.dt.tz_convert(None)
    out_of_range = (published < EARLIEST) | (published >= LATEST)
    _flag(text["published_at"].isna(), "publishedAt", "publishedAt is missing", problems)
    _flag_values(
        text["published_at"].notna() & (published.isna() | out_of_range),
        text["published_at"],
        "publishedAt",
        "is not an ISO 8601 time such as 2023-05-25T20:32:05Z",
        problems,
    )
    normalised = _normalised_urls(text["url"], (text["url"].notna() & ~not_http).to_numpy())
    for position in np.flatnonzero(structural):  # nothing else is said about a broken record
        problems[position] = problems[position][:1]

    bad_rows = np.zeros(len(records), dtype=bool)
    bad_rows[list(problems)] = True
    # Only records that pass every check take part: a broken record cannot shadow a good one.
    repeat = ~bad_rows & normalised.where(~bad_rows).duplicated(keep="first").to_numpy()
    bad = [_quarantine(records, text, p, problems[p]) for p in sorted(problems)]
    repeats = [
        _quarantine(records, text, int(p), [("url", DUPLICATE_URL)], where=False)
        for p in np.flatnonzero(repeat)
    ]
    quarantined = sorted(bad + repeats, key=lambda q: q.row_number)

    good = ~bad_rows & ~repeat
    ids = pd.Series(
        [article_id(url) for url in normalised[good]], index=records.index[good], dtype="string"
    )
    times = published[good]
    days = times.dt.normalize()
    rows = pd.DataFrame(
        {
            "article_id": ids,
            "url": text["url"][good],
            "outlet_name": text["outlet_name"][good],
            "outlet_id": text["outlet_id"][good],
            "title": text["title"][good],
            "published_at": times,
            "published_week": (days - pd.to_timedelta(days.dt.weekday, unit="D")).dt.date,
            "matched_query": text["matched_query"][good],
            "_row_number": (np.flatnonzero(good) + 1).astype("int32"),
        },
        columns=list(ROW_COLUMNS),
    ).reset_index(drop=True)
    return rows, quarantined, bad


def _as_text(values: pd.Series) -> pd.Series:
    """Values as text ('string' dtype); missing, None and '' become <NA>. Not trimmed again:
    the reader trimmed every field before landing (at half a million articles trimming
    costs two seconds)."""
    text = values.astype("string")
    return text.mask(text == "")


def _normalised_urls(urls: pd.Series, checked) -> pd.Series:
    """Each url under `checked` normalised, None for the others."""
    plain = urls.to_numpy(dtype=object, na_value=None)
    normalised = [
        normalise_url(url) if ok else None for url, ok in zip(plain, checked, strict=True)
    ]
    return pd.Series(normalised, index=urls.index, dtype=object)


def _flag(mask, field: str, message: str, problems: Problems) -> None:
    for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
        problems[position].append((field, message))


def _flag_values(mask, values: pd.Series, field: str, complaint: str, problems: Problems) -> None:
    for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
        value = str(values.iat[position])
        shown = repr(value if len(value) <= 60 else value[:59] + "…")
        problems[position].append((field, f"{field} {shown} {complaint}"))


def _quarantine(
    records: pd.DataFrame,
    text: dict,
    position: int,
    found: list[tuple[str, str]],
    where: bool = True,
) -> QuarantinedRecord:
    """`where`: the reason ends with where the record came from ('duplicate url' does not: it
    is a fixed reason, counted by it)."""
    source = text["_source"].iat[position]
    reason = "; ".join(message for _, message in found)
    if where and source is not pd.NA:
        reason += f" ({source})"
    record = {
        field: text[field].iat[position]
        for field in PAYLOAD_FIELDS
        if field not in ("_source", "_problem") and text[field].iat[position] is not pd.NA
    }
    fields = [field for field, _ in found if field]
    return QuarantinedRecord.of(int(position) + 1, record, reason, fields)
