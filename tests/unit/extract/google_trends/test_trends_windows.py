"""Daily series fetched in several request windows: borders found, windows linked, no false cuts."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from extract.google_trends import RAW_CONTRACT, batch_from_payload, extract_google_trends
from extract.google_trends.windows import level_shift_borders
from extract.raw_load import load_batch
from tests.unit.extract.google_trends.trends_files import as_cells, daily_table, rescaled

START = date(2022, 1, 1)
DAYS = 180
BORDER = 90


def smooth_interest(seed: int = 7) -> np.ndarray:
    """A smooth daily series with a little noise and a high peak early on, so that the two
    halves get very different scales when each is published on its own."""
    t = np.arange(DAYS)
    level = 50 + 15 * np.sin(2 * np.pi * t / 120) + 90 * np.exp(-(((t - 40) / 5) ** 2))
    return level * np.exp(0.03 * np.random.default_rng(seed).standard_normal(DAYS))


def extract_table(tmp_path, text: str, name: str = "daily.csv"):
    path = tmp_path / name
    path.write_text(text)
    return extract_google_trends("file", file_path=path)


def weekly_means(values: np.ndarray) -> np.ndarray:
    return values[: len(values) // 7 * 7].reshape(-1, 7).mean(axis=1)


def test_two_stitched_windows_are_found_at_the_border_and_linked(tmp_path):
    truth = smooth_interest()
    first, second = truth[:BORDER], truth[BORDER:]
    published = np.concatenate([rescaled(first), rescaled(second)])
    batch = extract_table(tmp_path, daily_table("therapy", as_cells(published), START))
    rows = batch.rows.sort_values("period_date").reset_index(drop=True)

    [border] = batch.notes["window_borders"]
    assert border["border_date"] == (START + timedelta(days=BORDER)).isoformat()
    assert (border["term"], border["place"], border["window_index"]) == ("therapy", "Worldwide", 1)
    assert border["factor"] == pytest.approx(rows["window_link_factor"].iat[-1])
    assert border["factor"] == pytest.approx(second.max() / first.max(), rel=0.05)
    assert rows["window_index"].tolist() == [0] * BORDER + [1] * (DAYS - BORDER)

    # Linked, the whole series is on the first window's scale: weekly means follow the truth.
    linked = (rows["interest"] * rows["window_link_factor"]).to_numpy()
    on_first_scale = truth * 100.0 / first.max()
    relative_error = np.abs(weekly_means(linked) / weekly_means(on_first_scale) - 1)
    assert relative_error.max() < 0.05
    # Unlinked, the second window's weeks are far off: what the linking removed.
    unlinked_error = np.abs(weekly_means(published) / weekly_means(on_first_scale) - 1)
    assert unlinked_error[BORDER // 7 + 1 :].min() > 0.5
    # Continuous across the border: the weeks either side differ as the truth does.
    week_before, week_after = linked[BORDER - 7 : BORDER].mean(), linked[BORDER : BORDER + 7].mean()
    truth_ratio = truth[BORDER : BORDER + 7].mean() / truth[BORDER - 7 : BORDER].mean()
    assert week_after / week_before == pytest.approx(truth_ratio, rel=0.05)


def sudden_change(seed: int = 11) -> np.ndarray:
    """One request: a level that doubles on day 90 (real news), peaking at 100 afterwards."""
    level = np.where(np.arange(DAYS) < BORDER, 30.0, 60.0)
    level[130] = 100.0
    noisy = level * np.exp(0.03 * np.random.default_rng(seed).standard_normal(DAYS))
    return rescaled(noisy).astype(float)


def test_a_real_sudden_change_without_window_structure_is_not_split(tmp_path):
    published = sudden_change()
    assert published[:BORDER].max() < 100  # one request: only the later part reaches 100
    batch = extract_table(tmp_path, daily_table("anxiety", as_cells(published), START))
    assert batch.notes["window_borders"] == []
    assert (batch.rows["window_index"] == 0).all()
    assert (batch.rows["window_link_factor"] == 1.0).all()


def test_the_same_jump_is_a_border_when_both_sides_reach_100():
    """The control of the test above: the 100-in-each-window rule is what keeps it whole."""
    published = sudden_change()
    assert level_shift_borders(published) == []
    published[40] = 100.0  # a one-day spike that leaves the weekly medians as they were
    assert level_shift_borders(published) == [BORDER]


def test_weekly_seasonality_and_noise_alone_find_no_border():
    t = np.arange(DAYS)
    weekday = np.where(t % 7 >= 5, 0.6, 1.0)  # weekends searched less
    noisy = 60 * weekday * np.exp(0.1 * np.random.default_rng(3).standard_normal(DAYS))
    assert level_shift_borders(rescaled(noisy).astype(float)) == []


def test_overlapping_windows_link_on_shared_dates_and_keep_each_date_once(tmp_path):
    truth = smooth_interest(seed=21)
    overlap_start, first_end = 86, 100  # the second request repeats 14 days of the first
    first, second = truth[:first_end], truth[overlap_start:]
    cells = as_cells(rescaled(first)) + as_cells(rescaled(second))
    days = [START + timedelta(days=i) for i in [*range(first_end), *range(overlap_start, DAYS)]]
    text = "date,counseling\n" + "".join(f"{d},{v}\n" for d, v in zip(days, cells, strict=True))
    batch = extract_table(tmp_path, text, "concatenated.csv")

    rows = batch.rows
    assert len(rows) == DAYS and rows["period_date"].is_unique
    assert batch.notes["overlap_duplicates_dropped"] == first_end - overlap_start
    assert batch.records_in_payload == DAYS == len(rows) + len(batch.quarantined)
    assert "less 14 duplicate dates" in batch.counted_by
    [border] = batch.notes["window_borders"]
    assert border["border_date"] == (START + timedelta(days=overlap_start)).isoformat()
    assert border["factor"] == pytest.approx(second.max() / first.max(), rel=0.05)
    # The shared dates hold the later window's values (the later request's own scale).
    shared = rows[rows["period_date"] == START + timedelta(days=overlap_start)]
    assert shared["window_index"].tolist() == [1]
    assert shared["interest"].tolist() == [float(rescaled(second)[0])]
    linked = rows.sort_values("period_date")
    linked = (linked["interest"] * linked["window_link_factor"]).to_numpy()
    relative_error = np.abs(weekly_means(linked) / weekly_means(truth * 100 / first.max()) - 1)
    assert relative_error.max() < 0.05

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        result = load_batch(conn, batch, tmp_path / "landed.jsonl", RAW_CONTRACT)
        assert result.accounting.balanced and result.rows_loaded == DAYS

    # A replay of the landed (de-duplicated) lines gives the same rows, windows and count.
    replayed = batch_from_payload("file", batch.payload, ".jsonl", "landed", batch.batch_id)
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.records_in_payload == DAYS
    assert replayed.notes["window_borders"] == batch.notes["window_borders"]


def test_a_series_continued_in_another_file_is_a_window_of_its_own(tmp_path):
    truth = smooth_interest(seed=5)
    folder = tmp_path / "windows"
    folder.mkdir()
    (folder / "part1.csv").write_text(
        daily_table("therapy", as_cells(rescaled(truth[:BORDER])), START)
    )
    later = START + timedelta(days=BORDER)
    (folder / "part2.csv").write_text(
        daily_table("therapy", as_cells(rescaled(truth[BORDER:])), later)
    )
    batch = extract_google_trends("file", file_path=folder)
    rows = batch.rows
    assert rows.groupby("file_name")["window_index"].unique().map(list).to_dict() == {
        "part1.csv": [0],
        "part2.csv": [1],
    }
    [border] = batch.notes["window_borders"]
    assert border["border_date"] == later.isoformat()
