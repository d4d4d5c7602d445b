"""Validation of landed search-interest records: typed raw rows, or quarantine with the reason.

One record is one (term, place, date) value. It is quarantined when the reader found its line
malformed, when its date is not a date, when its value is neither a number from 0 to 100, '<1'
nor blank, or when its isPartial cell is not true or false; the reason names the file, line
and column it came from, and the value. Window fields that are not numbers only occur in a
damaged landing file, and are quarantined the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.batch import QuarantinedRecord
from extract.google_trends import values
from extract.google_trends.records import GRANULARITIES, PAYLOAD_FIELDS, ROW_COLUMNS
from extract.record_problems import RecordProblems


def _text(cells: pd.Series) -> pd.Series:
    text = cells.astype("string").str.strip()
    return text.mask(text == "")


def validate_payload(records: pd.DataFrame) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
    """Rows for raw.google_trends_interest (ROW_COLUMNS) and the records that failed."""
    records = records.reindex(columns=list(PAYLOAD_FIELDS)).reset_index(drop=True)
    text = {name: _text(records[name]) for name in PAYLOAD_FIELDS}
    problems = RecordProblems(records, PAYLOAD_FIELDS)

    def flag(mask, field: str, complaint) -> None:
        problems.flag(mask, field, complaint, values=text[field])

    problems.flag_reader_problems(text["_problem"])
    flag(text["term"].isna(), "term", "the record has no search term")
    flag(text["place"].isna(), "place", "the record has no place (the place column is blank)")
    flag(text["file_name"].isna(), "file_name", "the record has no file name")
    dates = values.parse_iso_dates(text["period_date"])
    flag(
        dates.isna(),
        "period_date",
        lambda d: (
            "the record has no date"
            if pd.isna(d)
            else f"the date {d!r} is not a date such as 2018-01-28"
        ),
    )
    granularity = text["granularity"]
    flag(
        ~granularity.isin(GRANULARITIES).fillna(False),
        "granularity",
        lambda g: f"the granularity {g!r} is not daily, weekly or monthly",
    )
    interest, below_one, bad_interest = values.parse_interest(text["interest"])
    flag(
        bad_interest,
        "interest",
        lambda v: f"the value {v!r} is not a search-interest number (0 to 100, '<1' or blank)",
    )
    is_partial, bad_partial = values.parse_partial(text["is_partial"])
    flag(bad_partial, "is_partial", lambda p: f"the isPartial value {p!r} is not true or false")
    window_index = pd.to_numeric(text["window_index"], errors="coerce")
    flag(
        ~((window_index >= 0) & (window_index % 1 == 0)),
        "window_index",
        "the window index is not a whole number from 0",
    )
    link_factor = pd.to_numeric(text["window_link_factor"], errors="coerce")
    flag(
        ~((link_factor > 0) & np.isfinite(link_factor)),
        "window_link_factor",
        "the window link factor is not a positive number",
    )

    rows = pd.DataFrame(
        {
            "term": text["term"],
            "place": text["place"],
            "period_date": dates.dt.date,
            "granularity": granularity,
            "interest": interest,
            "below_one": below_one,
            "is_partial": is_partial,
            "window_index": window_index.fillna(0).astype("int32"),
            "window_link_factor": link_factor.astype(float),
            "file_name": text["file_name"],
            "_row_number": np.arange(1, len(records) + 1, dtype="int32"),
        },
        columns=list(ROW_COLUMNS),
    )
    return problems.split(rows, ROW_COLUMNS)
