"""Insight cells reused by input hash: what a run recomputes, and that reuse changes nothing.

Every test runs the real path against a DuckDB warehouse: hashes computed in SQL, stored cells
read back, only the weeks a changed cell reads taken out of the posts table, and the tables
written. The result is compared with a run on an empty warehouse (everything computed).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from ml_assets.gemini import GeminiConfig
from ml_assets.insight_cells import CellRun, cell_hashes, read_cell_digests, update_insights
from ml_assets.insight_tables import (
    read_cached_summaries,
    read_stored_cells,
    write_insight_tables,
)
from ml_assets.insights import CALL_CAP
from ml_assets.themes import ThemeSettings
from tests.unit.ml.gemini_stub import GeminiStub, stub_config
from tests.unit.ml.reddit_corpus import synthetic_posts

SETTINGS = ThemeSettings(n_themes=3)
FIRST = date(2024, 1, 1)
STAMP = ["run_id", "created_at"]
MART = ["post_id", "subreddit", "title", "body", "created_week"]


def week(n: int) -> date:
    return FIRST + timedelta(weeks=n)


@pytest.fixture(scope="module")
def corpus():
    return synthetic_posts(900, weeks=8, seed=31)


def warehouse(posts: pd.DataFrame, sentiment: pd.DataFrame, conn=None):
    """A warehouse holding these posts and scores (replacing what ``conn`` held)."""
    conn = conn or duckdb.connect()
    conn.execute("create schema if not exists marts; create schema if not exists ml")
    conn.register("_posts", posts[MART])
    conn.register("_scores", sentiment[["post_id", "compound"]])
    conn.execute("create or replace table marts.fct_reddit_posts as select * from _posts")
    conn.execute("create or replace table ml.post_sentiment as select * from _scores")
    conn.unregister("_posts")
    conn.unregister("_scores")
    return conn


class Run:
    """One materialization of the insight tables; records the weeks of posts it read."""

    def __init__(self, conn, run_id: str, gemini: GeminiConfig | None = None):
        self.weeks_read: list[date] = []
        digests = read_cell_digests(
            conn,
            posts_table="marts.fct_reddit_posts",
            sentiment_table="ml.post_sentiment",
            max_text_chars=SETTINGS.max_text_chars,
        )
        self.result: CellRun = update_insights(
            cell_hashes(digests, SETTINGS, gemini),
            settings=SETTINGS,
            run_id=run_id,
            posts_of_weeks=lambda weeks: self._read(conn, weeks),
            stored=lambda hashes: read_stored_cells(conn, schema="ml", cell_hashes=hashes),
            gemini=gemini,
            cached=lambda keys: read_cached_summaries(conn, schema="ml", input_hashes=keys),
        )
        r = self.result
        write_insight_tables(conn, r.insights, r.new_cache, r.cells, schema="ml")

    def _read(self, conn, weeks):
        self.weeks_read.extend(weeks)
        where = "created_week in (select unnest(?::date[]))"
        posts = conn.execute(
            f"select post_id, subreddit, title, left(body, {SETTINGS.max_text_chars}) as body, "
            f"created_week from marts.fct_reddit_posts where {where}",
            [weeks],
        ).df()
        scores = conn.execute(
            "select post_id, compound from ml.post_sentiment where post_id in "
            f"(select post_id from marts.fct_reddit_posts where {where})",
            [weeks],
        ).df()
        return posts, scores


def table(conn, name: str = "reddit_insights", stamps: bool = True) -> pd.DataFrame:
    frame = conn.execute(f"select * from ml.{name} order by all").df()
    return frame if stamps else frame.drop(columns=STAMP)


def computed_by(conn, run_id: str) -> set[tuple[date, str]]:
    rows = conn.execute(
        "select week, subreddit from ml.reddit_insight_cells where run_id = ?", [run_id]
    ).fetchall()
    return set(rows)


def cells_of(weeks, subreddits=("anxiety", "mentalhealth")) -> set[tuple[date, str]]:
    return {(w, s) for w in weeks for s in subreddits}


def assert_same_as_computed_afresh(conn, posts, sentiment):
    fresh = warehouse(posts, sentiment)
    Run(fresh, "fresh")
    for name in ("reddit_insights", "reddit_insight_cells"):
        pd.testing.assert_frame_equal(table(conn, name, False), table(fresh, name, False))


def test_an_unchanged_run_reuses_every_cell_and_reads_no_post(corpus):
    conn = warehouse(*corpus)
    first = Run(conn, "r1")
    before = {name: table(conn, name) for name in ("reddit_insights", "reddit_insight_cells")}
    assert first.result.cells_computed == 16 and first.result.cells_reused == 0
    assert len(before["reddit_insights"]) > 16
    themes = conn.execute(
        "select c.themes, count(i.theme) from ml.reddit_insight_cells as c "
        "left join ml.reddit_insights as i using (week, subreddit) "
        "group by week, subreddit, c.themes"
    ).fetchall()
    assert len(themes) == 16 and all(stored == rows for stored, rows in themes)

    second = Run(conn, "r2")
    assert (second.result.cells_reused, second.result.cells_computed) == (16, 0)
    assert second.weeks_read == [] and second.result.themes is None
    for name, frame in before.items():  # same rows, stamped by the run that computed them
        pd.testing.assert_frame_equal(table(conn, name), frame)
    assert second.result.data_version == first.result.data_version


def test_an_edited_post_recomputes_only_the_cells_whose_window_holds_it(corpus):
    posts, sentiment = corpus
    conn = warehouse(posts, sentiment)
    Run(conn, "r1")
    edited = posts.copy()
    row = edited.index[(edited["created_week"] == week(2)) & (edited["subreddit"] == "anxiety")][0]
    edited.loc[row, "title"] = "Insomnia again, awake every night"
    warehouse(edited, sentiment, conn)

    second = Run(conn, "r2")
    # Weeks 2-5 fit their model on a window that holds week 2 (window_weeks=4), for both
    # communities; they read weeks 0-5 (each window, and the week before it).
    assert computed_by(conn, "r2") == cells_of(week(n) for n in range(2, 6))
    assert sorted(set(second.weeks_read)) == [week(n) for n in range(6)]
    assert computed_by(conn, "r1") == cells_of(week(n) for n in (0, 1, 6, 7))
    assert_same_as_computed_afresh(conn, edited, sentiment)


def test_a_changed_score_recomputes_only_its_own_cell(corpus):
    posts, sentiment = corpus
    conn = warehouse(posts, sentiment)
    Run(conn, "r1")
    before = table(conn)
    post = posts[(posts["created_week"] == week(5)) & (posts["subreddit"] == "mentalhealth")]
    rescored = sentiment.copy()
    rescored.loc[rescored["post_id"] == post["post_id"].iloc[0], "compound"] = -0.99
    warehouse(posts, rescored, conn)

    Run(conn, "r2")
    assert computed_by(conn, "r2") == {(week(5), "mentalhealth")}
    after = table(conn)
    changed = after["week"].dt.date.eq(week(5)) & after["subreddit"].eq("mentalhealth")
    assert not after.loc[changed, "mean_sentiment"].equals(before.loc[changed, "mean_sentiment"])
    pd.testing.assert_frame_equal(after[~changed], before[~changed])
    assert_same_as_computed_afresh(conn, posts, rescored)


def test_a_new_week_computes_only_its_own_cells(corpus):
    posts, sentiment = corpus
    conn = warehouse(posts[posts["created_week"] < week(7)], sentiment)
    Run(conn, "r1")
    before = table(conn)
    warehouse(posts, sentiment, conn)

    second = Run(conn, "r2")
    assert computed_by(conn, "r2") == cells_of([week(7)])
    assert second.result.cells_reused == 14
    assert sorted(set(second.weeks_read)) == [week(n) for n in range(4, 8)]
    after = table(conn)
    pd.testing.assert_frame_equal(after[after["week"].dt.date < week(7)], before)
    assert_same_as_computed_afresh(conn, posts, sentiment)


def test_a_new_week_too_small_for_themes_is_computed_with_none(corpus):
    # One post in a new week of one community: nothing to find themes in, and no row to sum.
    posts, sentiment = corpus
    conn = warehouse(posts, sentiment)
    Run(conn, "r1")
    lone = posts.iloc[[0]].assign(post_id="lone", created_week=week(8), subreddit="anxiety")
    warehouse(pd.concat([posts, lone]), pd.concat([sentiment, sentiment.iloc[[0]].assign(
        post_id="lone")]), conn)  # fmt: skip

    second = Run(conn, "r2")
    assert (week(8), "anxiety") in computed_by(conn, "r2")
    assert week(8) not in {pd.Timestamp(w).date() for w in second.result.insights["week"]}
    cells = table(conn, "reddit_insight_cells")
    assert cells.loc[cells["week"].dt.date == week(8), "themes"].tolist() == [0]


def test_cells_no_longer_in_the_posts_are_dropped(corpus):
    posts, sentiment = corpus
    conn = warehouse(posts, sentiment)
    Run(conn, "r1")
    later = posts[posts["created_week"] > week(0)]
    warehouse(later, sentiment, conn)

    Run(conn, "r2")
    assert week(0) not in set(table(conn)["week"].dt.date)
    # Weeks 1-3 read week 0 (their window or the week before): computed again.
    assert computed_by(conn, "r2") == cells_of(week(n) for n in range(1, 4))
    assert_same_as_computed_afresh(conn, later, sentiment)


def test_a_warehouse_without_the_cells_table_computes_every_cell(corpus):
    conn = warehouse(*corpus)
    Run(conn, "r1")
    before = table(conn, stamps=False)
    conn.execute("drop table ml.reddit_insight_cells")  # as an earlier version left it

    again = Run(conn, "r2")
    assert (again.result.cells_reused, again.result.cells_computed) == (0, 16)
    pd.testing.assert_frame_equal(table(conn, stamps=False), before)


def test_the_hash_covers_the_settings_but_not_the_row_order(corpus):
    conn = warehouse(*corpus)
    digests = read_cell_digests(
        conn, posts_table="marts.fct_reddit_posts", sentiment_table="ml.post_sentiment",
        max_text_chars=1000,
    )  # fmt: skip
    hashes = cell_hashes(digests, SETTINGS)
    shuffled = cell_hashes(digests.sample(frac=1, random_state=3), SETTINGS)
    pd.testing.assert_frame_equal(shuffled, hashes)
    assert hashes["cell_hash"].is_unique
    other = cell_hashes(digests, replace(SETTINGS, min_theme_posts=6))
    assert not set(other["cell_hash"]) & set(hashes["cell_hash"])


def gemini(stub: GeminiStub, model: str = "gemini-test", max_calls: int = 500) -> GeminiConfig:
    return stub_config(stub, model=model, max_calls=max_calls, attempts=1)


@pytest.fixture(scope="module")
def small():
    return synthetic_posts(500, weeks=4, seed=32)


def test_changing_what_writes_the_summaries_recomputes_every_cell(small, stub):
    conn = warehouse(*small)
    Run(conn, "r1")
    with_llm = Run(conn, "r2", gemini(stub))
    assert with_llm.result.cells_reused == 0 and with_llm.result.cells_computed == 8
    assert with_llm.result.generators == {"gemini:gemini-test": len(table(conn))}

    calls = len(stub.requests)
    again = Run(conn, "r3", gemini(stub))
    assert again.result.cells_computed == 0 and len(stub.requests) == calls

    other_model = Run(conn, "r4", gemini(stub, model="gemini-2.5-flash"))
    assert other_model.result.cells_computed == 8
    assert other_model.result.generators == {"gemini:gemini-2.5-flash": len(table(conn))}

    # Back to the first model: every cell computed again, every answer from the cache.
    back = Run(conn, "r5", gemini(stub))
    assert back.result.cells_computed == 8 and back.result.llm_calls == 0
    assert back.result.cache_hits == len(table(conn))


def test_cells_with_a_stand_in_summary_are_computed_again(small, stub):
    conn = warehouse(*small)
    capped = Run(conn, "r1", gemini(stub, max_calls=4))
    rows = table(conn)
    waiting = set(
        rows.loc[rows["generator"] == CALL_CAP, ["week", "subreddit"]]
        .assign(week=lambda f: f["week"].dt.date)
        .itertuples(index=False, name=None)
    )
    assert capped.result.llm_calls == 4 and waiting

    Run(conn, "r2", gemini(stub))
    assert computed_by(conn, "r2") == waiting
    assert CALL_CAP not in set(table(conn)["generator"])
    assert computed_by(conn, "r1") == cells_of(week(n) for n in range(4)) - waiting
