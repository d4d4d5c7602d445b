"""ml/reddit_insights as Dagster runs it: tables in, table out, metadata, cache across runs."""

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.insight_assets import REDDIT_INSIGHTS_KEY, reddit_insights
from orchestration.progress import _notes
from orchestration.resources import build_resources
from orchestration.settings import Settings, load_settings
from tests.unit.ml.gemini_stub import GOOD_KEY, GeminiStub, serve
from tests.unit.ml.reddit_corpus import synthetic_posts

MART_COLUMNS = ["post_id", "subreddit", "title", "body", "body_state", "created_utc",
                "created_week", "score", "num_comments", "title_length", "body_length"]  # fmt: skip


def settings_for(tmp_path: Path, *, before: date | None = None, **env: str) -> Settings:
    """Settings on a warehouse holding the posts mart (those of weeks before ``before``)."""
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data"), **env})
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    posts, sentiment = synthetic_posts(600, weeks=3, seed=4)
    if before is not None:
        posts = posts[posts["created_week"] < before]
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("create schema if not exists marts; create schema if not exists ml")
        conn.register("mart", posts[MART_COLUMNS])
        conn.register("scores", sentiment)
        conn.execute("create or replace table marts.fct_reddit_posts as select * from mart")
        conn.execute("create or replace table ml.post_sentiment as select * from scores")
    return settings


def materialize(settings: Settings) -> tuple[bool, dict]:
    """Whether the step succeeded, its metadata values, and its progress-line notes."""
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [reddit_insights],
            resources=build_resources(settings),
            instance=instance,
            raise_on_error=False,
        )
    if not result.success:
        return False, {}
    [event] = result.get_asset_materialization_events()
    assert event.asset_key == REDDIT_INSIGHTS_KEY
    metadata = event.materialization.metadata
    return True, {k: v.value for k, v in metadata.items()} | {"notes": _notes(metadata)}


def stored(settings: Settings, sql: str):
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def insights(settings: Settings, stamps: bool = True) -> pd.DataFrame:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        frame = conn.execute("select * from ml.reddit_insights order by all").df()
    return frame if stamps else frame.drop(columns=["run_id", "created_at"])


def test_without_an_llm_the_asset_writes_deterministic_insights(tmp_path):
    settings = settings_for(tmp_path)
    ok, metadata = materialize(settings)
    assert ok
    rows = stored(settings, "select count(*), count(distinct week) from ml.reddit_insights")
    assert rows == [(metadata["themes"], metadata["weeks"])]
    assert metadata["dagster/row_count"] == metadata["themes"] > 0
    assert metadata["generators"] == {"deterministic": metadata["themes"]}
    assert (metadata["llm"], metadata["llm_calls"], metadata["cache_hits"]) == ("off", 0, 0)
    assert metadata["posts"] == metadata["posts_analysed"] == 600
    assert (metadata["cells_reused"], metadata["cells_computed"]) == (0, 6)
    assert "cells: 0 reused, 6 computed" in metadata["notes"]


def test_an_unchanged_second_run_reuses_every_cell(tmp_path):
    settings = settings_for(tmp_path)
    ok, first = materialize(settings)
    before = insights(settings)
    ok, second = materialize(settings)
    assert ok and (second["cells_reused"], second["cells_computed"]) == (6, 0)
    assert second["weeks_computed"] == 0 and second["theme_seconds"] == {}
    assert "cells: 6 reused, 0 computed" in second["notes"]
    pd.testing.assert_frame_equal(insights(settings), before)  # run ids included
    # The table's figures do not depend on which run computed its cells.
    for key in ("themes", "weeks", "posts", "posts_analysed", "cells_sampled", "generators"):
        assert second[key] == first[key], key


def test_a_new_week_computes_only_its_cells(tmp_path):
    last_week = date(2024, 1, 15)
    settings = settings_for(tmp_path, before=last_week)
    assert materialize(settings)[0]
    before = insights(settings)
    settings = settings_for(tmp_path)  # the third week arrives

    ok, metadata = materialize(settings)
    assert ok and (metadata["cells_reused"], metadata["cells_computed"]) == (4, 2)
    after = insights(settings)
    pd.testing.assert_frame_equal(after[after["week"].dt.date < last_week], before)
    # What a run from an empty warehouse computes: the weeks it read were all it needed.
    fresh = settings_for(tmp_path / "fresh")
    assert materialize(fresh)[0]
    pd.testing.assert_frame_equal(insights(settings, False), insights(fresh, False))


@pytest.fixture
def gemini_stub(monkeypatch):
    stub = GeminiStub()
    server, url = serve(stub)
    # google-genai's own setting for its endpoint: the asset runs unchanged, against the stub.
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
    yield stub
    server.shutdown()
    server.server_close()


def test_with_gemini_a_second_run_makes_no_call(tmp_path, gemini_stub):
    gemini = {"MINDPULSE_LLM": "gemini", "GEMINI_API_KEY": GOOD_KEY}
    settings = settings_for(tmp_path, **gemini, MINDPULSE_GEMINI_MODEL="gemini-test")
    ok, first = materialize(settings)
    assert ok and first["llm_calls"] == len(gemini_stub.requests) == first["themes"]
    assert first["generators"] == {"gemini:gemini-test": first["themes"]}
    assert first["cache_entries_added"] == first["themes"]

    # Nothing changed: every cell is reused as it is, not even the cache is asked.
    ok, second = materialize(settings)
    assert ok and len(gemini_stub.requests) == first["themes"]
    assert (second["llm_calls"], second["cache_hits"], second["cells_computed"]) == (0, 0, 0)
    assert second["generators"] == {"gemini:gemini-test": first["themes"]}
    assert stored(settings, "select count(*) from ml.llm_cache") == [(first["themes"],)]

    # Without the LLM every cell changes; back with it, every answer comes from the cache.
    assert materialize(settings_for(tmp_path))[0]
    ok, third = materialize(settings)
    assert ok and len(gemini_stub.requests) == first["themes"]
    assert (third["llm_calls"], third["cache_hits"]) == (0, first["themes"])
    assert third["generators"] == {"cache:gemini:gemini-test": first["themes"]}


def test_a_rejected_key_fails_the_step_and_keeps_the_last_insights(tmp_path, gemini_stub):
    settings = settings_for(tmp_path)
    assert materialize(settings)[0]
    before = stored(settings, "select * from ml.reddit_insights order by all")
    rejected = settings_for(tmp_path, MINDPULSE_LLM="gemini", GEMINI_API_KEY="wrong-key")
    ok, _ = materialize(rejected)
    assert not ok and len(gemini_stub.requests) == 1
    assert stored(settings, "select * from ml.reddit_insights order by all") == before
