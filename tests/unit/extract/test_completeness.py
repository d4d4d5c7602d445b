"""The completeness guard: a batch cut short never replaces the data it would supersede."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd
import pytest

from extract.batch import ExtractBatch
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.completeness import (
    BatchProfile,
    IncompleteBatchError,
    ShrinkPolicy,
    find_problems,
    profile_rows,
)
from extract.contract import RawTableContract
from extract.raw_load import load_batch


def counts(conn) -> tuple:
    return conn.execute(
        "select (select count(*) from raw.cdc_pulse_indicators),"
        " (select count(*) from raw.quarantine), (select count(*) from raw.load_batches),"
        " (select list(distinct _batch_id) from raw.cdc_pulse_indicators)"
    ).fetchall()[0]


def derived(batch: ExtractBatch, rows: pd.DataFrame, name: str) -> ExtractBatch:
    """`batch` with only `rows` (no quarantined records), as a payload holding just those."""
    return dataclasses.replace(
        batch,
        batch_id=f"cdc_pulse-{batch.mode}-{name}",
        rows=rows,
        quarantined=[],
        records_in_payload=len(rows),
    )


def file_batch(write_export, text: str, name: str = "export.csv") -> ExtractBatch:
    return extract_cdc_pulse("file", file_path=write_export(text, name))


def test_the_real_export_cut_short_is_refused_with_both_row_counts(
    real_export, warehouse, write_export, tmp_path
):
    load_batch(
        warehouse, extract_cdc_pulse("file", file_path=real_export), tmp_path / "a", RAW_CONTRACT
    )
    before = counts(warehouse)
    # An interrupted download: the first 5,000 bytes, cut in the middle of a record.
    cut = real_export.read_bytes()[:5000]
    short_path = tmp_path / "cut.csv"
    short_path.write_bytes(cut)
    short = extract_cdc_pulse("file", file_path=short_path)
    assert (len(short.rows), len(short.quarantined)) == (31, 1)

    with pytest.raises(IncompleteBatchError) as refused:
        load_batch(warehouse, short, tmp_path / "b", RAW_CONTRACT)

    message = str(refused.value)
    assert "raw rows 16,794 → 31" in message
    assert "MINDPULSE_ACCEPT_SHRINK=cdc_pulse" in message and "accept_shrink: true" in message
    assert "Nothing was loaded" in message
    assert counts(warehouse) == before
    accepted = load_batch(warehouse, short, tmp_path / "b", RAW_CONTRACT, ShrinkPolicy(accept=True))
    assert accepted.guard.status == "shrink accepted"
    assert counts(warehouse)[0] == 31


def test_a_filtered_export_with_every_row_valid_is_refused(warehouse, tmp_path):
    full = extract_cdc_pulse("sample", sample_scale=1.0)
    load_batch(warehouse, full, tmp_path / "a", RAW_CONTRACT)
    before = counts(warehouse)
    # Same header, every row valid, but only one indicator: as a filtered web export.
    kept = full.rows[full.rows["indicator"] == full.rows["indicator"].iloc[0]]
    filtered = derived(full, kept, "filtered")
    with pytest.raises(IncompleteBatchError, match=r"series \d+ → \d+"):
        load_batch(warehouse, filtered, tmp_path / "b", RAW_CONTRACT)
    assert counts(warehouse) == before


def test_a_lost_period_is_refused_even_when_the_rows_are_enough(warehouse, tmp_path):
    full = extract_cdc_pulse("sample", sample_scale=1.0)
    load_batch(warehouse, full, tmp_path / "a", RAW_CONTRACT)
    periods = sorted(full.rows["time_period"].unique())
    middle = periods[len(periods) // 2]
    kept = full.rows[full.rows["time_period"] != middle]
    assert len(kept) >= 0.9 * len(full.rows)  # the row count alone would pass
    gap = derived(full, kept, "gap")
    with pytest.raises(
        IncompleteBatchError, match=rf"1 of {len(periods)} periods missing \({middle}\)"
    ):
        load_batch(warehouse, gap, tmp_path / "b", RAW_CONTRACT)


def test_another_mode_and_a_first_load_have_nothing_to_compare(
    warehouse, small_export_text, write_export, tmp_path
):
    first = load_batch(
        warehouse, extract_cdc_pulse("sample", sample_scale=1.0), tmp_path / "a", RAW_CONTRACT
    )
    assert first.guard.previous is None
    # A real export of eight records after thousands of sample rows: not comparable, loads.
    small = load_batch(
        warehouse, file_batch(write_export, small_export_text), tmp_path / "b", RAW_CONTRACT
    )
    assert small.guard.previous is None
    assert small.rows_loaded == 8
    # The same export again is compared with itself and passes.
    again = load_batch(
        warehouse,
        file_batch(write_export, small_export_text, "again.csv"),
        tmp_path / "c",
        RAW_CONTRACT,
    )
    assert (again.guard.status, again.guard.previous.rows) == ("passed", 8)


def test_the_tolerance_is_a_setting(warehouse, tmp_path):
    full = extract_cdc_pulse("sample", sample_scale=1.0)
    load_batch(warehouse, full, tmp_path / "a", RAW_CONTRACT)
    # Every period and series, 80 % of the rows: refused at 90 %, loaded at 75 %.
    by_period = full.rows.groupby("time_period")
    kept = full.rows[by_period.cumcount() < 0.8 * by_period["time_period"].transform("size")]
    smaller = derived(full, kept, "smaller")
    with pytest.raises(IncompleteBatchError, match="fewer than 90 %"):
        load_batch(warehouse, smaller, tmp_path / "b", RAW_CONTRACT)
    loaded = load_batch(
        warehouse, smaller, tmp_path / "b", RAW_CONTRACT, ShrinkPolicy(min_share=0.75)
    )
    assert loaded.guard.status == "passed"


def test_a_smaller_sample_scale_says_so(warehouse, tmp_path):
    load_batch(
        warehouse, extract_cdc_pulse("sample", sample_scale=1.0), tmp_path / "a", RAW_CONTRACT
    )
    smaller = extract_cdc_pulse("sample", sample_scale=0.3)
    with pytest.raises(IncompleteBatchError, match="smaller MINDPULSE_SAMPLE_SCALE"):
        load_batch(warehouse, smaller, tmp_path / "b", RAW_CONTRACT)


# --- the rules, on profiles -----------------------------------------------------------------

PREVIOUS = BatchProfile(rows=100, series=10, periods=frozenset("12345"), newest=dt.date(2024, 5, 1))


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (PREVIOUS, []),
        (dataclasses.replace(PREVIOUS, rows=90), []),  # exactly 90 % passes
        (dataclasses.replace(PREVIOUS, rows=89), ["fewer than 90 % of the rows"]),
        (dataclasses.replace(PREVIOUS, series=8), ["series 10 → 8 (fewer than 90 %)"]),
        (
            dataclasses.replace(PREVIOUS, periods=frozenset("1234"), newest=dt.date(2024, 4, 1)),
            ["1 of 5 periods missing (5)", "newest period 2024-05-01 → 2024-04-01"],
        ),
        (dataclasses.replace(PREVIOUS, rows=300, periods=frozenset("123456")), []),  # growth
    ],
)
def test_find_problems(current, expected):
    assert find_problems(PREVIOUS, current, 0.9) == expected


def test_missing_periods_are_listed_in_natural_order():
    current = dataclasses.replace(PREVIOUS, periods=frozenset({"1"}))
    lost = {str(n) for n in range(2, 12)}
    previous = dataclasses.replace(PREVIOUS, periods=frozenset({"1", *lost}))
    [problem] = [p for p in find_problems(previous, current, 0.9) if "periods" in p]
    assert problem == "10 of 11 periods missing (2, 3, 4, 5, 6 and 5 more)"


# --- an incremental source: compared within the window it replaces -------------------------

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
    # The same fetch again compares with what its window holds (a TIMESTAMP's newest is a day).
    again = load_batch(conn, batch("weekly-live-3-c", range(10, 13)), tmp_path / "3", timed)
    assert (again.guard.status, again.guard.previous.newest) == ("passed", dt.date(2024, 1, 1))
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
