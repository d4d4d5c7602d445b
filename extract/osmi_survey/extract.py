"""Entry point of the OSMI survey extract: one call per run, in file or sample mode.

Both modes read CSV in a layout OSMI published (the sample is generated in the 2014 layout and
read by the very same reader), keep the core answers, and land them as JSON lines
(``extract.json_lines``): the comments and every other free-text answer never reach the
landing folder. The batch is built by validating the landed records; a replay parses the
landed file back into the same records and validates them the same way. There is no live mode:
OSMI publishes its surveys as files, once a year.

The record count the accounting check compares with the warehouse: the records of the CSV
files counted without their reader (``file_source``); for a replay, the landed lines.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from extract import json_lines
from extract.batch import ExtractBatch, ExtractError
from extract.osmi_survey.file_source import COUNTED_BY, read_csv_text, read_files, resolve_files
from extract.osmi_survey.records import PAYLOAD_FIELDS, SOURCE
from extract.osmi_survey.sample import generate_sample_csv
from extract.osmi_survey.validation import validate_payload
from extract.payload_counts import csv_records

MODES = ("sample", "file")
SAMPLE_FILE_NAME = "osmi-survey-sample-2014.csv"
JSONL_COUNTED_BY = "non-blank lines of the landed JSON lines (one respondent per line)"
_HINTS = {
    "file": "Check that MINDPULSE_SURVEY_FILE names OSMI Mental Health in Tech survey CSVs as "
    "published (not re-saved by a spreadsheet, which can split answers that hold line breaks).",
    "sample": "The sample generator produced bad records: this is a bug in extract/osmi_survey.",
}


def extract_osmi_survey(
    mode: str,
    *,
    file_path: Path | str | None = None,
    sample_scale: float = 1.0,
    max_bad_share: float = 0.05,
) -> ExtractBatch:
    """Extract the survey responses in `mode` ('file' or 'sample'; 'live' falls back to the
    sample, as OSMI has no API) as one batch."""
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    if mode == "file":
        if not file_path:
            raise ExtractError(
                "osmi_survey file mode needs MINDPULSE_SURVEY_FILE: an OSMI survey CSV or a "
                "folder of them (absolute path)."
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
        records, counted = read_csv_text(text, SAMPLE_FILE_NAME), csv_records(text)
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for osmi_survey; use one of {', '.join(MODES)}."
        )
    payload = json_lines.to_json_lines(records, PAYLOAD_FIELDS)
    # The records validated are the landed ones (replay parses the same text back).
    return _batch(mode, payload, records, (counted, COUNTED_BY), max_bad_share)


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
        payload, suffix, origin, PAYLOAD_FIELDS, SOURCE, "OSMI survey payload"
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
        what="responses",
        notes=None,
    )
