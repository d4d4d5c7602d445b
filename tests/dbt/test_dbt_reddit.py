"""The Reddit models on the fixture (tests/reddit_fixture.py): dedupe, casing, the checks that
stop a bad batch (or only warn about a file dump's other communities), live-only freshness, and
the weekly signals in fct_signals. Incremental loads: test_dbt_reddit_incremental.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.dbt.dbt_harness import SIGNALS_LINEAGE, BuiltWarehouse, DbtRun, query, run_dbt
from tests.reddit_fixture import (
    BATCH_1,
    BATCH_2,
    FCT_POSTS_ROWS,
    RAW_TABLE,
    expected_signals,
    fixture_rows,
)

COLUMNS = (
    "post_id, subreddit, title, body, body_state, author_hash, created_utc, created_week, "
    "score, upvote_ratio, num_comments, permalink"
)
UNITS = {
    "posts_per_week": "posts",
    "median_score": "points",
    "comments_per_post": "comments",
    "negative_post_share": "percent",
}
SUBREDDIT_ERROR = "test.mindpulse.stg_reddit__posts_subreddit_configured"
SUBREDDIT_WARNING = "test.mindpulse.stg_reddit__posts_subreddit_configured_in_file_dump"


def reddit_signals(path: Path) -> list[tuple]:
    return query(
        path,
        "select signal, group_value, period_start, period_end, value from marts.fct_signals "
        "where source = 'reddit' order by all",
    )


def raw_insert(post_id: str, **values) -> str:
    """SQL adding one raw row: fixture post p003 with the given columns changed."""
    row = fixture_rows(BATCH_1).set_index("post_id").loc["p003"].to_dict()
    row.update(post_id=post_id, **values)
    literals = ", ".join("'" + str(value).replace("'", "''") + "'" for value in row.values())
    return f"insert into {RAW_TABLE} ({', '.join(row)}) values ({literals})"


def failed_tests(run: DbtRun) -> list[str]:
    return [key for key in run.failed() if key.startswith("test.")]


def test_each_post_is_its_latest_scrape(green_sample_warehouse: BuiltWarehouse):
    path = green_sample_warehouse.path
    assert query(path, f"select count(*), count(distinct post_id) from {RAW_TABLE}") == [(17, 14)]
    assert query(path, "select count(*) from marts.fct_reddit_posts") == [(14,)]
    rescraped = query(
        path,
        "select post_id, score, num_comments, upvote_ratio from marts.fct_reddit_posts "
        "where post_id in ('p001', 'p006', 'p012') order by post_id",
    )
    # The later row of each batch: p001 and p006 in batch 1, p012 in batch 2.
    assert rescraped == [("p001", 25, 9, 0.97), ("p006", 15, 4, 0.92), ("p012", 18, 6, 0.93)]


def test_communities_are_lower_cased_and_weeks_start_on_monday(
    green_sample_warehouse: BuiltWarehouse,
):
    path = green_sample_warehouse.path
    spellings = query(path, f"select distinct subreddit from {RAW_TABLE} order by 1")
    assert [s for (s,) in spellings] == [
        "Anxiety",
        "MentalHealth",
        "anxiety",
        "depression",
        "mentalhealth",
    ]
    assert query(
        path,
        "select subreddit, count(*) from marts.fct_reddit_posts group by 1 order by 1",
    ) == [("anxiety", 4), ("depression", 3), ("mentalhealth", 7)]
    # Staging computes the ISO week itself, and agrees with the extract's created_week.
    assert query(
        path,
        "select count(*) from marts.fct_reddit_posts f join raw.reddit_posts r using (post_id) "
        "where f.created_week <> r.created_week or dayofweek(f.created_week) <> 1",
    ) == [(0,)]


def test_removed_and_deleted_posts_keep_their_title_and_no_username_exists(
    green_sample_warehouse: BuiltWarehouse,
):
    path = green_sample_warehouse.path
    assert query(
        path,
        "select post_id, body_state, body, body_length, title_length > 0, author_hash is null "
        "from marts.fct_reddit_posts where body_state <> 'text' order by post_id",
    ) == [
        ("p004", "removed", None, 0, True, False),
        ("p007", "empty", None, 0, True, False),
        ("p009", "deleted", None, 0, True, True),  # the account is gone too
        ("p010", "expired", None, 0, True, False),
        ("p013", "removed", None, 0, True, False),
    ]
    columns = {
        name
        for (name,) in query(
            path,
            "select column_name from information_schema.columns "
            "where table_name in ('reddit_posts', 'stg_reddit__posts', 'fct_reddit_posts')",
        )
    }
    assert not {"author", "username", "user_name", "author_name"} & columns


def test_fct_reddit_posts_has_the_contracted_columns(green_sample_warehouse: BuiltWarehouse):
    columns = query(
        green_sample_warehouse.path,
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_reddit_posts' "
        "order by ordinal_position",
    )
    required = {
        "post_id",
        "subreddit",
        "title",
        "body_state",
        "created_utc",
        "created_week",
        "title_length",
        "body_length",
        "batch_id",
        "loaded_at",
        "source_mode",
    }
    assert [(name, nullable == "NO") for name, _, nullable in columns] == [
        (name, name in required)
        for name in (
            *COLUMNS.split(", ")[:8],
            "title_length",
            "body_length",
            *COLUMNS.split(", ")[8:],
            "batch_id",
            "loaded_at",
            "source_mode",
        )
    ]
    types = dict((name, typ) for name, typ, _ in columns)
    assert (types["created_utc"], types["created_week"], types["score"]) == (
        "TIMESTAMP",
        "DATE",
        "INTEGER",
    )


def test_reddit_signals_are_weekly_per_community_over_complete_weeks(
    green_sample_warehouse: BuiltWarehouse,
):
    path = green_sample_warehouse.path
    found = reddit_signals(path)
    expected = expected_signals()
    assert [row[:4] for row in found] == [row[:4] for row in expected]
    assert [row[4] for row in found] == pytest.approx([row[4] for row in expected])
    assert query(
        path,
        "select distinct cadence, group_type, signal, unit from marts.fct_signals "
        "where source = 'reddit' order by signal",
    ) == sorted(("weekly", "subreddit", signal, unit) for signal, unit in UNITS.items())
    # The newest week (2024-05-20, batch 2) has not ended: none of its posts counts yet.
    assert query(
        path,
        "select count(*) from marts.fct_signals "
        "where source = 'reddit' and period_start >= '2024-05-20'",
    ) == [(0,)]


@pytest.mark.parametrize(
    "mode, returncode, statuses",
    [
        ("file", 0, {SUBREDDIT_ERROR: "pass", SUBREDDIT_WARNING: "warn"}),
        ("sample", 1, {SUBREDDIT_ERROR: "fail", SUBREDDIT_WARNING: "pass"}),
    ],
)
def test_an_unknown_community_warns_in_a_file_dump_and_fails_otherwise(
    damaged_copy, mode, returncode, statuses
):
    path, work_dir = damaged_copy(
        raw_insert(
            "x001",
            subreddit="CasualConversation",
            _source_mode=mode,
            _batch_id=f"reddit-{mode}-other",
            _loaded_at="2024-06-03 08:00:00",
        )
    )
    before = query(path, FCT_POSTS_ROWS)
    build = run_dbt(["build", *SIGNALS_LINEAGE], duckdb_path=path, work_dir=work_dir)
    assert build.returncode == returncode, build.describe()
    assert {key: build.status(key) for key in statuses} == statuses
    communities = {c for (c,) in query(path, "select subreddit from marts.fct_reddit_posts")}
    signals = {
        c
        for (c,) in query(path, "select group_value from marts.fct_signals where source = 'reddit'")
    }
    if mode == "file":
        # Kept and reported: in the mart and in the signals, never dropped.
        assert build.results[SUBREDDIT_WARNING]["failures"] == 1
        assert "casualconversation" in communities and "casualconversation" in signals
    else:
        assert failed_tests(build) == [SUBREDDIT_ERROR], build.describe()
        assert build.status("model.mindpulse.fct_reddit_posts") == "skipped"
        assert build.status("model.mindpulse.fct_signals") == "skipped"
        assert query(path, FCT_POSTS_ROWS) == before


def test_the_followed_communities_come_from_the_environment(green_sample_warehouse):
    # The sample follows anxiety too; a configuration without it makes those posts unknown.
    run = run_dbt(
        ["test", "--select", "stg_reddit__posts_subreddit_configured"],
        duckdb_path=green_sample_warehouse.path,
        work_dir=green_sample_warehouse.work_dir / "env_subreddits",
        extra_env={"MINDPULSE_REDDIT_SUBREDDITS": " MentalHealth, depression "},
    )
    assert run.returncode == 1, run.describe()
    assert run.results[SUBREDDIT_ERROR]["failures"] == 1  # one unknown value: 'anxiety'


def test_implausible_times_and_blank_titles_stop_the_batch(damaged_copy):
    tomorrow_and_more = (datetime.now() + timedelta(days=3)).replace(microsecond=0)
    path, work_dir = damaged_copy(
        raw_insert("x001", created_utc="2004-12-31 23:00:00"),
        raw_insert("x002", created_utc=str(tomorrow_and_more)),
        raw_insert("x003", title="   "),
    )
    before = query(path, FCT_POSTS_ROWS)
    build = run_dbt(["build", *SIGNALS_LINEAGE], duckdb_path=path, work_dir=work_dir)
    assert build.returncode == 1, build.describe()
    failed = failed_tests(build)
    assert [key.split(".")[-1] for key in failed] == [
        "not_blank_stg_reddit__posts_title",
        "plausible_timestamp_stg_reddit__posts_created_utc__1__2005_01_01",
    ], build.describe()
    assert build.results[failed[1]]["failures"] == 2
    assert build.status("model.mindpulse.fct_reddit_posts") == "skipped"
    assert query(path, FCT_POSTS_ROWS) == before


def freshness(path: Path, work_dir: Path) -> str:
    run = run_dbt(
        ["source", "freshness", "--select", "source:reddit"], duckdb_path=path, work_dir=work_dir
    )
    [result] = json.loads((work_dir / "target" / "sources.json").read_text())["results"]
    assert result["unique_id"] == "source.mindpulse.reddit.reddit_posts", run.describe()
    return result["status"]


@pytest.mark.parametrize(
    "newest_load, days_ago, status",
    [
        ("sample", 400, "pass"),  # sample data (or a file dump) never goes stale
        ("live", 10, "warn"),  # one weekly live run missed
        ("live", 40, "error"),  # no live load for over 30 days
    ],
)
def test_freshness_applies_to_live_loads_only(damaged_copy, newest_load, days_ago, status):
    loaded_at = (datetime.now() - timedelta(days=days_ago)).replace(microsecond=0)
    # An older live load stays in the table in every case; only the newest load decides.
    path, work_dir = damaged_copy(
        f"update {RAW_TABLE} set _source_mode = 'live', _loaded_at = _loaded_at - interval 900 day "
        f"where _batch_id = '{BATCH_1}'",
        f"update {RAW_TABLE} set _source_mode = '{newest_load}', _loaded_at = '{loaded_at}' "
        f"where _batch_id = '{BATCH_2}'",
    )
    assert freshness(path, work_dir) == status
