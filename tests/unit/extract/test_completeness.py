"""The completeness guard: a batch cut short never replaces the data it would supersede."""

from __future__ import annotations

import dataclasses
import datetime as dt

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
)
from extract.raw_load import load_batch
from tests.unit.extract.raw_counts import counts


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


def test_a_rolling_window_may_drop_its_oldest_periods_but_not_one_inside():
    """A newer 'past five years' export starts later: its first weeks fall off, expected;
    a week missing inside its span is still lost."""
    previous = dataclasses.replace(PREVIOUS, periods=frozenset({"2024-01-07", "2024-01-14"}))
    moved_on = dataclasses.replace(PREVIOUS, periods=frozenset({"2024-01-14", "2024-01-21"}))
    assert find_problems(previous, moved_on, 0.9, rolling_window=True) == []
    assert find_problems(previous, moved_on, 0.9) == ["1 of 2 periods missing (2024-01-07)"]
    gap = dataclasses.replace(PREVIOUS, periods=frozenset({"2024-01-07", "2024-01-21"}))
    assert find_problems(previous, gap, 0.9, rolling_window=True) == [
        "1 of 2 periods missing (2024-01-14)"
    ]
