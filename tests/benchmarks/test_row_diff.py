"""The bench's row diff: which rows a run added, changed, rewrote, removed or left alone."""

from __future__ import annotations

import duckdb
import pytest

from tests.benchmarks.row_diff import (
    Watched,
    diff_snapshots,
    format_diff,
    take_snapshot,
    touched,
)

POSTS = Watched("raw.posts", ("post_id",), ("_batch_id", "_loaded_at"), "created_week")
ROWS = [
    # post_id, body, body_state, created_week
    ("a", "kept as it was", "text", "2026-11-02"),
    ("b", "loaded again as it was", "text", "2026-11-02"),
    ("c", "its body expires", "text", "2025-11-17"),
    ("d", "gone", "text", "2026-11-02"),
]


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw")
        conn.execute(
            "create table raw.posts (post_id varchar, body varchar, body_state varchar, "
            "created_week date, _batch_id varchar, _loaded_at timestamp)"
        )
        conn.executemany(
            "insert into raw.posts values (?, ?, ?, ?, 'batch-1', '2026-11-18 10:00')", ROWS
        )
    return path


def test_each_row_is_sorted_into_what_the_run_did_to_it(warehouse, tmp_path):
    scratch = duckdb.connect(str(tmp_path / "scratch.duckdb"))
    assert take_snapshot(scratch, warehouse, POSTS, "before")
    with duckdb.connect(str(warehouse)) as conn:  # what a run does to the table
        conn.execute(
            "update raw.posts set _batch_id = 'batch-2', _loaded_at = '2026-11-25 10:00' "
            "where post_id in ('b', 'c')"
        )
        conn.execute("update raw.posts set body = null, body_state = 'expired' where post_id = 'c'")
        conn.execute("delete from raw.posts where post_id = 'd'")
        conn.execute(
            "insert into raw.posts values "
            "('e', 'new', 'text', '2026-11-16', 'batch-2', '2026-11-25 10:00'), "
            "('f', 'new', 'text', '2026-11-16', 'batch-2', '2026-11-25 10:00')"
        )
    assert take_snapshot(scratch, warehouse, POSTS, "after")

    diff = diff_snapshots(scratch, POSTS, "before", "after")
    assert diff["added"] == {"rows": 2, "periods": 1, "first": "2026-11-16", "last": "2026-11-16"}
    assert diff["changed"] == {
        "rows": 1,
        "periods": 1,
        "first": "2025-11-17",
        "last": "2025-11-17",
        "columns": {"body": 1, "body_state": 1},
    }
    assert diff["rewritten"]["rows"] == 1 and diff["rewritten"]["first"] == "2026-11-02"
    assert diff["removed"]["rows"] == 1
    assert diff["untouched"]["rows"] == 1
    assert touched(diff) == 5
    line = format_diff("raw.posts", diff)
    assert line.startswith(
        "raw.posts (4 -> 5 rows), touched 5: added 2 (1 wk: 2026-11-16); "
        "changed 1 (1 wk: 2025-11-17)"
    )
    assert "[body 1, body_state 1]" in line and line.endswith("untouched 1 (1 wk: 2026-11-02)")

    # Nothing written since: every row is untouched.
    assert take_snapshot(scratch, warehouse, POSTS, "again")
    same = diff_snapshots(scratch, POSTS, "after", "again")
    assert touched(same) == 0 and same["untouched"]["rows"] == 5


def test_a_key_held_several_times_compares_as_all_its_rows(warehouse, tmp_path):
    """Raw tables may hold a post once per scrape. One of three scrapes changes, and not the
    one whose hash is the smallest or the largest: only a digest of all of them sees it."""
    scratch = duckdb.connect(str(tmp_path / "scratch.duckdb"))
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "insert into raw.posts values "
            "('a', 'first scrape', 'text', '2026-11-02', 'batch-1', '2026-11-18 10:00'), "
            "('a', 'second scrape', 'text', '2026-11-02', 'batch-1', '2026-11-18 10:00')"
        )
    take_snapshot(scratch, warehouse, POSTS, "before")
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("update raw.posts set body = 'later scrape' where body = 'second scrape'")
    take_snapshot(scratch, warehouse, POSTS, "after")
    diff = diff_snapshots(scratch, POSTS, "before", "after")
    assert diff["changed"]["rows"] == 1 and diff["changed"]["columns"] == {"body": 1}
    assert diff["untouched"]["rows"] == 3


def test_a_missing_table_has_no_snapshot(warehouse, tmp_path):
    scratch = duckdb.connect(str(tmp_path / "scratch.duckdb"))
    assert not take_snapshot(scratch, warehouse, Watched("ml.nothing", ("id",), ("run_id",)), "x")
