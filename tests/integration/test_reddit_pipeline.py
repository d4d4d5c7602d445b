"""Reddit posts through the whole lineage, a week at a time: raw -> dbt -> sentiment -> dbt ->
forecasts, with the two dbt steps rebuilt or reused on their own (tests/pipeline_runs.py,
`reddit_pipeline_run`: a copy of the sample build, the fixture's two batches, then no change).
"""

from __future__ import annotations

import pytest

from tests.reddit_fixture import SENTIMENT_LABELS, expected_signals

pytestmark = pytest.mark.slow


def line_of(progress: str, step: str) -> str:
    [line] = [line for line in progress.splitlines() if line.split()[1] == step]
    return line


def test_each_week_is_scored_once_and_reaches_fct_signals(reddit_pipeline_run):
    first = reddit_pipeline_run.facts["first"]
    second, again = reddit_pipeline_run.previous, reddit_pipeline_run.result
    for run in (first, second, again):
        assert run.success, run.describe()
        assert run.failed_checks == [], run.describe()
    assert "posts: 11 scored, 0 reused" in line_of(first.progress, "ml__post_sentiment")
    assert "posts: 3 scored, 11 reused" in line_of(second.progress, "ml__post_sentiment")
    assert "posts: 0 scored, 14 reused" in line_of(again.progress, "ml__post_sentiment")

    workspace = reddit_pipeline_run.workspace
    labels = dict(workspace.query("select post_id, label from ml.post_sentiment"))
    assert labels == SENTIMENT_LABELS  # VADER's, as the fixture expects
    found = workspace.query(
        "select signal, group_value, period_start, period_end, value from marts.fct_signals "
        "where source = 'reddit' order by all"
    )
    expected = expected_signals()
    assert [row[:4] for row in found] == [row[:4] for row in expected]
    assert [row[4] for row in found] == pytest.approx([row[4] for row in expected])


def test_the_second_week_adds_its_posts_and_leaves_the_first_weeks_rows(reddit_pipeline_run):
    workspace = reddit_pipeline_run.workspace
    before = reddit_pipeline_run.facts["posts_after_first"]
    after = workspace.query("select * from marts.fct_reddit_posts order by post_id")
    assert (len(before), len(after)) == (11, 14)
    assert after[: len(before)] == before


def test_each_dbt_step_is_rebuilt_or_reused_on_its_own(reddit_pipeline_run):
    first = reddit_pipeline_run.facts["first"]
    second, again = reddit_pipeline_run.previous, reddit_pipeline_run.result
    for run in (first, second):
        # New raw posts: both steps build and test (the second because the scores changed).
        for step in ("mindpulse_dbt", "mindpulse_dbt_after_ml"):
            line = line_of(run.progress, step)
            assert line.split()[0] == "ok" and "dbt not run" not in line, run.progress
            assert "checks" in line, run.progress
    # Nothing new: neither step starts dbt, and no check runs again.
    for step in ("mindpulse_dbt", "mindpulse_dbt_after_ml"):
        assert "dbt not run: unchanged since run" in line_of(again.progress, step), again.progress
    assert [
        e for e in again.check_evaluations if e["asset"].startswith(("staging/", "marts/"))
    ] == []
    assert "series: 111 reused, 0 fitted" in line_of(again.progress, "signal_forecasts")
