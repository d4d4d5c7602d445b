"""Entry point of the CDC Household Pulse extract: one call per run, in any of the three modes.

It reads the payload (generated, fetched or from a file), validates every record, stops when
too many records are bad, and returns an :class:`ExtractBatch`. It writes nothing: landing
and loading are the caller's next steps (``extract.landing`` and ``extract.raw_load``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import requests

from extract.batch import (
    ExtractBatch,
    ExtractError,
    QuarantinedRecord,
    check_bad_share,
    make_batch_id,
)
from extract.cdc_pulse import live_source
from extract.cdc_pulse.file_source import decode_export, parse_export
from extract.cdc_pulse.live_source import SODA_FORMAT, SODA_URL
from extract.cdc_pulse.records import SOURCE, validate_records
from extract.cdc_pulse.sample import generate_sample_csv
from extract.payload_counts import csv_data_lines, json_lines_records

MODES = ("sample", "live", "file")
CSV_COUNTED_BY = "non-empty lines after the header (the export has one record per line)"
JSONL_COUNTED_BY = "non-blank lines of the landed JSON lines (one record per line)"


@dataclass(frozen=True)
class ParsedPayload:
    rows: pd.DataFrame
    quarantined: list[QuarantinedRecord]
    records_in_payload: int  # counted without the parser
    counted_by: str


_EXPORT_HINT = (
    "Check that the file is the CSV export of the CDC dataset "
    "'Indicators of Anxiety or Depression Based on Reported Frequency of Symptoms During "
    "Last 7 Days' (https://data.cdc.gov/d/8pt5-q6wp, Export > CSV), unmodified."
)
_SAMPLE_HINT = "The sample generator produced bad records: this is a bug in extract/cdc_pulse."
_LIVE_HINT = (
    "The CDC API returned records in an unexpected form; the dataset may have changed. "
    "Inspect the landed JSON lines, or use MINDPULSE_CDC_PULSE_FILE with a CSV export."
)


def extract_cdc_pulse(
    mode: str,
    *,
    file_path: Path | None = None,
    sample_scale: float = 1.0,
    app_token: str | None = None,
    base_url: str = SODA_URL,
    session: requests.Session | None = None,
    max_bad_share: float = 0.05,
    now: datetime | None = None,
    sample_as_of: date | None = None,
) -> ExtractBatch:
    """Extract the CDC Pulse indicators in `mode` ('sample', 'live' or 'file').

    `sample_as_of` (sample mode): the sample ends with the windows that ended before that day.

    Raises ExtractError when the input is unusable or more than `max_bad_share` of its records
    fail validation; smaller numbers of bad records are returned as `batch.quarantined`.
    """
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    if mode == "file":
        payload = _read_file(file_path)
        suffix, hint, origin = ".csv", _EXPORT_HINT, str(file_path)
    elif mode == "sample":
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        payload = generate_sample_csv(sample_scale, as_of=sample_as_of).encode("utf-8")
        suffix, hint, origin = ".csv", _SAMPLE_HINT, "the generated sample"
    elif mode == "live":
        reported = live_source.fetch_record_count(base_url, app_token=app_token, session=session)
        records = live_source.fetch_records(base_url, app_token=app_token, session=session)
        payload = live_source.to_json_lines(records)
        rows, quarantined = validate_records(live_source.numbered_records(records), SODA_FORMAT)
        parsed = ParsedPayload(rows, quarantined, reported, live_source.COUNTED_BY)
        return _batch(mode, payload, ".jsonl", parsed, _LIVE_HINT, max_bad_share, now)
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for cdc_pulse; use one of {', '.join(MODES)}."
        )
    return _batch(
        mode, payload, suffix, parse_payload(payload, suffix, origin), hint, max_bad_share, now
    )


def parse_payload(payload: bytes, suffix: str, origin: str) -> ParsedPayload:
    """Validated rows, quarantined records and the parser-independent record count of a
    payload as landed: a CSV export ('.csv') or the API's records as JSON lines ('.jsonl')."""
    if suffix == ".csv":
        text = decode_export(payload, origin)
        rows, quarantined = parse_export(text, origin)
        return ParsedPayload(rows, quarantined, csv_data_lines(text), CSV_COUNTED_BY)
    if suffix == ".jsonl":
        text = decode_export(payload, origin)
        items = live_source.parse_json_lines(text)
        rows, quarantined = validate_records(items, SODA_FORMAT)
        return ParsedPayload(rows, quarantined, json_lines_records(text), JSONL_COUNTED_BY)
    raise ExtractError(f"{origin}: cdc_pulse payloads are .csv or .jsonl files, not {suffix!r}.")


def batch_from_payload(
    mode: str,
    payload: bytes,
    suffix: str,
    origin: str,
    batch_id: str,
    max_bad_share: float = 0.05,
) -> ExtractBatch:
    """A batch rebuilt from a landed payload (replay), under its original batch id."""
    hint = _LIVE_HINT if suffix == ".jsonl" else _EXPORT_HINT
    parsed = parse_payload(payload, suffix, origin)
    batch = _batch(mode, payload, suffix, parsed, hint, max_bad_share, None)
    return dataclasses.replace(batch, batch_id=batch_id)


def _batch(
    mode: str,
    payload: bytes,
    suffix: str,
    parsed: ParsedPayload,
    hint: str,
    max_bad_share: float,
    now: datetime | None,
) -> ExtractBatch:
    total = len(parsed.rows) + len(parsed.quarantined)
    if total == 0:
        raise ExtractError(f"The cdc_pulse {mode} input holds no records. {hint}")
    check_bad_share(total, parsed.quarantined, max_bad_share, hint)
    return ExtractBatch(
        source=SOURCE,
        mode=mode,
        batch_id=make_batch_id(SOURCE, mode, payload, now),
        payload=payload,
        payload_suffix=suffix,
        rows=parsed.rows,
        quarantined=parsed.quarantined,
        records_in_payload=parsed.records_in_payload,
        counted_by=parsed.counted_by,
    )


def _read_file(file_path: Path | None) -> bytes:
    if file_path is None:
        raise ExtractError(
            "cdc_pulse file mode needs the path of the CSV export: set MINDPULSE_CDC_PULSE_FILE "
            "to it (an absolute path)."
        )
    path = Path(file_path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise ExtractError(
            f"Cannot read the cdc_pulse export {path}: {error.strerror or error}. "
            "Check MINDPULSE_CDC_PULSE_FILE points to the downloaded CSV file."
        ) from None
