"""Reading search-interest CSVs: Google Trends exports and the tables libraries save.

Two layouts, told apart by their header (the first of the first four lines naming a date
column; anything above it is a preamble such as 'Category: All categories'):

- a Google Trends export: `Week` (or `Day`, `Month`), then one column per series headed
  `<term>: (<place>)`. A term may hold ': ' itself, so the header is split at its last ': ('.
- a table as pytrends and notebooks save it: a date column (date, week, day, time ...), an
  optional place column (geo, place, region, state ...; without one the place is 'Worldwide'),
  an optional isPartial column, and one column per term.

Each (term, place, date) value becomes one record of PAYLOAD_FIELDS, in column order then line
order, every cell as published (the date as ISO when it is one). Terms, places and file names
are scrubbed of personal data (``extract.privacy``): they are free text from the file.

Counting: the records of a file are its data lines (non-empty physical lines after the header,
counted without the CSV reader) times its value columns (``count_values``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract import files
from extract.batch import ExtractError
from extract.google_trends import values
from extract.google_trends.records import PAYLOAD_FIELDS, WORLDWIDE
from extract.payload_counts import physical_lines
from extract.privacy import scrub_text

WHAT = "Google Trends export"
FILE_HINT = (
    "MINDPULSE_TRENDS_FILE takes a Google Trends CSV export (trends.google.com > Explore > "
    "Download), a CSV saved by pytrends or a notebook, a folder of them or a glob (optionally "
    ".gz)."
)
COUNTED_BY = (
    "values in the CSV: data lines (non-empty lines after the header, counted without the CSV "
    "reader) times value columns"
)
MAX_PREAMBLE_LINES = 3
DATE_COLUMNS = frozenset({"week", "day", "month", "date", "time", "datetime", "period"})
PLACE_COLUMNS = frozenset({"geo", "place", "region", "state", "location", "country", "geo_name"})
PARTIAL_COLUMNS = frozenset({"ispartial", "is_partial", "partial"})
_HEADER_GRANULARITY = {"day": "daily", "week": "weekly", "month": "monthly"}
_UNNAMED = re.compile(r"unnamed:_\d+")  # the index column pandas writes without a name
_TERM_PLACE_SEPARATOR = ": ("


@dataclass(frozen=True)
class Header:
    line_index: int  # 0-based physical line of the header
    cells: list[str]
    date: int  # column positions
    place: int | None
    partial: int | None
    value_columns: list[int]

    @property
    def layout(self) -> str:
        headed = all(_term_and_place(self.cells[c])[1] for c in self.value_columns)
        return "google_export" if headed else "table"


@dataclass
class FileRead:
    records: pd.DataFrame  # PAYLOAD_FIELDS as text; the window fields are set by ``windows``
    values_counted: int  # counted without the reader (see the module docstring)
    layouts: Counter = field(default_factory=Counter)  # layout -> files


def resolve_files(spec: str | Path) -> list[Path]:
    return files.resolve_files(
        spec, lambda path: files.format_suffix(path) == ".csv", WHAT, FILE_HINT
    )


def read_files(paths: list[Path]) -> FileRead:
    """Every value of the files, in file-name order."""
    return read_texts((path.name, files.read_text(path, WHAT, FILE_HINT)) for path in paths)


def read_texts(named_texts: Iterable[tuple[str, str]]) -> FileRead:
    frames, counted, layouts = [], 0, Counter()
    for name, text in named_texts:
        header = find_header(text, name)
        frames.append(read_export_text(text, name, header))
        counted += count_values(text, header)
        layouts[header.layout] += 1
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return FileRead(records.reindex(columns=list(PAYLOAD_FIELDS)), counted, layouts)


def find_header(text: str, name: str) -> Header:
    """The header: the first of the first lines that names a date column."""
    for index, line in enumerate(physical_lines(text)[: MAX_PREAMBLE_LINES + 1]):
        cells = next(csv.reader([line]), [])
        names = [_normalised(cell) for cell in cells]
        dates = [position for position, cell in enumerate(names) if cell in DATE_COLUMNS]
        if not dates:
            continue
        date = dates[0]
        place = _first(names, PLACE_COLUMNS, exclude=date)
        partial = _first(names, PARTIAL_COLUMNS, exclude=date)
        value_columns = [
            position
            for position, cell in enumerate(names)
            if position not in (date, place, partial) and cell and not _UNNAMED.fullmatch(cell)
        ]
        if value_columns:
            return Header(index, cells, date, place, partial, value_columns)
        break
    raise ExtractError(
        f"{name} is neither a Google Trends export (up to {MAX_PREAMBLE_LINES} lines such as "
        "'Category: All categories', then a header 'Week,<term>: (<place>),...') nor a table "
        "with a date column (date, week, day, month, time) and one column per search term. "
        + FILE_HINT
    )


def count_values(text: str, header: Header) -> int:
    """Data lines (non-empty physical lines after the header) times value columns."""
    lines = physical_lines(text)[header.line_index + 1 :]
    return sum(1 for line in lines if line.strip()) * len(header.value_columns)


def read_export_text(text: str, name: str, header: Header | None = None) -> pd.DataFrame:
    """The values of one CSV as PAYLOAD_FIELDS (text, None when missing)."""
    header = header or find_header(text, name)
    body = "\n".join(physical_lines(text)[header.line_index + 1 :])
    reader = csv.reader(io.StringIO(body, newline=""))
    lines, rows, problems = [], [], []
    width = len(header.cells)
    try:
        for cells in reader:
            if len(cells) <= 1 and not "".join(cells).strip():
                continue  # a blank line is not a record (a line of commas is one)
            lines.append(header.line_index + 1 + reader.line_num)
            problems.append(
                None
                if len(cells) == width
                else f"the line has {len(cells)} fields but the header has {width}"
            )
            rows.append((cells + [""] * width)[:width])
    except csv.Error as error:
        raise ExtractError(
            f"{name} is not well-formed CSV near line {reader.line_num}: {error}."
        ) from None
    cells = pd.DataFrame(rows, columns=range(width), dtype=object)
    if cells.empty:
        cells = pd.DataFrame({c: pd.Series(dtype=object) for c in range(width)})
    stamps = values.parse_published_dates(cells[header.date])
    granularity = _granularity(header, stamps, name)
    published = cells[header.date].astype("string").str.strip().replace("", pd.NA)
    dates = stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), published)
    places = None
    if header.place is not None:
        places = cells[header.place].astype("string").str.strip().replace("", pd.NA)
        places = places.map(_scrubbed_cached(), na_action="ignore")
    partial = (
        cells[header.partial].astype("string")
        if header.partial is not None
        else pd.Series("false", index=cells.index, dtype="string")
    )
    file_name = scrub_text(name)
    frames = []
    for column in header.value_columns:
        term, place = _term_and_place(header.cells[column])
        column_name = scrub_text(header.cells[column].strip())
        if place:  # '<term>: (<place>)' names the place of the whole column
            place = scrub_text(place)
        elif places is not None:
            place = places
        else:
            place = WORLDWIDE
        frame = pd.DataFrame(
            {
                "term": scrub_text(term),
                "place": place,
                "period_date": dates,
                "granularity": granularity,
                "interest": cells[column].astype("string").str.strip().replace("", pd.NA),
                "is_partial": partial,
                "file_name": file_name,
                "_source": [f"{file_name}, line {line}, column {column_name!r}" for line in lines],
                "_problem": pd.Series(problems, dtype=object),
            }
        )
        frames.append(frame)
    records = pd.concat(frames, ignore_index=True)
    return (
        records.reindex(columns=list(PAYLOAD_FIELDS))
        .astype(object)
        .where(lambda frame: frame.notna(), None)
    )


def _granularity(header: Header, stamps: pd.Series, name: str) -> str:
    named = _HEADER_GRANULARITY.get(_normalised(header.cells[header.date]))
    found = named or values.granularity_of(stamps)
    if found is None and stamps.notna().any():
        raise ExtractError(
            f"{name}: cannot tell whether its dates are daily, weekly or monthly (they are "
            "hourly, a single date, or irregular). MindPulse reads daily, weekly or monthly "
            "search interest; download a longer time range."
        )
    return found or "weekly"  # no date could be read: every record is quarantined anyway


def _term_and_place(header: str) -> tuple[str, str | None]:
    """('mental health', 'United States') from 'mental health: (United States)'; the whole
    header and None when it names no place."""
    text = header.strip()
    cut = text.rfind(_TERM_PLACE_SEPARATOR)
    if cut <= 0 or not text.endswith(")"):
        return text, None
    return text[:cut].strip(), text[cut + len(_TERM_PLACE_SEPARATOR) : -1].strip() or None


def _normalised(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_")


def _first(names: list[str], wanted: frozenset[str], exclude: int) -> int | None:
    return next((i for i, n in enumerate(names) if n in wanted and i != exclude), None)


def _scrubbed_cached():
    cache: dict[str, str] = {}

    def scrub(text: str) -> str:
        if text not in cache:
            cache[text] = scrub_text(text)
        return cache[text]

    return scrub
