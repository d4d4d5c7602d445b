"""The canonical CDC Pulse record, and the per-record validation every mode goes through.

Each mode reads a different wire format (the CSV export's "Time Period Start Date", the SODA
API's ``time_period_start_date``); a :class:`RecordFormat` maps those names onto the raw-table
columns so one validator serves all of them and its reasons name the field as the user sees it.

Validation checks structure and types only: required fields present and non-empty, time period
an integer, dates parseable and in order, numbers numeric. Domain rules (values within 0-100,
``low_ci <= value <= high_ci``) are dbt tests on purpose: a value of 150 is loaded, and the dbt
test that catches it blocks everything downstream, visibly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from extract.batch import QuarantinedRecord
from extract.contract import RawTableContract

SOURCE = "cdc_pulse"
RAW_TABLE = "cdc_pulse_indicators"

# Columns of raw.cdc_pulse_indicators that come from the record (the load adds _batch_id,
# _loaded_at and _source_mode). Names and types are the raw contract.
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("indicator", "VARCHAR NOT NULL"),
    ("group_name", "VARCHAR NOT NULL"),
    ("state", "VARCHAR"),
    ("subgroup", "VARCHAR NOT NULL"),
    ("phase", "VARCHAR NOT NULL"),
    ("time_period", "INTEGER NOT NULL"),
    ("time_period_label", "VARCHAR"),
    ("period_start", "DATE NOT NULL"),
    ("period_end", "DATE NOT NULL"),
    ("value", "DOUBLE"),
    ("low_ci", "DOUBLE"),
    ("high_ci", "DOUBLE"),
    ("confidence_interval", "VARCHAR"),
    ("quartile_range", "VARCHAR"),
    ("_row_number", "INTEGER NOT NULL"),
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one indicator for one group (a state is a subgroup of 'By State'); a period is a
# survey wave, numbered by the CDC. Every batch is the whole dataset.
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("indicator", "group_name", "subgroup"),
    period_column="time_period",
    date_column="period_end",
    load="snapshot",
)

_REQUIRED_TEXT = ("indicator", "group_name", "subgroup", "phase")
_OPTIONAL_TEXT = ("state", "time_period_label", "confidence_interval", "quartile_range")
_NUMBERS = ("value", "low_ci", "high_ci")


@dataclass(frozen=True)
class RecordFormat:
    """How one wire format names and writes the fields of a record."""

    # Canonical column -> accepted field names in this format; the first is used in messages.
    fields: Mapping[str, tuple[str, ...]]
    date_description: str  # e.g. 'MM/DD/YYYY', for error messages
    parse_date: Callable[[str], date]  # raises ValueError for a malformed date

    def label(self, column: str) -> str:
        return self.fields[column][0]


class RecordError(ValueError):
    """One record is malformed; the message is the quarantine reason.

    `fields` names the fields it complains about, as the user sees them (the format's labels),
    so the quarantine can say where to look without keeping the record.
    """

    def __init__(self, message: str, fields: Sequence[str] = ()):
        super().__init__(message)
        self.fields = tuple(dict.fromkeys(fields))  # each once, in the order first named


# A problem found in a record: the fields it concerns and what is wrong with them.
Problem = tuple[tuple[str, ...], str]


def validate_records(
    items: Iterable[tuple[int, Mapping[str, object], RecordError | None]], fmt: RecordFormat
) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
    """Split `(row_number, record, structural_problem)` items into valid rows and quarantine.

    `structural_problem` is what the parser already found wrong with the record (for instance
    a CSV line with too many cells); such a record is quarantined without further checks.
    """
    rows: list[dict] = []
    quarantined: list[QuarantinedRecord] = []
    date_cache: dict[str, date | str] = {}  # dates repeat heavily; parse each text once
    for row_number, record, problem in items:
        if problem is None:
            try:
                row = validate_record(record, fmt, date_cache)
            except RecordError as error:
                problem = error
            else:
                row["_row_number"] = row_number
                rows.append(row)
                continue
        quarantined.append(QuarantinedRecord.of(row_number, record, str(problem), problem.fields))
    return rows_frame(rows), quarantined


def validate_record(
    record: Mapping[str, object], fmt: RecordFormat, date_cache: dict | None = None
) -> dict:
    """Return the record as typed raw-table values, or raise RecordError listing every problem."""
    problems: list[Problem] = []
    text = {column: _field(record, fmt, column) for column in fmt.fields}
    row: dict[str, object] = {}

    for column in _REQUIRED_TEXT + ("time_period", "period_start", "period_end"):
        label = fmt.label(column)
        if text[column] is None:
            problems.append(((label,), f"{label} is missing"))
        elif text[column] == "":
            problems.append(((label,), f"{label} is empty"))
    for column in _REQUIRED_TEXT:
        row[column] = text[column]
    for column in _OPTIONAL_TEXT:
        row[column] = text[column] or None

    row["time_period"] = _parse_int(text["time_period"], fmt.label("time_period"), problems)
    for column in ("period_start", "period_end"):
        row[column] = _parse_date(text[column], fmt, column, problems, date_cache)
    start, end = row["period_start"], row["period_end"]
    if start is not None and end is not None and start > end:
        start_label, end_label = fmt.label("period_start"), fmt.label("period_end")
        problems.append(
            (
                (start_label, end_label),
                f"{start_label} {text['period_start']} is after {end_label} {text['period_end']}",
            )
        )
    for column in _NUMBERS:
        row[column] = _parse_number(text[column], fmt.label(column), problems)

    if problems:
        raise RecordError(
            "; ".join(message for _, message in problems),
            fields=[label for labels, _ in problems for label in labels],
        )
    return row


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """Validated rows as a DataFrame with the raw-contract columns and dtypes."""
    frame = pd.DataFrame(rows, columns=list(ROW_COLUMNS))
    # Text columns keep pandas' inferred string dtype; None stays missing (NULL in the warehouse).
    for column in ("time_period", "_row_number"):
        frame[column] = frame[column].astype("int32")
    for column in _NUMBERS:
        frame[column] = frame[column].astype("Float64")
    return frame


def _field(record: Mapping[str, object], fmt: RecordFormat, column: str) -> str | None:
    """The field's text, stripped; None when no accepted name is present or the value is null."""
    for name in fmt.fields[column]:
        if name in record:
            value = record[name]
            if value is None:
                return None
            return value.strip() if isinstance(value, str) else str(value)
    return None


def _parse_int(text: str | None, label: str, problems: list[Problem]) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number) and number.is_integer():
        return int(number)  # JSON may carry 3 as 3.0
    problems.append(((label,), f"{label} {text!r} is not an integer"))
    return None


def _parse_date(
    text: str | None, fmt: RecordFormat, column: str, problems: list[Problem], cache: dict | None
) -> date | None:
    if not text:
        return None
    cache = {} if cache is None else cache
    if text not in cache:
        try:
            cache[text] = fmt.parse_date(text)
        except ValueError:
            cache[text] = f"{fmt.label(column)} {text!r} is not a {fmt.date_description} date"
    parsed = cache[text]
    if isinstance(parsed, str):
        problems.append(((fmt.label(column),), parsed))
        return None
    return parsed


def _parse_number(text: str | None, label: str, problems: list[Problem]) -> float | None:
    if not text:
        return None  # gap rows and suppressed estimates have no value
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems.append(((label,), f"{label} {text!r} is not a number"))
        return None
    return number
