"""File mode: OSMI survey CSVs as published, one file or a folder of yearly files.

Each file is read with the csv module (answers may hold line breaks and `|`-joined multiple
choices inside quotes), its layout recognised from the header (``layouts``), and every row
mapped onto the core columns as text. What is not a core answer (comments, "why or why not?",
every other question) is dropped here, before anything is landed. Free-text gender is
scrubbed of personal data (``extract.privacy``) for the same reason.

Counting: answers may span lines, so lines do not count records. Each file is counted again by
``payload_counts.csv_records``, a scan of quotes and line ends that shares no code with the csv
module; the sum is the batch's record count for the accounting check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract import files
from extract.osmi_survey.layouts import detect_layout, survey_year
from extract.osmi_survey.records import PAYLOAD_FIELDS
from extract.privacy import scrub_text

WHAT = "OSMI survey export"
FILE_HINT = (
    "MINDPULSE_SURVEY_FILE takes an OSMI Mental Health in Tech survey CSV (optionally .gz) as "
    "published, or a folder of them (one per survey year)."
)
COUNTED_BY = "CSV records counted by a scan of quotes and line ends independent of the CSV reader"
_MISSING = {"", "NA", "N/A"}  # how the exports write an unanswered question


@dataclass(frozen=True)
class FileRead:
    records: pd.DataFrame  # PAYLOAD_FIELDS as text, one row per record read
    records_counted: int  # counted without the reader (see the module docstring)
    files: tuple[Path, ...]


def resolve_files(spec: str | Path) -> list[Path]:
    return files.resolve_files(
        spec, lambda path: files.format_suffix(path) == ".csv", WHAT, FILE_HINT
    )


def read_files(paths: list[Path]) -> FileRead:
    """Every record of the files, in file-name order."""
    records, counted = files.read_csv_files(paths, read_csv_text, WHAT, FILE_HINT)
    return FileRead(records, counted, tuple(paths))


def read_csv_text(text: str, name: str) -> pd.DataFrame:
    """The records of one survey CSV as PAYLOAD_FIELDS (text, None when missing)."""
    header, records = files.csv_records(text, name, "an OSMI survey export")
    layout, positions = detect_layout(header, name)
    year = survey_year(layout, name)
    columns: dict[str, list] = {field: [] for field in PAYLOAD_FIELDS}
    keys: list[str] = []  # what each respondent id is a hash of
    for record in records:
        cells = record.cells
        columns["_source"].append(record.source)
        columns["_problem"].append(record.problem)
        columns["survey_year"].append(str(year))
        columns["layout"].append(layout.name)
        for field in PAYLOAD_FIELDS:
            if field in positions:
                position = positions[field]
                value = cells[position].strip() if position < len(cells) else ""
                columns[field].append(None if value in _MISSING else value)
            elif field not in ("_source", "_problem", "survey_year", "layout"):
                columns[field].append(None)
        keys.append("\x1f".join([str(year), *cells]))
    columns["respondent_id"] = respondent_ids(keys, year)
    columns["gender"] = [None if g is None else scrub_text(g) for g in columns["gender"]]
    return pd.DataFrame({f: pd.Series(v, dtype=object) for f, v in columns.items()})


def respondent_ids(keys: list[str], year: int) -> list[str]:
    """'osmi-<year>-<16 hex>' per row: a hash of the row's cells, so the same file loaded
    again gives the same ids. Identical rows (a response submitted twice) are told apart by
    their order: the second gets '-2'."""
    ids, seen = [], {}
    for key in keys:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        ids.append(f"osmi-{year}-{digest}{suffix}")
    return ids
