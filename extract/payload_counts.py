"""Counting the records a payload holds without the parser that reads it.

The "every record accounted for" check compares what was loaded plus what was quarantined with
a count the parser cannot influence; otherwise a parser that merges or drops records would
always agree with itself. Where the format puts one record per physical line (the CDC CSV
export, the JSON lines MindPulse lands), that count is the number of non-empty lines. Formats
whose fields may span lines (Reddit text) need a count from elsewhere, such as the total an
API response reports.
"""

from __future__ import annotations

import re

# The line ends Python's csv module recognises; str.splitlines() would also split on form
# feeds and Unicode separators, which csv keeps inside a field.
_LINE_END = re.compile(r"\r\n|\r|\n")


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
