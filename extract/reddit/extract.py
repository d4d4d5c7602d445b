"""Entry point of the Reddit extract: one call per run, in any of the three modes.

Every mode makes the posts it read private first (``prepare``), writes them as the JSON lines
to be landed (``payload``) and builds the batch by validating those very records
(``validation``); a replay parses the landed file back into the same records and validates them
the same way (the tests check both give the same rows). It writes nothing: landing and loading
are the caller's.

The record count the accounting check compares with the warehouse: in file mode the records of
the export files counted without their reader (``file_source``); otherwise the lines of the
landed JSON lines (praw's posts and generated ones are whole objects, nothing can split them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from extract.batch import ExtractBatch, ExtractError, check_bad_share, make_batch_id
from extract.payload_counts import json_lines_records
from extract.reddit import live_source
from extract.reddit.file_source import read_files, resolve_files
from extract.reddit.payload import SUFFIX, parse_json_lines, to_json_lines
from extract.reddit.prepare import prepare_records, sample_clock
from extract.reddit.records import SOURCE
from extract.reddit.sample import generate_sample
from extract.reddit.validation import validate_payload

MODES = ("sample", "live", "file")
DEFAULT_SUBREDDITS = ("mentalhealth", "depression", "anxiety")
DEFAULT_TEXT_RETENTION_DAYS = 365
JSONL_COUNTED_BY = "non-blank lines of the landed JSON lines (one post per line)"
_HINTS = {
    "file": "Check that MINDPULSE_REDDIT_FILE names Reddit exports (CSV or JSON lines) and that "
    "they were written with proper CSV quoting.",
    "sample": "The sample generator produced bad records: this is a bug in extract/reddit.",
    "live": "Reddit returned posts in an unexpected form; inspect the landed JSON lines.",
}


def extract_reddit(
    mode: str,
    *,
    author_key: bytes,
    file_path: Path | str | None = None,
    sample_scale: float = 1.0,
    subreddits: Sequence[str] = DEFAULT_SUBREDDITS,
    credentials: live_source.RedditCredentials | None = None,
    newest_loaded: datetime | None = None,
    api_url: str | None = None,
    text_retention_days: int = DEFAULT_TEXT_RETENTION_DAYS,
    max_bad_share: float = 0.05,
    now: datetime | None = None,
    sample_as_of: date | None = None,
) -> ExtractBatch:
    """Extract Reddit posts in `mode` ('sample', 'live' or 'file') as one batch.

    `newest_loaded` (live and sample mode): the newest created_utc raw.reddit_posts already
    holds from this mode; only newer posts are fetched or generated (live mode fetches that very
    second again, see ``live_source``; a generated week is whole, see ``sample``). `api_url`
    points praw at another host (tests).
    `sample_as_of` (sample mode): the day the run pretends it is, in place of `now`: the sample
    holds the complete weeks before its week, and the text retention counts back from it. The
    batch id keeps the real time.
    """
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    counted: tuple[int, str] | None = None
    clock = now  # what the posts' age is counted from
    if mode == "file":
        if not file_path:
            raise ExtractError(
                "reddit file mode needs MINDPULSE_REDDIT_FILE: a CSV or JSON lines export, a "
                "folder of them or a glob (absolute path)."
            )
        read = read_files(resolve_files(file_path))
        source, counted = read.records, (read.records_counted, read.counted_by)
    elif mode == "sample":
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        clock = sample_clock(sample_as_of, now)
        source = generate_sample(sample_scale, clock, since=newest_loaded)
    elif mode == "live":
        reddit = live_source.connect(
            credentials or live_source.RedditCredentials(None), api_url=api_url
        )
        source = live_source.fetch_new_posts(reddit, subreddits, newest_loaded)
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for reddit; use one of {', '.join(MODES)}."
        )
    records = prepare_records(source, author_key, text_retention_days, clock)
    payload = to_json_lines(records)
    # The records validated are the landed ones: the same text a replay parses back from the
    # payload (tests check both give the same rows), without parsing a million lines again.
    batch = _batch(mode, payload, records, counted, max_bad_share)
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
    if suffix != SUFFIX:
        raise ExtractError(
            f"{origin}: reddit payloads are landed as {SUFFIX} files, not {suffix!r}."
        )
    records = parse_json_lines(payload, origin)
    batch = _batch(mode, payload, records, None, max_bad_share)
    return dataclasses.replace(batch, batch_id=batch_id)


def _batch(
    mode: str,
    payload: bytes,
    records: pd.DataFrame,
    counted: tuple[int, str] | None,
    max_bad_share: float,
) -> ExtractBatch:
    rows, quarantined = validate_payload(records)
    total = len(rows) + len(quarantined)
    hint = _HINTS.get(mode, _HINTS["live"])
    # Live and sample mode hand over what is new since the last load, which may be nothing; an
    # export that holds no post is a wrong file.
    if total == 0 and mode == "file":
        raise ExtractError(f"The reddit {mode} input holds no posts. {hint}")
    check_bad_share(total, quarantined, max_bad_share, hint)
    if counted is None:
        counted = (json_lines_records(payload.decode("utf-8")), JSONL_COUNTED_BY)
    return ExtractBatch(
        source=SOURCE,
        mode=mode,
        batch_id=make_batch_id(SOURCE, mode, payload),
        payload=payload,
        payload_suffix=SUFFIX,
        rows=rows,
        quarantined=quarantined,
        records_in_payload=counted[0],
        counted_by=counted[1],
    )
