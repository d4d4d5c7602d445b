"""ml/reddit_insights as Dagster runs it: tables in, table out, metadata, cache across runs."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.insight_assets import REDDIT_INSIGHTS_KEY, reddit_insights
from orchestration.resources import build_resources
from orchestration.settings import PROJECT_ROOT, Settings, load_settings
from tests.unit.ml.gemini_stub import GOOD_KEY, GeminiStub, serve
from tests.unit.ml.reddit_corpus import synthetic_posts

MART_COLUMNS = ["post_id", "subreddit", "title", "body", "body_state", "created_utc",
                "created_week", "score", "num_comments", "title_length", "body_length"]  # fmt: skip


def settings_for(tmp_path: Path, **env: str) -> Settings:
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data"), **env})
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    posts, sentiment = synthetic_posts(600, weeks=3, seed=4)
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("create schema if not exists marts; create schema if not exists ml")
        conn.register("mart", posts[MART_COLUMNS])
        conn.register("scores", sentiment)
        conn.execute("create or replace table marts.fct_reddit_posts as select * from mart")
        conn.execute("create or replace table ml.post_sentiment as select * from scores")
    return settings


def materialize(settings: Settings) -> tuple[bool, dict]:
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
    return True, {k: v.value for k, v in event.materialization.metadata.items()}


def stored(settings: Settings, sql: str):
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


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

    ok, second = materialize(settings)
    assert ok and len(gemini_stub.requests) == first["themes"]
    assert (second["llm_calls"], second["cache_hits"]) == (0, first["themes"])
    assert second["generators"] == {"cache:gemini:gemini-test": first["themes"]}
    assert stored(settings, "select count(*) from ml.llm_cache") == [(first["themes"],)]


def test_a_rejected_key_fails_the_step_and_keeps_the_last_insights(tmp_path, gemini_stub):
    settings = settings_for(tmp_path)
    assert materialize(settings)[0]
    before = stored(settings, "select * from ml.reddit_insights order by all")
    rejected = settings_for(tmp_path, MINDPULSE_LLM="gemini", GEMINI_API_KEY="wrong-key")
    ok, _ = materialize(rejected)
    assert not ok and len(gemini_stub.requests) == 1
    assert stored(settings, "select * from ml.reddit_insights order by all") == before


def test_importing_the_asset_imports_no_model_library():
    code = (
        "import sys, orchestration.insight_assets; "
        "print(sorted(m for m in ('sklearn', 'google.genai', 'threadpoolctl') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=300)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[]"
