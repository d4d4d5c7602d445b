"""The Reddit assets' wiring: the sentiment asset scores new posts and reuses the rest, and
make run's progress line reports warnings apart."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.progress import StepProgress, _format_line
from orchestration.reddit_assets import POST_SENTIMENT_KEY, post_sentiment
from orchestration.resources import build_resources
from orchestration.settings import Settings, load_settings
from tests.reddit_fixture import BATCH_1, SENTIMENT_LABELS, fixture_rows


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})


def write_posts_mart(settings: Settings, *batch_ids: str) -> None:
    """marts.fct_reddit_posts as dbt leaves it, for the columns the sentiment asset reads."""
    rows = fixture_rows(*batch_ids).drop_duplicates("post_id", keep="last")
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.register("posts", rows[["post_id", "title", "body", "body_state"]])
        conn.execute("create or replace table marts.fct_reddit_posts as select * from posts")


def materialize(assets, settings: Settings) -> dg.AssetMaterialization:
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(assets, resources=build_resources(settings), instance=instance)
    assert result.success
    [event] = result.get_asset_materialization_events()
    return event.materialization


def test_sentiment_scores_new_posts_and_reuses_the_others(settings: Settings):
    write_posts_mart(settings, BATCH_1)
    first = materialize([post_sentiment], settings)
    assert first.asset_key == POST_SENTIMENT_KEY
    assert first.metadata["posts_scored"].value == 11
    assert first.metadata["posts_reused"].value == 0
    assert first.metadata["dagster/row_count"].value == 11

    write_posts_mart(settings)  # batch 2 arrives: three more posts
    second = materialize([post_sentiment], settings)
    assert (second.metadata["posts_scored"].value, second.metadata["posts_reused"].value) == (
        3,
        11,
    )
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        labels = dict(conn.execute("select post_id, label from ml.post_sentiment").fetchall())
    assert labels == SENTIMENT_LABELS

    third = materialize([post_sentiment], settings)
    assert third.metadata["posts_reused"].value == 14
    # Same posts, same texts: the same data version, so dbt downstream may be skipped.
    assert third.tags["dagster/data_version"] == second.tags["dagster/data_version"]
    assert first.tags["dagster/data_version"] != second.tags["dagster/data_version"]


def test_progress_lines_report_warnings_apart_from_failures():
    progress = StepProgress(status="ok", seconds=3.2, checks_passed=40)
    progress.checks_warned.append("stg_reddit__posts_subreddit_configured_in_file_dump")
    line = _format_line("mindpulse_dbt", progress)
    assert line.split()[:2] == ["ok", "mindpulse_dbt"]
    assert "checks 40 passed, 0 failed, 1 warned" in line
