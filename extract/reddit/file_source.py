"""File mode: Reddit exports as people have them, one file, a folder or a glob of them.

Accepted: CSV (a praw scrape: created_utc as 'YYYY-MM-DD HH:MM:SS', relative permalinks,
multi-line bodies in quotes; an API dump: created_utc in epoch seconds, an `id` or a 't3_'
`name`) and JSON lines (Pushshift dumps, API listings with or without their {"kind": "t3",
"data": ...} wrapper), each optionally gzip-compressed (recognised by its first bytes). Field
names may be written in any of the forms ``records.FIELD_ALIASES`` lists; other columns are
ignored; a missing required column stops the run with its name.

Counting: a post's body may hold line breaks, so lines do not count records. Each CSV is counted
again by ``payload_counts.csv_records``, a scan of its quotes and line ends that shares no code
with the csv module reading it; JSON lines are counted by their non-blank lines. The sum is the
batch's record count for the accounting check, so a reader that loses or merges records fails
the load. What both readings get wrong alike (a stray quote, a line break written without
quotes) produces fragments whose fields carry what their types forbid; validation quarantines
them, so the rest loads and the fragments are visible in raw.quarantine.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract import files
from extract.batch import ExtractError
from extract.payload_counts import csv_records, json_lines_records
from extract.reddit.records import SOURCE_FIELDS, map_fields, missing_fields

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_WHAT = "Reddit export"
_FILE_HINT = (
    "MINDPULSE_REDDIT_FILE takes a CSV or JSON lines file (optionally .gz), a folder of them, or "
    "a glob such as '/data/reddit/*.csv.gz'."
)


@dataclass(frozen=True)
class FileRead:
    records: pd.DataFrame  # SOURCE_FIELDS + '_source' + '_problem', one row per record read
    records_counted: int  # counted without the readers (see the module docstring)
    counted_by: str
    files: tuple[Path, ...]


def resolve_files(spec: str | Path) -> list[Path]:
    """The files `spec` names: itself, the supported files in a folder, or a glob's matches."""
    return files.resolve_files(spec, lambda p: _format_of(p) is not None, _WHAT, _FILE_HINT)


def read_files(paths: list[Path]) -> FileRead:
    frames, counted = [], 0
    kinds = set()
    for path in paths:
        text, kind = _read_text(path)
        kinds.add(kind)
        if kind == "csv":
            frames.append(read_csv_text(text, path.name))
            counted += csv_records(text)
        else:
            frames.append(read_json_lines_text(text, path.name))
            counted += json_lines_records(text)
    described = {
        "csv": "CSV records counted by a scan of quotes and line ends independent of the CSV "
        "reader (bodies may span lines)",
        "jsonl": "non-blank lines of JSON lines (one record per line)",
    }
    counted_by = " + ".join(described[kind] for kind in sorted(kinds))
    records = pd.concat(frames, ignore_index=True) if frames else _frame({})
    return FileRead(records, counted, counted_by, tuple(paths))


def read_csv_text(text: str, name: str) -> pd.DataFrame:
    header, records = files.csv_records(text, name, "an export of Reddit posts")
    mapping = map_fields(header)
    _require(mapping, header, name)
    positions = {field: header.index(column) for field, column in mapping.items()}
    columns: dict[str, list] = {f: [] for f in (*positions, "_source", "_problem")}
    for record in records:
        columns["_source"].append(record.source)
        columns["_problem"].append(record.problem)
        cells = record.cells
        for field, position in positions.items():
            columns[field].append(cells[position] if position < len(cells) else None)
    return _frame(columns)


def read_json_lines_text(text: str, name: str) -> pd.DataFrame:
    columns: dict[str, list] = {f: [] for f in (*SOURCE_FIELDS, "_source", "_problem")}
    seen_fields: set[str] = set()
    mappings: dict[tuple, dict[str, str]] = {}  # records of one dump share their keys
    for line_number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if not line.strip():
            continue
        problem, record = None, {}
        try:
            loaded = json.loads(line)
        except ValueError as error:
            problem = f"the line is not valid JSON ({error.msg})"
        else:
            if isinstance(loaded, dict) and isinstance(loaded.get("data"), dict):
                loaded = loaded["data"]  # an API listing child: {"kind": "t3", "data": {...}}
            if isinstance(loaded, dict):
                record = loaded
            else:
                problem = "the line is not a JSON object"
        keys = tuple(record)
        mapping = mappings.get(keys)
        if mapping is None:
            mapping = mappings[keys] = map_fields(keys)
        seen_fields.update(mapping)
        for field in SOURCE_FIELDS:
            value = record.get(mapping[field]) if field in mapping else None
            columns[field].append(None if isinstance(value, dict | list) else value)
        columns["_source"].append(f"{name}, line {line_number}")
        columns["_problem"].append(problem)
    if columns["_source"]:
        _require({f: f for f in seen_fields}, sorted({k for keys in mappings for k in keys}), name)
    return _frame(columns)


def _require(mapping: dict, columns, name: str) -> None:
    missing = missing_fields(mapping)
    if missing:
        raise ExtractError(
            f"{name} lacks the required column(s) {', '.join(map(repr, missing))}; it has "
            f"{', '.join(map(repr, columns)) or 'none'}. A Reddit export needs title, "
            "created_utc, subreddit and one of id, name or permalink (Reddit's field names; "
            "aliases such as 'created' or 'body' are accepted, see extract/reddit/records.py)."
        )


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {field: pd.Series(values, dtype=object) for field, values in columns.items()}
    )
    return frame.reindex(columns=[*SOURCE_FIELDS, "_source", "_problem"])


def _format_of(path: Path) -> str | None:
    return FORMATS.get(files.format_suffix(path) or "")


def _read_text(path: Path) -> tuple[str, str]:
    text = files.read_text(path, _WHAT, _FILE_HINT)
    kind = _format_of(path) or ("jsonl" if text.lstrip().startswith("{") else "csv")
    if kind == "jsonl" and text.lstrip().startswith("["):
        raise ExtractError(
            f"{path.name} is a JSON array; MindPulse reads JSON lines (one "
            "object per line). Convert it, e.g. `jq -c '.[]'`."
        )
    return text, kind
