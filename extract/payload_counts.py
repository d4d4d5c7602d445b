"""Counting the records a payload holds without the parser that reads it.

The "every record accounted for" check compares what was loaded plus what was quarantined with
a count the parser cannot influence; otherwise a parser that merges or drops records would
always agree with itself. Where the format puts one record per physical line (the CDC CSV
export, the JSON lines MindPulse lands), that count is the number of non-empty lines. Formats
whose fields may span lines (Reddit text) need a count from elsewhere, such as the total an
API response reports, or :func:`csv_records`, a second reading of the CSV's quoting written
independently of the parser.
"""

from __future__ import annotations

import re

# The line ends Python's csv module recognises; str.splitlines() would also split on form
# feeds and Unicode separators, which csv keeps inside a field.
_LINE_END = re.compile(r"\r\n|\r|\n")
# What changes the state of a CSV scan: quotes, delimiters and line ends.
_CSV_TOKEN = re.compile(r'"|,|\r\n|\r|\n')


def physical_lines(text: str) -> list[str]:
    """The text's lines as csv sees them, without their line ends (no empty last line)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the text ended with a line end
    return lines


def csv_data_lines(text: str) -> int:
    """Non-empty lines after the header: the records of a one-record-per-line CSV."""
    non_empty = sum(1 for line in physical_lines(text) if line)
    return max(non_empty - 1, 0)


def json_lines_records(text: str) -> int:
    """Non-blank lines of a JSON lines payload: one record each."""
    return sum(1 for line in physical_lines(text) if line.strip())


def csv_records(text: str) -> int:
    """Records after the header of a CSV whose quoted fields may span lines, counted by a
    scan of its quotes and line ends that shares no code with the csv module.

    The rules are those of RFC 4180 as Python's csv module applies them: a quote opens a quoted
    field only at the start of a field ('5" tall' is text), a doubled quote inside one is a
    quote, and a line end outside quotes ends a record. Records holding nothing but white
    space are not counted (readers skip them). It catches a reader that loses or merges
    records; it cannot catch a stray quote, which misleads both alike (those records are
    caught by their fields, see extract.reddit.validation).
    """
    records = 0
    in_quotes = False
    field_start = 0  # where the current field begins: a quote there opens a quoted field
    record_start = 0
    escaped = False  # the previous token was the first quote of a doubled quote
    for token in _CSV_TOKEN.finditer(text):
        mark = token.group()
        if escaped:
            escaped = False  # the second quote of the pair: still inside the quotes
            continue
        if in_quotes:
            if mark == '"':
                if text.startswith('"', token.end()):
                    escaped = True
                else:
                    in_quotes = False  # closing; what follows up to the delimiter is text
            continue
        if mark == '"':
            in_quotes = token.start() == field_start
        elif mark == ",":
            field_start = token.end()
        else:  # a line end outside quotes
            if text[record_start : token.start()].strip():
                records += 1
            record_start = field_start = token.end()
    if in_quotes or text[record_start:].strip():
        records += 1  # the last record, without a line end (or with an unterminated quote)
    return max(records - 1, 0)  # the header
