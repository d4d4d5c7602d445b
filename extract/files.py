"""Export files as people have them: one file, a folder or a glob, plain or gzip-compressed.

Shared by every source whose file variable may name several files (Reddit exports, yearly OSMI
survey files): which files a spec names, in which order, their text, and their CSV records.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract import payload_counts
from extract.batch import ExtractError

_GZIP_MAGIC = b"\x1f\x8b"
_GLOB = re.compile(r"[*?[]")


def resolve_files(
    spec: str | Path, supported: Callable[[Path], bool], what: str, hint: str
) -> list[Path]:
    """The files `spec` names: itself, the `supported` files in a folder, or a glob's matches,
    in name order (the order their records are numbered in). `what` names the export in
    messages ('Reddit export'); `hint` says what the variable takes."""
    text = str(spec)
    if _GLOB.search(text):
        paths = [Path(p) for p in glob.glob(text) if Path(p).is_file()]
    elif Path(text).is_dir():
        paths = [p for p in Path(text).iterdir() if p.is_file() and supported(p)]
    elif Path(text).is_file():
        paths = [Path(text)]
    else:
        raise ExtractError(f"Cannot read the {what} {text}: no such file or folder. {hint}")
    if not paths:
        raise ExtractError(f"{text} names no {what} files. {hint}")
    return sorted(paths)


def format_suffix(path: Path) -> str | None:
    """The file's format suffix ('.csv'), looking through a final '.gz'; None without one."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else None


def read_text(path: Path, what: str, hint: str) -> str:
    """The file's text: gzip-decompressed when it starts like gzip, decoded as UTF-8 (a
    byte-order mark dropped). Errors name the file and what to do."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExtractError(
            f"Cannot read the {what} {path}: {error.strerror or error}. {hint}"
        ) from None
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ExtractError(
                f"{path.name} looks gzip-compressed but cannot be "
                f"decompressed ({error}); the file may be cut short."
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{path.name} is not UTF-8 text ({error}); export it again as UTF-8. {hint}"
        ) from None


@dataclass(frozen=True)
class CsvRecord:
    cells: list[str]
    source: str  # where it came from: 'posts.csv, line 12' or 'posts.csv, lines 12-14'
    problem: str | None  # what reading it found wrong (a field count unlike the header's)


def csv_records(text: str, name: str, what: str) -> tuple[list[str], Iterator[CsvRecord]]:
    """The header of a CSV export and an iterator over its records, blank lines skipped.

    Fields may hold line breaks inside quotes; a record whose field count differs from the
    header's keeps its cells and says so in `problem`, so validation quarantines it with that
    reason. Malformed CSV (the csv module gives up) is an ExtractError naming the line.
    """
    reader = csv.reader(io.StringIO(text, newline=""))

    def failed(error: csv.Error) -> ExtractError:
        return ExtractError(f"{name} is not well-formed CSV near line {reader.line_num}: {error}.")

    try:
        header = next(reader, None)
    except csv.Error as error:
        raise failed(error) from None
    if header is None:
        raise ExtractError(f"{name} is empty; expected {what} as CSV with a header line.")

    def records() -> Iterator[CsvRecord]:
        try:
            while True:
                first_line = reader.line_num + 1
                cells = next(reader, None)
                if cells is None:
                    return
                if len(cells) <= 1 and not "".join(cells).strip():
                    continue  # a blank line is not a record
                last = reader.line_num
                lines = f"line {first_line}" if last == first_line else f"lines {first_line}-{last}"
                problem = None
                if len(cells) != len(header):
                    problem = (
                        f"the record has {len(cells)} fields but the header has {len(header)}: "
                        "a line break or quote in a field without proper quoting probably split it"
                    )
                yield CsvRecord(cells, f"{name}, {lines}", problem)
        except csv.Error as error:
            raise failed(error) from None

    return header, records()


def read_csv_files(
    paths: list[Path], read: Callable[[str, str], pd.DataFrame], what: str, hint: str
) -> tuple[pd.DataFrame, int]:
    """Every file's records through `read(text, file name)`, in the given order, and how many
    CSV records the files hold counted without any CSV reader (the accounting check's count)."""
    frames, counted = [], 0
    for path in paths:
        text = read_text(path, what, hint)
        frames.append(read(text, path.name))
        counted += payload_counts.csv_records(text)
    return pd.concat(frames, ignore_index=True), counted
