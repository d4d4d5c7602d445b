"""Live mode: praw itself against a local Reddit API on 127.0.0.1 (no internet)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from extract.batch import ExtractError
from extract.reddit import extract_reddit
from extract.reddit.live_source import RedditCredentials, connect, fetch_new_posts
from tests.unit.extract.reddit.reddit_api import CLIENT_ID, CLIENT_SECRET, KEY, api_post

CREDENTIALS = RedditCredentials(CLIENT_ID, CLIENT_SECRET, "MindPulse tests (local server)")
START = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())


def newest_first(count: int, subreddit: str = "mentalhealth", prefix: str = "p") -> list[dict]:
    """`count` posts an hour apart, newest first, as Reddit's listing orders them."""
    return [
        api_post(f"{prefix}{i:04d}", START + i * 3600, subreddit) for i in range(count - 1, -1, -1)
    ]


class RecordingSleep:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_pages_through_a_subreddit_with_praw(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(250)
    records = fetch_new_posts(connect(CREDENTIALS, reddit_server.url), ["mentalhealth"], None)
    assert list(records["id"]) == [p["id"] for p in reddit_server.posts["mentalhealth"]]
    pages = reddit_server.listing_requests("mentalhealth")
    assert [r["query"].get("after") for r in pages] == [None, "t3_p0150", "t3_p0050"]
    assert all(r["query"]["limit"] == "100" for r in pages)
    # One token for the whole run, asked for with the app's credentials (read-only grant).
    [token] = reddit_server.token_requests
    assert token["form"]["grant_type"] == ["client_credentials"]
    assert pages[0]["headers"]["User-Agent"].startswith("MindPulse tests (local server)")


def test_paging_stops_at_the_newest_post_already_loaded(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(250)
    newest_loaded = dt.datetime(2026, 11, 1) + dt.timedelta(hours=180)  # post p0180, naive UTC
    records = fetch_new_posts(
        connect(CREDENTIALS, reddit_server.url), ["mentalhealth"], newest_loaded
    )
    # p0249 … p0180: the post of that very moment is fetched again (it replaces its copy).
    assert list(records["id"]) == [f"p{i:04d}" for i in range(249, 179, -1)]
    assert len(reddit_server.listing_requests("mentalhealth")) == 1  # page two never asked for


def test_every_subreddit_is_read_back_to_the_same_moment(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(30, "mentalhealth", "m")
    reddit_server.posts["Anxiety"] = newest_first(30, "Anxiety", "a")
    newest_loaded = dt.datetime(2026, 11, 1, 20, tzinfo=dt.UTC)
    records = fetch_new_posts(
        connect(CREDENTIALS, reddit_server.url), ["mentalhealth", "Anxiety"], newest_loaded
    )
    assert records.groupby("subreddit").size().to_dict() == {"Anxiety": 10, "mentalhealth": 10}


def test_a_429_waits_for_retry_after_and_asks_for_the_same_page_again(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(150)
    too_many = (429, {"Retry-After": "2"}, {"message": "Too Many Requests", "error": 429})
    reddit_server.script = [None, too_many]  # the second page is refused once
    sleep = RecordingSleep()
    records = fetch_new_posts(
        connect(CREDENTIALS, reddit_server.url), ["mentalhealth"], None, sleep=sleep
    )
    assert len(records) == 150 and records["id"].is_unique
    assert sleep.calls == [2.0]
    afters = [r["query"].get("after") for r in reddit_server.listing_requests("mentalhealth")]
    assert afters == [None, "t3_p0050", "t3_p0050"]


def test_repeated_429s_stop_the_run_with_advice(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(5)
    reddit_server.script = [(429, {}, {"message": "Too Many Requests"})] * 4
    sleep = RecordingSleep()
    with pytest.raises(ExtractError, match="429 Too Many Requests for r/mentalhealth .4 times"):
        fetch_new_posts(
            connect(CREDENTIALS, reddit_server.url), ["mentalhealth"], None, sleep=sleep
        )
    assert sleep.calls == [5.0, 10.0, 20.0]  # no Retry-After: back-off


@pytest.mark.parametrize(
    ("credentials", "named"),
    [
        (RedditCredentials(None, None), "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET, which are"),
        (RedditCredentials("id", None), "needs REDDIT_CLIENT_SECRET, which is not set"),
        (RedditCredentials("", "secret"), "needs REDDIT_CLIENT_ID, which is not set"),
    ],
)
def test_missing_credentials_are_named(credentials, named, reddit_server):
    with pytest.raises(ExtractError, match=named) as raised:
        extract_reddit("live", author_key=KEY, credentials=credentials, api_url=reddit_server.url)
    assert "https://www.reddit.com/prefs/apps" in str(raised.value)
    assert reddit_server.requests == [] and reddit_server.token_requests == []


def test_refused_credentials_and_unknown_subreddits_are_clear_errors(reddit_server):
    reddit_server.posts["mentalhealth"] = newest_first(3)
    wrong = RedditCredentials(CLIENT_ID, "not-the-secret")
    with pytest.raises(ExtractError, match="Reddit refused the credentials"):
        fetch_new_posts(connect(wrong, reddit_server.url), ["mentalhealth"], None)
    with pytest.raises(ExtractError, match="r/nosuchplace .*MINDPULSE_REDDIT_SUBREDDITS"):
        fetch_new_posts(connect(CREDENTIALS, reddit_server.url), ["nosuchplace"], None)


def test_a_live_batch_is_private_and_counted_by_its_lines(reddit_server):
    posts = newest_first(4)
    posts[0].update(author="[deleted]", selftext="[removed]")
    posts[1].update(selftext="DM me: jane.roe@example.org or u/jane_roe")
    reddit_server.posts["mentalhealth"] = posts
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    batch = extract_reddit(
        "live",
        author_key=KEY,
        credentials=CREDENTIALS,
        api_url=reddit_server.url,
        subreddits=["mentalhealth"],
        now=now,
    )
    assert (batch.mode, batch.payload_suffix, len(batch.rows), batch.quarantined) == (
        "live",
        ".jsonl",
        4,
        [],
    )
    assert batch.records_in_payload == 4 and "lines" in batch.counted_by
    lines = [json.loads(line) for line in batch.payload.decode().splitlines()]
    assert [line["post_id"] for line in lines] == ["p0003", "p0002", "p0001", "p0000"]
    assert (lines[0]["author_hash"], lines[0]["body"], lines[0]["body_state"]) == (
        None,
        None,
        "removed",
    )
    assert lines[1]["body"] == "DM me: [email] or [username]"
    text = batch.payload.decode()
    assert "author_p" not in text and "jane" not in text and "post_p0" not in text  # no slug
    assert batch.rows["permalink"].iloc[2] == "/r/mentalhealth/comments/p0001/"
    assert batch.rows["created_utc"].iloc[3] == dt.datetime(2026, 11, 1)
