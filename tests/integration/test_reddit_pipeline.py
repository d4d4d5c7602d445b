"""Reddit posts through the whole lineage, a week at a time: raw -> dbt -> sentiment -> dbt ->
themes and forecasts, with the two dbt steps rebuilt or reused on their own
(tests/pipeline_runs.py, `reddit_pipeline_run`: a copy of the sample build, a run a week later,
then the same run again). Sentiment labels and the signals computed from known posts are
checked on the fixture (tests/unit/ml/test_sentiment.py, tests/dbt).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.pipeline_runs import POST_FACTS, WEEK_LATER

pytestmark = pytest.mark.slow

SUBREDDITS = {"anxiety", "depression", "mentalhealth"}
REDDIT_SIGNALS = {"posts_per_week", "median_score", "comments_per_post", "negative_post_share"}


def line_of(progress: str, step: str) -> str:
    [line] = [line for line in progress.splitlines() if line.split()[1] == step]
    return line


def new_week() -> date:
    """The week the later run adds: the last whole week before the as-of day's week."""
    as_of = date.fromisoformat(WEEK_LATER)
    return as_of - timedelta(days=as_of.weekday()) - timedelta(weeks=1)


def test_a_new_week_is_scored_once_and_completes_the_week_before(sample_build, reddit_pipeline_run):
    later, again = reddit_pipeline_run.previous, reddit_pipeline_run.result
    workspace = reddit_pipeline_run.workspace
    for run in (later, again):
        assert run.success, run.describe()
        assert run.failed_checks == [], run.describe()
    # Scored once: the new week's posts in the later run (and the texts the retention cut
    # short), nothing in the run after it.
    scored_later = workspace.count(
        f"ml.post_sentiment where run_id in (select run_id from ml.post_sentiment "
        f"where post_id in (select post_id from marts.fct_reddit_posts "
        f"where created_week = '{new_week()}'))"
    )
    assert scored_later > 0
    assert f"posts: {scored_later} scored" in line_of(later.progress, "ml__post_sentiment")
    total = workspace.count("ml.post_sentiment")
    assert f"posts: 0 scored, {total} reused" in line_of(again.progress, "ml__post_sentiment")
    assert total == workspace.count("marts.fct_reddit_posts")
    # The new week ends the week before it: that one is now complete and gets its signals for
    # every community; the new week is still being collected (fct_signals' rule), so not yet.
    completed = new_week() - timedelta(weeks=1)
    signals = "select signal, group_value from marts.fct_signals where source = 'reddit' "
    assert sample_build.query(f"{signals} and period_start = '{completed}'") == []
    found = workspace.query(f"{signals} and period_start = '{completed}'")
    assert set(found) == {(s, r) for s in REDDIT_SIGNALS for r in SUBREDDITS}
    assert workspace.query(f"{signals} and period_start = '{new_week()}'") == []


def test_the_new_week_adds_its_posts_and_leaves_the_earlier_ones(reddit_pipeline_run):
    workspace = reddit_pipeline_run.workspace
    before = reddit_pipeline_run.facts["posts_before"]
    after = workspace.query(f"select {POST_FACTS} from marts.fct_reddit_posts order by 1")
    known = {row[0] for row in before}
    added = [row for row in after if row[0] not in known]
    assert added and {row[5] for row in added} == {new_week()}
    assert [row for row in after if row[0] in known] == before


def test_each_dbt_step_is_rebuilt_or_reused_on_its_own(reddit_pipeline_run):
    later, again = reddit_pipeline_run.previous, reddit_pipeline_run.result
    # New raw posts: both steps build and test (the second because the scores changed).
    for step in ("mindpulse_dbt", "mindpulse_dbt_after_ml"):
        line = line_of(later.progress, step)
        assert line.split()[0] == "ok" and "dbt not run" not in line, later.progress
        assert "checks" in line, later.progress
    # Nothing new: neither step starts dbt, and no check runs again.
    for step in ("mindpulse_dbt", "mindpulse_dbt_after_ml"):
        assert "dbt not run: unchanged since run" in line_of(again.progress, step), again.progress
    assert [
        e for e in again.check_evaluations if e["asset"].startswith(("staging/", "marts/"))
    ] == []
    series = reddit_pipeline_run.workspace.count("ml.forecast_metrics")
    assert f"series: {series} reused, 0 fitted" in line_of(again.progress, "signal_forecasts")
    assert "0 computed" in line_of(again.progress, "ml__reddit_insights")
