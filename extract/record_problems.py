"""What validation found wrong with each record of a landed payload, and the split it leads to.

Sources that validate a whole payload column by column (OSMI survey, search interest, WHO
statistics) collect their complaints here by record position, then split the typed rows into
the rows to load and the records to quarantine, each with every reason found (the reader's own
first), the file and line it came from, and the fields to show first in its excerpt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from extract.batch import QuarantinedRecord

READER = "_problem"  # the payload field holding what reading a record already found wrong


class RecordProblems:
    def __init__(self, records: pd.DataFrame, fields: Sequence[str]):
        self.records = records  # the payload's records, `fields` as text, in payload order
        self.fields = tuple(fields)
        self.found: dict[int, list[tuple[str, str]]] = {}

    def flag(
        self,
        mask,
        field: str,
        message: str | Callable[[object], str],
        values: pd.Series | None = None,
    ) -> None:
        """Complain about every record where `mask` holds; a callable message is given the
        record's value from `values` (the field's text when not given)."""
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            if callable(message):
                value = (self.records[field] if values is None else values).iat[position]
                self.add(int(position), field, message(value))
            else:
                self.add(int(position), field, message)

    def add(self, position: int, field: str, message: str) -> None:
        """One complaint; an empty message names the field without repeating a reason."""
        self.found.setdefault(position, []).append((field, message))

    def flag_reader_problems(self, problems: pd.Series) -> None:
        """The reader's own reasons (a line with too few fields), first among a record's."""
        self.flag(problems.notna(), READER, lambda problem: str(problem), values=problems)

    def split(
        self, rows: pd.DataFrame, columns: Sequence[str]
    ) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
        """The rows (one per record, in payload order) without the flagged ones, as `columns`,
        and a QuarantinedRecord for each flagged record."""
        bad = np.zeros(len(self.records), dtype=bool)
        quarantined = []
        sources = self.records.get("_source")
        for position in sorted(self.found):
            bad[position] = True
            found = self.found[position]
            source = None if sources is None else sources.iat[position]
            where = f" ({source})" if isinstance(source, str) else ""
            record = {
                field: _value(self.records[field].iat[position])
                for field in self.fields
                if field != READER
            }
            quarantined.append(
                QuarantinedRecord.of(
                    position + 1,
                    record,
                    "; ".join(message for _, message in found if message) + where,
                    [field for field, _ in found if field != READER],
                )
            )
        return rows.loc[~bad, list(columns)].reset_index(drop=True), quarantined


def _value(value: object) -> object:
    """A record's value for its excerpt: missing is None however the frame spelt it (a file
    read has None or NaN, a replay <NA>), so both quarantine a record alike."""
    return None if pd.isna(value) else value
