"""Every record accounted for: the payload's own record count against what the warehouse holds.

`ExtractBatch.records_in_payload` is counted without the parser (extract.payload_counts, or the
total an API reports). After a load has inserted a batch's rows and quarantined records, and
before it commits, :func:`account` counts both in the warehouse and raises AccountingError when
they do not add up to the payload's count, so the load rolls back and a parser that merged or
lost records cannot pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from extract.batch import ExtractBatch, ExtractError


@dataclass(frozen=True)
class Accounting:
    """Every record of the payload is either in the raw table or in raw.quarantine."""

    records_in_payload: int  # counted without the parser (ExtractBatch.counted_by says how)
    counted_by: str
    rows_in_raw: int  # what the warehouse holds for the batch, counted after the insert
    rows_in_quarantine: int

    @property
    def balanced(self) -> bool:
        return self.records_in_payload == self.rows_in_raw + self.rows_in_quarantine


class AccountingError(ExtractError):
    """Records went missing (or appeared) between the payload and the warehouse; nothing was
    written."""

    def __init__(self, message: str, accounting: Accounting):
        super().__init__(message)
        self.accounting = accounting


def account(conn, raw_schema: str, table: str, batch: ExtractBatch) -> Accounting:
    """Count what the warehouse now holds for the batch and compare it with the payload."""
    [(in_raw, in_quarantine)] = conn.execute(
        f"""
        select
            (select count(*) from {raw_schema}.{table} where _batch_id = ?),
            (select count(*) from {raw_schema}.quarantine where batch_id = ?)
        """,
        [batch.batch_id, batch.batch_id],
    ).fetchall()
    accounting = Accounting(batch.records_in_payload, batch.counted_by, in_raw, in_quarantine)
    if not accounting.balanced:
        raise AccountingError(_unbalanced(batch, accounting), accounting)
    return accounting


def _unbalanced(batch: ExtractBatch, accounting: Accounting) -> str:
    found = accounting.rows_in_raw + accounting.rows_in_quarantine
    reasons = "; ".join(f"record {q.row_number}: {q.reason}" for q in batch.quarantined[:3])
    return (
        f"The {batch.source} payload holds {accounting.records_in_payload:,} records (counted "
        f"as {accounting.counted_by}), but {found:,} were read: {accounting.rows_in_raw:,} "
        f"loaded and {accounting.rows_in_quarantine:,} quarantined. "
        + (f"Quarantined records: {reasons}. " if reasons else "")
        + "Nothing was loaded. Fix or export the file again (for the API: run again, the "
        "dataset may have changed while it was read)."
    )
