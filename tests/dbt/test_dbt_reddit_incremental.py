"""fct_reddit_posts is incremental: a weekly run reads only the posts loaded since the last
build, leaves every earlier row as it was, replaces a re-scraped post's row, and loses the bodies
the text retention expired in raw in the same run (fixture: tests/reddit_fixture.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from extract.reddit.prepare import expire_loaded_bodies
from tests.dbt.dbt_harness import DATA_TESTS_ONLY, execute, query, run_dbt
from tests.reddit_fixture import (
    BATCH_1,
    BATCH_2,
    FCT_POSTS_ROWS,
    RAW_TABLE,
    fixture_rows,
    load_fixture,
    load_reddit_posts,
)

SELECT = ["--select", "stg_reddit__posts", "fct_reddit_posts", *DATA_TESTS_ONLY]


def test_a_second_batch_adds_only_its_week(fresh_scratch: tuple[Path, Path]):
    """Batch 1, then batch 2 (the next week): the incremental run reads only batch 2's posts,
    leaves every earlier row as it was, and a re-scraped post replaces its own row."""
    path, work_dir = fresh_scratch
    load_fixture(path, BATCH_1, sentiment=False)
    first = run_dbt(["build", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert first.returncode == 0, first.describe()
    after_first = query(path, FCT_POSTS_ROWS)
    assert len(after_first) == 11

    # Raw changes behind the model's back that a full rebuild would pick up: an incremental
    # run that re-read batch 1 would show them.
    execute(path, f"update {RAW_TABLE} set score = 999 where post_id = 'p002'")
    load_fixture(path, BATCH_2, sentiment=False)
    assert query(path, f"select count(*) from {RAW_TABLE}") == [(17,)]  # batch 1 kept: other week
    second = run_dbt(["build", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert second.returncode == 0, second.describe()
    after_second = query(path, FCT_POSTS_ROWS)
    assert len(after_second) == 14
    assert [row for row in after_second if row[0] <= "p011"] == after_first  # untouched
    assert {row[-3] for row in after_second if row[0] > "p011"} == {BATCH_2}

    # p013 scraped again a week later: its row is replaced, nothing else moves.
    rescrape = (
        fixture_rows(BATCH_2)
        .query("post_id == 'p013'")
        .assign(
            score=9,
            _batch_id="reddit-sample-20240603T080000-b3",
            _loaded_at=datetime(2024, 6, 3, 8),
        )
    )
    with duckdb.connect(str(path)) as conn:
        load_reddit_posts(conn, rescrape)  # replaces p013's raw row: its window is its time
    third = run_dbt(["build", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert third.returncode == 0, third.describe()
    after_third = query(path, FCT_POSTS_ROWS)
    assert len(after_third) == 14
    assert [row for row in after_third if row[0] != "p013"] == [
        row for row in after_second if row[0] != "p013"
    ]
    assert query(
        path, "select score, batch_id from marts.fct_reddit_posts where post_id = 'p013'"
    ) == [(9, "reddit-sample-20240603T080000-b3")]

    # A full refresh rebuilds from raw, where p002 now has the score set above.
    full = run_dbt(["build", "--full-refresh", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert full.returncode == 0, full.describe()
    assert query(path, "select score from marts.fct_reddit_posts where post_id = 'p002'") == [
        (999,)
    ]


def test_bodies_expired_in_raw_leave_the_incremental_mart_in_the_same_run(
    fresh_scratch: tuple[Path, Path],
):
    """A body loaded while young, then a run after the text retention: the extract's upkeep
    empties it in raw (expire_loaded_bodies), and the incremental fct_reddit_posts, which reads
    only rows loaded since its last build, must lose it in that run's build too."""
    path, work_dir = fresh_scratch
    load_fixture(path, BATCH_1, BATCH_2, sentiment=False)
    first = run_dbt(["build", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert first.returncode == 0, first.describe()
    before = query(path, FCT_POSTS_ROWS)
    young = datetime(2024, 5, 8)  # the cutoff of the run below: a year before it, at midnight
    due = query(
        path,
        "select post_id from marts.fct_reddit_posts "
        f"where body is not null and created_utc < '{young}' order by post_id",
    )
    assert len(due) >= 2

    run_at = datetime(2025, 5, 8, 8)
    with duckdb.connect(str(path)) as conn:
        # (raw holds p001 and p006 twice: scraped twice in one batch)
        assert expire_loaded_bodies(conn, "raw", 365, run_at, loaded_at=run_at) == len(due) + 2
    second = run_dbt(["build", *SELECT], duckdb_path=path, work_dir=work_dir)
    assert second.returncode == 0, second.describe()
    assert query(
        path, f"select count(body) from marts.fct_reddit_posts where created_utc < '{young}'"
    ) == [(0,)]
    ids = ", ".join(f"'{post_id}'" for (post_id,) in due)
    assert query(
        path,
        "select distinct body_state, body_length from marts.fct_reddit_posts "
        f"where post_id in ({ids})",
    ) == [("expired", 0)]
    # Posts younger than the retention are as they were.
    assert [row for row in query(path, FCT_POSTS_ROWS) if row[6] >= young] == [
        row for row in before if row[6] >= young
    ]
