"""The Reddit raw asset: wired to its settings, incremental in live mode, private in its logs."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest

from extract.reddit import extract_reddit
from extract.reddit.extract import batch_from_payload
from extract.reddit.live_source import RedditCredentials
from extract.reddit.records import RAW_CONTRACT
from orchestration.extract_assets import build_raw_asset
from orchestration.raw_sources import RAW_ASSETS, REDDIT_KEY, reddit_posts
from orchestration.resources import build_resources
from orchestration.settings import load_settings
from tests.unit.extract.reddit.reddit_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    KEY,
    api_post,
    start_reddit_server,
    stop_reddit_server,
)


def materialize(asset, settings) -> dict:
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([asset], resources=build_resources(settings), instance=instance)
        assert result.success
        logs = " ".join(str(e.user_message) for e in instance.all_logs(result.run_id))
    [event] = result.get_asset_materialization_events()
    metadata = {key: value.value for key, value in event.materialization.metadata.items()}
    version = event.materialization.tags["dagster/data_version"]
    return {**metadata, "logs": logs, "data_version": version}


def query(settings, sql: str):
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_the_sample_loads_once_and_a_rerun_adds_nothing(tmp_path):
    """Sample mode is incremental like live mode: a rerun generates nothing newer than what is
    loaded, lands an empty payload and leaves the table and its data version as they were."""
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    assert RAW_ASSETS["reddit"] is reddit_posts and reddit_posts.key == REDDIT_KEY
    first = materialize(reddit_posts, settings)
    rows = query(settings, "select * from raw.reddit_posts order by post_id")
    second = materialize(reddit_posts, settings)
    assert first["rows_quarantined"] == 3 and first["rows_loaded"] > 9_000
    assert (second["rows_in"], second["bodies_expired"]) == (0, 0)
    assert second["data_version"] == first["data_version"]
    assert query(settings, "select * from raw.reddit_posts order by post_id") == rows
    assert query(settings, "select count(*) from raw.quarantine") == [(3,)]
    assert (settings.data_dir / "secrets" / "reddit_author_key").is_file()


def test_a_sample_a_week_later_loads_that_week_and_expires_a_week_of_bodies(tmp_path):
    def run(as_of: dt.date) -> dict:
        env = {"MINDPULSE_DATA_DIR": str(tmp_path / "data"), "MINDPULSE_SAMPLE_AS_OF": str(as_of)}
        return materialize(reddit_posts, load_settings(env))

    as_of = dt.date(2026, 11, 18)
    first, later = run(as_of), run(as_of + dt.timedelta(days=7))
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    weeks = query(
        settings,
        "select created_week, count(*) from raw.reddit_posts group by 1 order by 1 desc limit 1",
    )
    assert weeks == [(dt.date(2026, 11, 16), later["rows_loaded"])]
    assert later["bodies_expired"] > 0 and later["data_version"] != first["data_version"]
    # Every row this run wrote carries its load time: the new week and the bodies it emptied.
    [(stamp,)] = query(settings, "select max(_loaded_at) from raw.reddit_posts")
    assert query(
        settings, f"select count(*) from raw.reddit_posts where _loaded_at = '{stamp}'"
    ) == [(later["rows_loaded"] + later["bodies_expired"],)]


def test_the_export_file_setting_switches_to_file_mode(tmp_path):
    export = tmp_path / "posts.jsonl"
    export.write_text(
        '{"id": "f1", "subreddit": "depression", "title": "t", "author": "Jane_Doe_77",'
        ' "created_utc": 1714644000, "selftext": "reach me at jane@example.org"}\n'
    )
    settings = load_settings(
        {"MINDPULSE_DATA_DIR": str(tmp_path / "data"), "MINDPULSE_REDDIT_FILE": str(export)}
    )
    metadata = materialize(reddit_posts, settings)
    assert (metadata["source_mode"], metadata["rows_loaded"]) == ("file", 1)
    [landed] = (settings.landing_dir / "reddit").iterdir()
    assert b"Jane_Doe" not in landed.read_bytes() and b"jane@" not in landed.read_bytes()


@pytest.fixture
def reddit_server():
    server = start_reddit_server()
    yield server
    stop_reddit_server(server)


def test_live_runs_fetch_only_what_is_newer_than_the_newest_loaded_post(tmp_path, reddit_server):
    """build_raw_asset hands the live extract the newest created_utc raw.reddit_posts holds
    from live runs; praw stops paging there."""
    start = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())

    def posts(first: int, last: int) -> list[dict]:  # newest first
        return [api_post(f"p{i:04d}", start + i * 3600) for i in range(last, first - 1, -1)]

    def live(settings, newest):
        return extract_reddit(
            "live",
            author_key=KEY,
            credentials=RedditCredentials(CLIENT_ID, CLIENT_SECRET),
            api_url=reddit_server.url,
            subreddits=["mentalhealth"],
            newest_loaded=newest,
        )

    asset = build_raw_asset(RAW_CONTRACT, live, batch_from_payload, "live Reddit (test)")
    settings = load_settings(
        {"MINDPULSE_DATA_DIR": str(tmp_path / "data"), "MINDPULSE_SOURCES": "live"}
    )
    reddit_server.posts["mentalhealth"] = posts(0, 149)
    first = materialize(asset, settings)
    reddit_server.requests.clear()
    reddit_server.posts["mentalhealth"] = posts(0, 159)  # ten new posts since
    second = materialize(asset, settings)
    assert (first["rows_loaded"], second["rows_loaded"]) == (150, 11)  # p0149 again, p0150-59
    assert len(reddit_server.listing_requests("mentalhealth")) == 1
    assert query(settings, "select count(*), count(distinct post_id) from raw.reddit_posts") == [
        (160, 160)
    ]
    assert second["completeness_guard"] == "passed"  # its window held p0149 alone
