"""File mode: WHO suicide statistics CSVs in either published layout, one file, a folder or a glob.

Each file is read with the csv module (the overview layout quotes its GDP figures, which hold
thousands separators), its layout recognised from the header (``layouts``), and every record
mapped onto PAYLOAD_FIELDS as text, trimmed, blank as None. Nothing is typed here: validation
does that, on the landed records, so a replay reads them exactly as this run did. Country
names and generation labels are the only free text; they are scrubbed of personal data before
anything is landed (``extract.privacy``), once per distinct value.

Counting: each file's records are counted again by ``payload_counts.csv_records``, a scan of
quotes and line ends that shares no code with the csv module; the sum is the batch's record
count for the accounting check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract import files
from extract.privacy import scrub_text
from extract.who_suicide.layouts import detect_layout
from extract.who_suicide.records import PAYLOAD_FIELDS

WHAT = "WHO suicide statistics file"
FILE_HINT = (
    "MINDPULSE_WHO_FILE takes a WHO suicide statistics CSV (optionally .gz) in the WHO layout "
    "(who_suicide_statistics.csv) or the 'suicide rates overview 1985-2016' layout "
    "(master.csv), a folder of them or a glob."
)
COUNTED_BY = "CSV records counted by a scan of quotes and line ends independent of the CSV reader"
_FREE_TEXT = ("country", "generation")


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
    """Every record of the files, in file-name order (the order duplicates are judged in)."""
    records, counted = files.read_csv_files(paths, read_csv_text, WHAT, FILE_HINT)
    return FileRead(records, counted, tuple(paths))


def read_csv_text(text: str, name: str, hint: str = FILE_HINT) -> pd.DataFrame:
    """The records of one CSV as PAYLOAD_FIELDS (text, None when blank)."""
    name = scrub_text(name)
    header, records = files.csv_records(text, name, "WHO suicide statistics")
    match = detect_layout(header, name, hint)
    kept = list(match.positions.items())
    columns: dict[str, list] = {field: [] for field, _ in kept}
    sources, problems = [], []
    for record in records:
        cells = record.cells
        width = len(cells)
        for field, position in kept:
            columns[field].append(cells[position].strip() if position < width else "")
        sources.append(record.source)
        problems.append(record.problem)
    frame = pd.DataFrame({field: pd.Series(v, dtype=object) for field, v in columns.items()})
    frame = frame.reindex(columns=list(PAYLOAD_FIELDS))
    frame = frame.mask(frame == "")  # blank is missing: NaN here, null once landed
    frame = frame.astype(object).where(frame.notna(), None)
    for field in _FREE_TEXT:
        frame[field] = _scrubbed(frame[field])
    frame["layout"] = match.layout
    frame["file_name"] = name
    frame["_source"] = pd.Series(sources, dtype=object)
    frame["_problem"] = pd.Series(problems, dtype=object)
    return frame


def _scrubbed(values: pd.Series) -> pd.Series:
    """Scrubbed text, computed once per distinct value (a country repeats on every row)."""
    present = values.dropna().unique()
    return values.map({value: scrub_text(value) for value in present})
