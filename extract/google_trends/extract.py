"""Entry point of the Google Trends extract: one call per run, in file or sample mode.

Both modes read CSV in a layout people have (the sample is generated as Google's own export and
read by the very same reader, ``file_source``), find the request windows of stitched series and
link them (``windows``), and land the values as JSON lines (``extract.json_lines``), one record
per (term, place, date). The batch is built by validating the landed records; a replay parses
the landed file back into the same records and validates them the same way. There is no live
mode: 'live' falls back to the sample (see the package docstring).

The record count the accounting check compares with the warehouse: the values of the CSV files
counted without their reader (data lines x value columns), less the duplicate dates of
overlapping windows, which are landed once (the same day seen twice is one record; the count of
them is in the batch notes); for a replay, the landed lines.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from pathlib import Path

from extract import json_lines
from extract.batch import ExtractBatch, ExtractError, make_batch_id
from extract.google_trends import file_source
from extract.google_trends.notes import describe_rows
from extract.google_trends.records import PAYLOAD_FIELDS, SOURCE
from extract.google_trends.sample import generate_sample_exports
from extract.google_trends.validation import validate_payload
from extract.google_trends.windows import stitch

MODES = ("sample", "file")
JSONL_COUNTED_BY = (
    "non-blank lines of the landed JSON lines (one value per line; duplicate dates of "
    "overlapping windows were dropped before landing)"
)
_HINTS = {
    "file": "Check that MINDPULSE_TRENDS_FILE names Google Trends CSV exports or tables with a "
    "date column and one column of 0-100 values per search term.",
    "sample": "The sample generator produced bad records: this is a bug in extract/google_trends.",
}


def extract_google_trends(
    mode: str,
    *,
    file_path: Path | str | None = None,
    sample_scale: float = 1.0,
    max_bad_share: float = 0.05,
    sample_as_of: date | None = None,
    now: datetime | None = None,
) -> ExtractBatch:
    """Extract search interest in `mode` ('file' or 'sample'; 'live' falls back to the sample)
    as one batch.

    `file_path` (file mode, MINDPULSE_TRENDS_FILE): a CSV, a folder of them or a glob, plain or
    gzip-compressed. `sample_as_of` (sample mode): the sample ends with the complete weeks
    before that day; otherwise before `now` (the current time). `now` also stamps the batch id.
    """
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    if mode == "file":
        if not file_path:
            raise ExtractError(
                "google_trends file mode needs MINDPULSE_TRENDS_FILE: a Google Trends CSV "
                "export, a folder of them or a glob (absolute path)."
            )
        read = file_source.read_files(file_source.resolve_files(file_path))
    elif mode in ("sample", "live"):
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        mode = "sample"
        clock = now if sample_as_of is None else datetime.combine(sample_as_of, time())
        read = file_source.read_texts(generate_sample_exports(sample_scale, clock))
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for google_trends; use one of {', '.join(MODES)} "
            "(or 'live', which uses the sample)."
        )
    stitched = stitch(read.records)
    dropped = stitched.duplicates_dropped
    counted_by = file_source.COUNTED_BY + (
        f", less {dropped:,} duplicate dates of overlapping request windows (landed once)"
        if dropped
        else ""
    )
    payload = json_lines.to_json_lines(stitched.records, PAYLOAD_FIELDS)
    # The records validated are the landed ones (replay parses the same text back).
    batch = _batch(
        mode, payload, stitched.records, (read.values_counted - dropped, counted_by), max_bad_share
    )
    notes = {
        **batch.notes,
        "overlap_duplicates_dropped": dropped,
        "unlinked_borders": stitched.unlinked_borders,
        "file_layouts": dict(sorted(read.layouts.items())),
    }
    return dataclasses.replace(
        batch, batch_id=make_batch_id(SOURCE, mode, payload, now), notes=notes
    )


def batch_from_payload(
    mode: str,
    payload: bytes,
    suffix: str,
    origin: str,
    batch_id: str,
    max_bad_share: float = 0.05,
) -> ExtractBatch:
    """A batch rebuilt from a landed payload (replay), under its original batch id."""
    records, lines = json_lines.read_landed(
        payload, suffix, origin, PAYLOAD_FIELDS, SOURCE, "Google Trends payload"
    )
    counted = (lines, JSONL_COUNTED_BY)
    batch = _batch(mode, payload, records, counted, max_bad_share)
    return dataclasses.replace(batch, batch_id=batch_id)


def _batch(mode, payload: bytes, records, counted: tuple[int, str], max_bad_share) -> ExtractBatch:
    return json_lines.landed_batch(
        SOURCE,
        mode,
        payload,
        validate_payload(records),
        counted,
        max_bad_share=max_bad_share,
        hint=_HINTS.get(mode, _HINTS["file"]),
        what="search-interest values",
        notes=describe_rows,
    )
