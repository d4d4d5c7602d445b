"""Entry point of the CDC Household Pulse extract: one call per run, in any of the three modes.

It reads the payload (generated, fetched or from a file), validates every record, stops when
too many records are bad, and returns an :class:`ExtractBatch`. It writes nothing: landing
and loading are the caller's next steps (``extract.landing`` and ``extract.raw_load``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import requests

from extract.batch import ExtractBatch, ExtractError, check_bad_share, make_batch_id
from extract.cdc_pulse import live_source
from extract.cdc_pulse.file_source import decode_export, parse_export
from extract.cdc_pulse.live_source import SODA_FORMAT, SODA_URL
from extract.cdc_pulse.records import SOURCE, validate_records
from extract.cdc_pulse.sample import generate_sample_csv

MODES = ("sample", "live", "file")
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
) -> ExtractBatch:
    """Extract the CDC Pulse indicators in `mode` ('sample', 'live' or 'file').

    Raises ExtractError when the input is unusable or more than `max_bad_share` of its records
    fail validation; smaller numbers of bad records are returned as `batch.quarantined`.
    """
    if not 0.0 <= max_bad_share <= 1.0:
        raise ExtractError(f"max_bad_share must be between 0 and 1, got {max_bad_share!r}.")
    if mode == "file":
        payload = _read_file(file_path)
        rows, quarantined = parse_export(decode_export(payload, str(file_path)), str(file_path))
        suffix, hint = ".csv", _EXPORT_HINT
    elif mode == "sample":
        if not sample_scale > 0:
            raise ExtractError(
                f"sample_scale must be a positive number such as 1 or 10, got {sample_scale!r}."
            )
        payload = generate_sample_csv(sample_scale).encode("utf-8")
        rows, quarantined = parse_export(payload.decode("utf-8"), "the generated sample")
        suffix, hint = ".csv", _SAMPLE_HINT
    elif mode == "live":
        records = live_source.fetch_records(base_url, app_token=app_token, session=session)
        payload = live_source.to_json_lines(records)
        rows, quarantined = validate_records(live_source.numbered_records(records), SODA_FORMAT)
        suffix, hint = ".jsonl", _LIVE_HINT
    else:
        raise ExtractError(
            f"Unknown source mode {mode!r} for cdc_pulse; use one of {', '.join(MODES)}."
        )

    total = len(rows) + len(quarantined)
    if total == 0:
        raise ExtractError(f"The cdc_pulse {mode} input holds no records. {hint}")
    check_bad_share(total, quarantined, max_bad_share, hint)
    return ExtractBatch(
        source=SOURCE,
        mode=mode,
        batch_id=make_batch_id(SOURCE, mode, payload, now),
        payload=payload,
        payload_suffix=suffix,
        rows=rows,
        quarantined=quarantined,
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
