"""The real r/mentalhealth scrape (../shared) through the whole pipeline, as
`MINDPULSE_REDDIT_FILE=<the scrape> make run` takes it: the real run imports it beside the real
CDC export, and the truncated-export runs, on a copy of that build, import it twice more.
"""

from __future__ import annotations

import csv

import pytest

from tests.privacy_scan import scan
from tests.real_data import REDDIT_SCRAPE, require

pytestmark = pytest.mark.slow

RECORDS = 2_026  # rows of the scrape (SOURCE.md)
POSTS = 1_938  # distinct posts: 88 rows are re-scrapes of a post with a newer score
AUTHORS = 1_744
# What a post is, without when and by which batch it was loaded.
POST_COLUMNS = "post_id, subreddit, title, body, body_state, author_hash, created_utc, score"


@pytest.fixture
def scrape():
    return require(REDDIT_SCRAPE)


@pytest.fixture
def authors(scrape) -> set[str]:
    with scrape.open(newline="", encoding="utf-8") as handle:
        # A deleted account's author is written `None` (86 rows; SOURCE.md counts it as null).
        names = {row["author"] for row in csv.DictReader(handle)} - {"", "None"}
    assert len(names) == AUTHORS
    return names


def test_the_real_scrape_runs_end_to_end(scrape, real_pipeline_run):
    workspace, result = real_pipeline_run.workspace, real_pipeline_run.result
    assert result.success, result.describe()
    assert result.failed_checks == [], result.describe()
    assert workspace.count("raw.reddit_posts") == RECORDS
    assert workspace.count("raw.quarantine where source = 'reddit'") == 0
    assert workspace.count("marts.fct_reddit_posts") == POSTS
    assert workspace.count("ml.post_sentiment") == POSTS
    # The scrape's one community, in the signals the forecasts read and in the themes.
    assert workspace.query(
        "select distinct group_value from marts.fct_signals where source = 'reddit'"
    ) == [("mentalhealth",)]
    assert workspace.count("ml.forecast_metrics where source = 'reddit'") > 0
    assert workspace.count("ml.reddit_insights") > 0


def test_a_second_run_with_the_same_scrape_adds_nothing(
    scrape, real_pipeline_run, truncated_pipeline_run
):
    first, again = real_pipeline_run.workspace, truncated_pipeline_run.workspace
    assert truncated_pipeline_run.result.success, truncated_pipeline_run.result.describe()
    # Two more loads of the same file (the refused CDC run still loads Reddit), each replacing
    # the posting times it covers.
    assert again.count("raw.load_batches where source = 'reddit'") == 3
    assert again.count("raw.reddit_posts") == RECORDS
    assert again.count("marts.fct_reddit_posts") == POSTS
    posts = f"(select {POST_COLUMNS} from marts.fct_reddit_posts)"
    assert again.table_digest(posts, "post_id") == first.table_digest(posts, "post_id")
    assert again.table_digest("ml.post_sentiment", "post_id") == first.table_digest(
        "ml.post_sentiment", "post_id"
    )


def test_nothing_the_run_wrote_holds_an_author_name_an_email_or_a_phone(authors, real_pipeline_run):
    workspace = real_pipeline_run.workspace
    assert workspace.count("marts.fct_reddit_posts") == POSTS  # there was something to scan
    # Warehouse, published copies, landing files, logs, the Dagster home, the run's output.
    findings = scan(workspace.root, authors)
    assert findings == [], "\n".join(map(str, findings[:40]))
