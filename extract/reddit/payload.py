"""The landed form of every Reddit batch: JSON lines of prepared (private) records.

Sources differ (praw objects, CSV scrapes, API dumps, generated posts), so each run lands the
records it made *after* the privacy step (``extract.reddit.prepare``), one JSON object per line,
every value text or null. Landing files then never hold a username, and replay reads one format
for every mode and parses it exactly as the run that landed it did.

JSON lines have one record per physical line (line breaks inside text are escaped), so their
records are counted by their non-blank lines, without this parser.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from extract.batch import ExtractError
from extract.payload_counts import physical_lines
from extract.reddit.validation import PAYLOAD_FIELDS

SUFFIX = ".jsonl"


def to_json_lines(records: pd.DataFrame) -> bytes:
    """`records` (PAYLOAD_FIELDS as text) as JSON lines, in order, null for missing values.

    DuckDB writes the JSON: about ten times faster than json.dumps per record, which matters
    at a million generated posts. `_problem` is left out of records that have none.
    """
    frame = records.reindex(columns=list(PAYLOAD_FIELDS)).astype("string").astype(object)
    frame = frame.where(frame.notna(), None)
    with duckdb.connect() as conn:
        conn.register("records", frame)
        # Without an ORDER BY DuckDB still keeps a scan's order (preserve_insertion_order).
        lines = conn.execute(
            "select json_object("
            + ", ".join(f"'{f}', {f}" for f in PAYLOAD_FIELDS if f != "_problem")
            + ") :: varchar as line from records"
        ).fetchnumpy()["line"]
        problems = frame["_problem"].notna().to_numpy()
        if problems.any():
            # Few records have one: add the field to those lines with json.dumps.
            for position in problems.nonzero()[0]:
                record = json.loads(lines[position])
                record["_problem"] = frame["_problem"].iat[position]
                lines[position] = json.dumps(record, ensure_ascii=False)
    if len(lines) == 0:
        return b""
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_json_lines(payload: bytes, origin: str) -> pd.DataFrame:
    """Landed records as a DataFrame of PAYLOAD_FIELDS (text, <NA> when missing).

    A line that is not a JSON object (a damaged landing file) becomes a record whose _problem
    says so, and is quarantined with the rest of the batch loaded.
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{origin} is not UTF-8 text ({error}); it is not a landed Reddit payload."
        ) from None
    records = []
    for line_number, line in enumerate(physical_lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            record = {"_problem": f"line {line_number} is not valid JSON ({error.msg})"}
        if not isinstance(record, dict):
            record = {"_problem": f"line {line_number} is not a JSON object"}
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(PAYLOAD_FIELDS))
    return frame.astype("string")
