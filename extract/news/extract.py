"""Entry point of the news extract: one call per run, in any of the three modes.

Every mode reads NewsAPI responses with one reader (``response``: fetched pages, saved files,
generated ones), lands the records it kept as JSON lines (``extract.json_lines``; authors,
descriptions and contents never land) and builds the batch by validating those very records
(``validation``); a replay parses the landed file back into the same records and validates
them the same way. It writes nothing: landing and loading are the caller's.

The record count the accounting check compares with the warehouse: the non-blank lines of the
landed JSON lines, counted without the parser (one article per line: JSON lines escape line
breaks, so nothing can split or merge articles).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path

import pandas as pd
import requests

from extract import json_lines
from extract.batch import ExtractBatch, ExtractError, check_bad_share, make_batch_id
from extract.news import live_source
from extract.news.file_source import read_files, resolve_files
from extract.news.records import PAYLOAD_FIELDS, SOURCE
from extract.news.response import parse_response_text, records_of_response
from extract.news.sample import generate_sample
from extract.news.validation import validate_payload
from extract.payload_counts import json_lines_records

MODES = ("sample", "live", "file")
DEFAULT_QUERIES = ("mental health", "anxiety", "depression")
COUNTED_BY = "non-blank lines of the landed JSON lines (one article per line)"
_HINTS = {
    "file": "Check that MINDPULSE_NEWS_FILE names NewsAPI responses saved as JSON, unmodified.",
    "sample": "The sample generator produced bad records: this is a bug in extract/news.",
    "live": "NewsAPI returned articles in an unexpected form; inspect the landed JSON lines.",
}


def extract_news(
    mode: str,
    *,
    file_path: Path | str | None = None,
    sample_scale: float = 1.0,
    queries: Sequence[str] = DEFAULT_QUERIES,
    api_key: str | None = None,
    newest_loaded: datetime | None = None,
    base_url: str = live_source.EVERYTHING_URL,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_bad_share: float = 0.05,
    sample_as_of: date | None = None,
    now: datetime | None = None,
) -> ExtractBatch:
    """Extract news articles in `mode` ('sample', 'live' or 'file') as one batch.

    `queries` (live and sample mode): the searches; an article records the one that found it.
    `api_key` (live mode): the NewsAPI key (MINDPULSE_NEWSAPI_KEY), sent as X-Api-Key.
    `newest_loaded` (live and sample mode): the newest published_at raw.news_articles already
    holds from this mode; only articles after it are fetched or generated. `base_url`,
    `session` and `sleep` point live mode elsewhere (tests).
    `sample_as_of` (sample mode): the day the run pretends it is, in place of `now`: the sample
    holds the complete weeks before its week. The batch id keeps the real time.

    Raises ExtractError when the input is unusable or more than `max_bad_share` of its records
    fail validation (repeated urls, quarantined as 'duplicate url', do not count as failed).
    """
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    notes: dict[str, object] = {}
    if mode == "file":
        if not file_path:
            raise ExtractError(
                "news file mode needs MINDPULSE_NEWS_FILE: a NewsAPI response saved as JSON, a "
                "folder of them or a glob (absolute path)."
            )
        records = read_files(resolve_files(file_path))
    elif mode == "sample":
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        clock = now if sample_as_of is None else datetime.combine(sample_as_of, day_time())
        responses = generate_sample(queries, sample_scale, clock, since=newest_loaded)
        records = _concat(
            records_of_response(parse_response_text(r.text, r.name), r.name, r.query)
            for r in responses
        )
    elif mode == "live":
        fetched = live_source.fetch_articles(
            queries, api_key, newest_loaded, base_url=base_url, session=session, sleep=sleep
        )
        records, notes = fetched.records, fetched.notes(newest_loaded)
    else:
        raise ExtractError(f"Unknown source mode {mode!r} for news; use one of {', '.join(MODES)}.")
    payload = json_lines.to_json_lines(records, PAYLOAD_FIELDS)
    # The records validated are the landed ones (replay parses the same text back).
    batch = _batch(mode, payload, records, max_bad_share, notes)
    return dataclasses.replace(batch, batch_id=make_batch_id(SOURCE, mode, payload, now))


def batch_from_payload(
    mode: str,
    payload: bytes,
    suffix: str,
    origin: str,
    batch_id: str,
    max_bad_share: float = 0.05,
) -> ExtractBatch:
    """A batch rebuilt from a landed payload (replay), under its original batch id."""
    records, _ = json_lines.read_landed(
        payload, suffix, origin, PAYLOAD_FIELDS, SOURCE, "news payload"
    )
    batch = _batch(mode, payload, records, max_bad_share, {})
    return dataclasses.replace(batch, batch_id=batch_id)


def _concat(frames) -> pd.DataFrame:
    frames = list(frames)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PAYLOAD_FIELDS)


def _batch(
    mode: str,
    payload: bytes,
    records: pd.DataFrame,
    max_bad_share: float,
    notes: dict[str, object],
) -> ExtractBatch:
    rows, quarantined, bad = validate_payload(records)
    total = len(rows) + len(quarantined)
    hint = _HINTS.get(mode, _HINTS["live"])
    # Live and sample mode hand over what is new since the last load, which may be nothing; a
    # file that holds no article is a wrong file.
    if total == 0 and mode == "file":
        raise ExtractError(f"The news {mode} input holds no articles. {hint}")
    check_bad_share(total, bad, max_bad_share, hint)
    duplicates = len(quarantined) - len(bad)
    return ExtractBatch(
        source=SOURCE,
        mode=mode,
        batch_id=make_batch_id(SOURCE, mode, payload),
        payload=payload,
        payload_suffix=json_lines.SUFFIX,
        rows=rows,
        quarantined=quarantined,
        records_in_payload=json_lines_records(payload.decode("utf-8")),
        counted_by=COUNTED_BY,
        notes={**notes, "news_duplicate_urls": duplicates} if duplicates else notes,
    )
