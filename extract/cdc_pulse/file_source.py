"""Parser for the CDC CSV export of dataset 8pt5-q6wp, exactly as data.cdc.gov publishes it.

The export's quirks (see SOURCE.md next to the real file) are kept as they are: column names
with spaces, MM/DD/YYYY dates, Phase as text ('3.0 (Jan 6 - Mar 29)'), phase-gap rows with
Phase '-1', Time Period 1 and no values, suppressed (empty) values, two Quartile Range styles.
Gap rows are valid records and are loaded; dbt staging removes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd

from extract.batch import ExtractError, QuarantinedRecord
from extract.cdc_pulse.records import RecordError, RecordFormat, validate_records

EXPORT_COLUMNS: tuple[str, ...] = (
    "Indicator",
    "Group",
    "State",
    "Subgroup",
    "Phase",
    "Time Period",
    "Time Period Label",
    "Time Period Start Date",
    "Time Period End Date",
    "Value",
    "Low CI",
    "High CI",
    "Confidence Interval",
    "Quartile Range",
)
EXPORT_DATE_FORMAT = "%m/%d/%Y"

# Raw-table column -> export column, in contract order.
_RAW_TO_EXPORT = dict(
    zip(
        (
            "indicator",
            "group_name",
            "state",
            "subgroup",
            "phase",
            "time_period",
            "time_period_label",
            "period_start",
            "period_end",
            "value",
            "low_ci",
            "high_ci",
            "confidence_interval",
            "quartile_range",
        ),
        EXPORT_COLUMNS,
        strict=True,
    )
)


def _parse_export_date(text: str) -> date:
    return datetime.strptime(text, EXPORT_DATE_FORMAT).date()


EXPORT_FORMAT = RecordFormat(
    fields={column: (header,) for column, header in _RAW_TO_EXPORT.items()},
    date_description="MM/DD/YYYY",
    parse_date=_parse_export_date,
)


def decode_export(payload: bytes, origin: str) -> str:
    """The export's text; a byte-order mark, if any, is dropped."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{origin} is not UTF-8 text ({error}); expected the CSV export of "
            "https://data.cdc.gov/d/8pt5-q6wp (Export > CSV)."
        ) from None


def parse_export(
    text: str, origin: str = "the CSV"
) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
    """Validated rows and quarantined records of an export's text.

    Raises ExtractError when the file as a whole is unusable: empty, not CSV, or a header
    without the export's columns.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ExtractError(
                f"{origin} is empty; expected the CDC export with the header {_expected()}."
            )
        header = [name.strip() for name in header]
        missing = [name for name in EXPORT_COLUMNS if name not in header]
        if missing:
            raise ExtractError(
                f"{origin} lacks the required column(s) {', '.join(map(repr, missing))}. "
                f"Expected the header of the CDC export: {_expected()}. Export the dataset "
                "again from https://data.cdc.gov/d/8pt5-q6wp without removing or renaming columns."
            )
        return validate_records(_records(reader, header), EXPORT_FORMAT)
    except csv.Error as error:
        raise ExtractError(
            f"{origin} is not well-formed CSV near line {reader.line_num}: {error}. "
            "Check that the file is the unmodified CDC export."
        ) from None


def _records(reader, header: list[str]) -> Iterator[tuple[int, dict[str, str], RecordError | None]]:
    """(row number, record, structural problem) for every non-blank line after the header.

    The export holds one record per physical line; a record that runs over several lines was
    joined by a stray quote, and is quarantined with a reason that names the lines.
    """
    row_number = 0
    while True:
        first_line = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            return
        if not cells:
            continue  # a blank line is not a record
        row_number += 1
        record = dict(zip(header, cells, strict=False))
        problem = None
        if reader.line_num > first_line:
            problem = RecordError(
                f"the record runs over lines {first_line}-{reader.line_num} of the file, but the "
                'export has one record per line: a stray quote (") probably joined them'
            )
        elif len(cells) != len(header):
            # The offending fields: the surplus cells, or the columns the short line lacks.
            fields = header[len(cells) :]
            if len(cells) > len(header):
                record["_extra_fields"] = cells[len(header) :]
                fields = ["_extra_fields"]
            problem = RecordError(
                f"the line has {len(cells)} fields but the header has {len(header)}", fields
            )
        yield row_number, record, problem


def _expected() -> str:
    return ",".join(EXPORT_COLUMNS)
