"""Landed payloads as JSON lines of text records: written fast, read back exactly.

Sources whose input must change before it may be landed (personal data scrubbed, columns of
free text left out) land the records they made instead of the input: one JSON object per line,
every value text or null. Replay then reads one format for every mode and parses it exactly as
the run that landed it did. Line breaks inside text are escaped, so the records of a payload
are counted by its non-blank lines (``extract.payload_counts``), without this parser.

A record may carry `_problem`, what reading it already found wrong (a CSV line with too few
fields); validation quarantines such records with that reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from extract.batch import ExtractBatch, ExtractError, check_bad_share, make_batch_id
from extract.payload_counts import json_lines_records, physical_lines

SUFFIX = ".jsonl"
PROBLEM = "_problem"


def to_json_lines(records: pd.DataFrame, fields: Sequence[str]) -> bytes:
    """`records` (`fields` as text) as JSON lines, in order, null for missing values.

    DuckDB writes the JSON: about ten times faster than json.dumps per record, which matters
    at a million generated records. `_problem` is left out of records that have none.
    """
    frame = records.reindex(columns=list(fields)).astype("string").astype(object)
    frame = frame.where(frame.notna(), None)
    with duckdb.connect() as conn:
        conn.register("records", frame)
        # Without an ORDER BY DuckDB still keeps a scan's order (preserve_insertion_order).
        lines = conn.execute(
            "select json_object("
            + ", ".join(f"'{f}', \"{f}\"" for f in fields if f != PROBLEM)
            + ") :: varchar as line from records"
        ).fetchnumpy()["line"]
    if PROBLEM in frame.columns:
        problems = frame[PROBLEM].notna().to_numpy()
        # Few records have one: add the field to those lines with json.dumps.
        for position in problems.nonzero()[0]:
            record = json.loads(lines[position])
            record[PROBLEM] = frame[PROBLEM].iat[position]
            lines[position] = json.dumps(record, ensure_ascii=False)
    if len(lines) == 0:
        return b""
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_json_lines(payload: bytes, origin: str, fields: Sequence[str], what: str) -> pd.DataFrame:
    """Landed records as a DataFrame of `fields` (text, <NA> when missing).

    A line that is not a JSON object (a damaged landing file) becomes a record whose _problem
    says so, and is quarantined with the rest of the batch loaded. `what` names the payload in
    messages ('Reddit payload').
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{origin} is not UTF-8 text ({error}); it is not a landed {what}."
        ) from None
    records = []
    for line_number, line in enumerate(physical_lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            record = {PROBLEM: f"line {line_number} is not valid JSON ({error.msg})"}
        if not isinstance(record, dict):
            record = {PROBLEM: f"line {line_number} is not a JSON object"}
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(fields))
    return frame.astype("string")


def read_landed(
    payload: bytes, suffix: str, origin: str, fields: Sequence[str], source: str, what: str
) -> tuple[pd.DataFrame, int]:
    """A landed payload read back for replay: its records, and how many it holds counted by
    its non-blank lines (without this parser). Sources that land JSON lines land nothing
    else, so another suffix is a file of some other source or a hand-made one."""
    if suffix != SUFFIX:
        raise ExtractError(
            f"{origin}: {source} payloads are landed as {SUFFIX} files, not {suffix!r}."
        )
    records = parse_json_lines(payload, origin, fields, what)
    return records, json_lines_records(payload.decode("utf-8"))


def landed_batch(
    source: str,
    mode: str,
    payload: bytes,
    validated: tuple[pd.DataFrame, list],
    counted: tuple[int, str],
    *,
    max_bad_share: float,
    hint: str,
    what: str,
    notes: Callable[[pd.DataFrame], dict] | None = None,
) -> ExtractBatch:
    """The batch of a snapshot landed as JSON lines, from its validated rows and quarantined
    records: refused when it holds no `what` at all or too many bad records (`hint` says what
    to do); `counted` is (records in the payload, how they were counted)."""
    rows, quarantined = validated
    total = len(rows) + len(quarantined)
    if total == 0:
        raise ExtractError(f"The {source} {mode} input holds no {what}. {hint}")
    check_bad_share(total, quarantined, max_bad_share, hint)
    return ExtractBatch(
        source=source,
        mode=mode,
        batch_id=make_batch_id(source, mode, payload),
        payload=payload,
        payload_suffix=SUFFIX,
        rows=rows,
        quarantined=quarantined,
        records_in_payload=counted[0],
        counted_by=counted[1],
        notes=notes(rows) if notes else {},
    )
