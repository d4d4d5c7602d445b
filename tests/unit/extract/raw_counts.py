"""What the CDC raw load left in the warehouse, for tests that compare before and after."""

from __future__ import annotations


def counts(conn) -> tuple:
    """Rows in raw.cdc_pulse_indicators, raw.quarantine and raw.load_batches, and the batch
    ids the raw table holds."""
    return conn.execute(
        "select (select count(*) from raw.cdc_pulse_indicators),"
        " (select count(*) from raw.quarantine), (select count(*) from raw.load_batches),"
        " (select list(distinct _batch_id) from raw.cdc_pulse_indicators)"
    ).fetchall()[0]
