"""The completeness guard for incremental sources: compared within the span a batch replaces."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd
import pytest

from extract.batch import ExtractBatch
from extract.completeness import IncompleteBatchError, profile_rows
from extract.contract import RawTableContract
from extract.raw_load import load_batch

WEEKLY = RawTableContract(
    source="weekly",
    table="weekly_posts",
    columns=(
        ("post_id", "VARCHAR NOT NULL"),
        ("community", "VARCHAR NOT NULL"),
        ("posted_on", "DATE NOT NULL"),
    ),
    series_columns=("community",),
    period_column="posted_on",
    date_column="posted_on",
    load="incremental",
)


def weekly_batch(batch_id: str, start: str, days: int, per_day: int) -> ExtractBatch:
    dates = pd.date_range(start, periods=days, freq="D").date
    rows = pd.DataFrame(
        [
            {"post_id": f"{day}-{n}", "community": "a" if n % 2 else "b", "posted_on": day}
            for day in dates
            for n in range(per_day)
        ]
    )
    return ExtractBatch(
        source="weekly",
        mode="live",
        batch_id=batch_id,
        payload=b"",
        payload_suffix=".jsonl",
        rows=rows,
        records_in_payload=len(rows),
        counted_by="test rows",
    )


@pytest.fixture
def weekly_warehouse(tmp_path):
    conn = duckdb.connect(str(tmp_path / "weekly.duckdb"))
    yield conn
    conn.close()


def total(conn) -> int:
    return conn.execute("select count(*) from raw.weekly_posts").fetchall()[0][0]


def test_an_incremental_batch_replaces_only_its_window(weekly_warehouse, tmp_path):
    load_batch(
        weekly_warehouse,
        weekly_batch("weekly-live-1-a", "2024-01-01", 14, 4),
        tmp_path / "1",
        WEEKLY,
    )
    # The second week again, with more posts: only that week is replaced.
    second = load_batch(
        weekly_warehouse,
        weekly_batch("weekly-live-2-b", "2024-01-08", 7, 5),
        tmp_path / "2",
        WEEKLY,
    )
    assert (second.guard.status, second.guard.previous.rows) == ("passed", 28)
    assert total(weekly_warehouse) == 7 * 4 + 7 * 5
    # A later week has nothing in its window yet: nothing to compare, it adds.
    later = load_batch(
        weekly_warehouse,
        weekly_batch("weekly-live-3-c", "2024-01-15", 7, 4),
        tmp_path / "3",
        WEEKLY,
    )
    assert later.guard.previous is None
    assert total(weekly_warehouse) == 7 * 4 + 7 * 5 + 7 * 4


def test_an_incremental_batch_never_makes_the_table_shrink(weekly_warehouse, tmp_path):
    load_batch(
        weekly_warehouse,
        weekly_batch("weekly-live-1-a", "2024-01-01", 7, 4),
        tmp_path / "1",
        WEEKLY,
    )
    fewer = weekly_batch("weekly-live-2-b", "2024-01-01", 7, 3)  # 21 of the window's 28
    with pytest.raises(
        IncompleteBatchError, match=r"raw rows 28 → 21\): fewer rows than the same window held"
    ):
        load_batch(weekly_warehouse, fewer, tmp_path / "2", WEEKLY)
    assert total(weekly_warehouse) == 28


def test_profile_of_rows_counts_series_and_periods():
    batch = weekly_batch("weekly-live-1-a", "2024-01-01", 3, 2)
    profile = profile_rows(batch.rows, WEEKLY)
    assert (profile.rows, profile.series, len(profile.periods), profile.newest) == (
        6,
        2,
        3,
        dt.date(2024, 1, 3),
    )


def test_an_incremental_window_is_as_precise_as_its_date_column(tmp_path):
    """A fetch of the posts newer than the last one loaded starts mid-day: it replaces from
    that moment on, not the whole day (which would drop the day's earlier posts)."""
    timed = dataclasses.replace(
        WEEKLY,
        columns=(*WEEKLY.columns, ("posted_at", "TIMESTAMP NOT NULL")),
        date_column="posted_at",
    )

    def batch(batch_id: str, hours: range) -> ExtractBatch:
        rows = pd.DataFrame(
            {
                "post_id": [f"p{h}" for h in hours],
                "community": "a",
                "posted_on": dt.date(2024, 1, 1),
                "posted_at": [dt.datetime(2024, 1, 1, h) for h in hours],
            }
        )
        return dataclasses.replace(
            weekly_batch(batch_id, "2024-01-01", 1, 1), rows=rows, records_in_payload=len(rows)
        )

    conn = duckdb.connect(str(tmp_path / "timed.duckdb"))
    load_batch(conn, batch("weekly-live-1-a", range(0, 10)), tmp_path / "1", timed)
    newer = load_batch(conn, batch("weekly-live-2-b", range(10, 13)), tmp_path / "2", timed)
    assert newer.guard.previous is None  # nothing loaded after 09:00 yet
    assert total(conn) == 13
    conn.close()


def test_an_incremental_batch_without_rows_replaces_nothing(weekly_warehouse, tmp_path):
    """A weekly fetch that found no new posts passes the guard and leaves the table as it is."""
    load_batch(
        weekly_warehouse,
        weekly_batch("weekly-live-1-a", "2024-01-01", 7, 4),
        tmp_path / "1",
        WEEKLY,
    )
    empty = dataclasses.replace(
        weekly_batch("weekly-live-2-b", "2024-01-01", 7, 4),
        rows=weekly_batch("x", "2024-01-01", 0, 0).rows.reindex(
            columns=["post_id", "community", "posted_on"]
        ),
        records_in_payload=0,
    )
    loaded = load_batch(weekly_warehouse, empty, tmp_path / "2", WEEKLY)
    assert (loaded.guard.previous, loaded.rows_loaded) == (None, 0)
    assert total(weekly_warehouse) == 28
