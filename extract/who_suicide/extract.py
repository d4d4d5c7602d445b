"""Entry point of the WHO suicide statistics extract: one call per run, in file or sample mode.

Both modes read CSV in a layout the statistics are published in (the sample is generated in the
WHO layout and read by the very same reader) and land the records read as JSON lines
(``extract.json_lines``), every value as text, so a blank count lands as null and stays null.
The batch is built by validating the landed records; a replay parses the landed file back into
the same records and validates them the same way. There is no live mode: the WHO publishes
these statistics as files; 'live' falls back to the sample, as OSMI's does.

The record count the accounting check compares with the warehouse: the records of the CSV
files counted without their reader (``file_source``); for a replay, the landed lines.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from extract import json_lines
from extract.batch import ExtractBatch, ExtractError, make_batch_id
from extract.payload_counts import csv_records
from extract.who_suicide.file_source import COUNTED_BY, read_csv_text, read_files, resolve_files
from extract.who_suicide.records import PAYLOAD_FIELDS, SOURCE
from extract.who_suicide.sample import generate_sample_csv
from extract.who_suicide.validation import validate_payload

MODES = ("sample", "live", "file")
SAMPLE_FILE_NAME = "who-suicide-statistics-sample.csv"
JSONL_COUNTED_BY = "non-blank lines of the landed JSON lines (one record per line)"
_HINTS = {
    "file": "Check that MINDPULSE_WHO_FILE names WHO suicide statistics CSVs as published "
    "(who_suicide_statistics.csv, or master.csv of 'suicide rates overview 1985-2016').",
    "sample": "The sample generator produced bad records: this is a bug in extract/who_suicide.",
}


def extract_who_suicide(
    mode: str,
    *,
    file_path: Path | str | None = None,
    sample_scale: float = 1.0,
    max_bad_share: float = 0.05,
    sample_as_of: date | None = None,
    now: datetime | None = None,
) -> ExtractBatch:
    """Extract the WHO suicide statistics in `mode` ('file' or 'sample'; 'live' falls back to
    the sample, as the WHO has no API for them) as one batch.

    `sample_as_of` is accepted like every source's, and changes nothing: the statistics are
    yearly and the sample covers 2000-2016 like the real file, whatever day it is made. `now`
    stamps the batch id.
    """
    del sample_as_of  # see the docstring
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    if mode == "file":
        if not file_path:
            raise ExtractError(
                "who_suicide file mode needs MINDPULSE_WHO_FILE: a WHO suicide statistics CSV, "
                "a folder of them or a glob (absolute path)."
            )
        read = read_files(resolve_files(file_path))
        records, counted = read.records, read.records_counted
    elif mode in ("sample", "live"):
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        mode = "sample"
        text = generate_sample_csv(sample_scale)
        records = read_csv_text(text, SAMPLE_FILE_NAME, _HINTS["sample"])
        counted = csv_records(text)
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for who_suicide; use one of {', '.join(MODES)}."
        )
    payload = json_lines.to_json_lines(records, PAYLOAD_FIELDS)
    # The records validated are the landed ones (replay parses the same text back).
    batch = _batch(mode, payload, records, (counted, COUNTED_BY), max_bad_share)
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
    records, lines = json_lines.read_landed(
        payload, suffix, origin, PAYLOAD_FIELDS, SOURCE, "WHO suicide statistics payload"
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
        what="records",
        notes=_notes,
    )


def _notes(rows: pd.DataFrame) -> dict[str, object]:
    """What a reader of the load should know: the layout of each file read, and the figures
    the WHO left blank (null in RAW, not 0)."""
    layouts = rows.groupby("file_name", sort=True)["layout"].first()
    return {
        "layouts": {str(name): str(layout) for name, layout in layouts.items()},
        "years": [int(rows["year"].min()), int(rows["year"].max())] if len(rows) else [],
        "blank_suicides": int(rows["suicides"].isna().sum()),
        "blank_population": int(rows["population"].isna().sum()),
    }
