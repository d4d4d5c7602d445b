"""A small, deterministic raw.reddit_posts for the tests, in exactly the extract's layout.

tests/fixtures/reddit_posts.csv holds two weekly batches of posts as the Reddit extract loads
them (extract/reddit/records.py: the record columns plus _batch_id, _loaded_at, _source_mode):

- batch 1 (loaded 2024-05-20 08:00): weeks of 2024-04-29, 05-06 and 05-13; post p001 and p006
  were scraped twice (the later row, a higher _row_number, has the newer score);
- batch 2 (loaded 2024-05-27 08:00): the week of 2024-05-20; p012 scraped twice.

Communities are spelled as the source spells them: 'MentalHealth' and 'mentalhealth' are one
community, as are 'Anxiety' and 'anxiety'. Posts p004 and p013 are removed, p009 deleted (its
author too), p010 expired and p007 has an empty body: their titles remain.

`load_reddit_posts` writes rows the way extract.raw_load loads an incremental batch (replace
the window of posting times it covers, then insert), so a second batch leaves the first alone.
`write_fixture_sentiment` stores hand-chosen labels in ml.post_sentiment, so dbt tests do not
depend on VADER's scores.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from extract.raw_load import LOAD_COLUMNS
from extract.reddit.records import RAW_CONTRACT
from ml_assets.ml_tables import POST_SENTIMENT_COLUMNS, write_post_sentiment

FIXTURE = Path(__file__).with_name("fixtures") / "reddit_posts.csv"
BATCH_1 = "reddit-sample-20240520T080000-b1"
BATCH_2 = "reddit-sample-20240527T080000-b2"
RAW_TABLE = f"raw.{RAW_CONTRACT.table}"
RAW_COLUMNS = RAW_CONTRACT.columns + LOAD_COLUMNS
FCT_POSTS_ROWS = "select * from marts.fct_reddit_posts order by post_id"

# The label VADER gives each post's scored text (tests/unit/ml/test_sentiment.py checks they
# agree), so the dbt tests, which read these, and the pipeline, which scores with VADER, expect
# the same shares of negative posts.
SENTIMENT_LABELS = {
    "p001": "positive",
    "p002": "negative",
    "p003": "negative",
    "p004": "negative",
    "p005": "positive",
    "p006": "positive",
    "p007": "negative",
    "p008": "positive",
    "p009": "negative",
    "p010": "neutral",
    "p011": "negative",
    "p012": "positive",
    "p013": "negative",
    "p014": "negative",
}
_COMPOUND = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}

# The fixture's weekly signals in marts.fct_signals once both batches are in: every community and
# week before the newest week (2024-05-20, which has not ended), worked out by hand from the
# latest scrapes in the CSV and the labels above.
# (community, week, posts, median score, comments per post, % negative)
EXPECTED_WEEKS = [
    ("anxiety", "2024-04-29", 1, 7.0, 2.0, 100.0),
    ("anxiety", "2024-05-06", 1, 30.0, 5.0, 0.0),
    ("anxiety", "2024-05-13", 1, 1.0, 3.0, 100.0),
    ("depression", "2024-04-29", 1, 0.0, 0.0, 100.0),
    ("depression", "2024-05-06", 1, 2.0, 11.0, 100.0),
    ("depression", "2024-05-13", 0, None, None, None),  # no post that week: 0 posts, no rest
    ("mentalhealth", "2024-04-29", 3, 25.0, 9.0, 100.0 / 3),
    ("mentalhealth", "2024-05-06", 2, 10.0, 6.0, 50.0),
    ("mentalhealth", "2024-05-13", 1, 4.0, 20.0, 0.0),
]
SIGNALS = ("posts_per_week", "median_score", "comments_per_post", "negative_post_share")


def expected_signals() -> list[tuple]:
    """(signal, community, period_start, period_end, value) of EXPECTED_WEEKS, sorted."""
    rows = []
    for community, week, *values in EXPECTED_WEEKS:
        start = date.fromisoformat(week)
        for signal, value in zip(SIGNALS, values, strict=True):
            if value is not None:
                rows.append((signal, community, start, start + timedelta(days=6), value))
    return sorted(rows)


def fixture_rows(*batch_ids: str) -> pd.DataFrame:
    """The fixture's rows (of the given batches, else all), typed as raw.reddit_posts is."""
    rows = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    if batch_ids:
        rows = rows[rows["_batch_id"].isin(batch_ids)]
    rows = rows.replace({"": None})
    for column in ("created_utc", "_loaded_at"):
        rows[column] = pd.to_datetime(rows[column])
    rows["created_week"] = pd.to_datetime(rows["created_week"]).dt.date
    for column in ("score", "num_comments", "_row_number"):
        rows[column] = rows[column].astype("Int64")
    rows["upvote_ratio"] = rows["upvote_ratio"].astype("float64")
    return rows.reset_index(drop=True)


def create_raw_table(conn: duckdb.DuckDBPyConnection) -> None:
    ddl = ", ".join(f"{name} {type_}" for name, type_ in RAW_COLUMNS)
    conn.execute("create schema if not exists raw")
    conn.execute(f"create table if not exists {RAW_TABLE} ({ddl})")


def load_reddit_posts(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Load rows of one or more batches, each replacing the posting-time window it covers."""
    create_raw_table(conn)
    names = [name for name, _ in RAW_COLUMNS]
    select = ", ".join(f"cast({name} as {type_.split()[0]})" for name, type_ in RAW_COLUMNS)
    for _, batch in rows.groupby("_batch_id", sort=False):
        conn.execute(
            f"delete from {RAW_TABLE} where created_utc between ? and ? or _batch_id = ?",
            [
                batch["created_utc"].min().to_pydatetime(),
                batch["created_utc"].max().to_pydatetime(),
                batch["_batch_id"].iloc[0],
            ],
        )
        conn.register("_fixture_reddit_rows", batch[names])
        conn.execute(f"insert into {RAW_TABLE} select {select} from _fixture_reddit_rows")
        conn.unregister("_fixture_reddit_rows")
    return len(rows)


def load_fixture(path: Path, *batch_ids: str, sentiment: bool = True) -> None:
    """Load the fixture's batches into the DuckDB file at `path`, with their sentiment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        rows = fixture_rows(*batch_ids)
        load_reddit_posts(conn, rows)
        if sentiment:
            write_fixture_sentiment(conn, sorted(set(rows["post_id"])))


def create_empty_tables(path: Path) -> None:
    """raw.reddit_posts and ml.post_sentiment, empty: a warehouse without Reddit posts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        create_raw_table(conn)
        create_empty_sentiment(conn)


def sentiment_frame(post_ids: list[str]) -> pd.DataFrame:
    labels = [SENTIMENT_LABELS[post_id] for post_id in post_ids]
    compound = [_COMPOUND[label] for label in labels]
    return pd.DataFrame(
        {
            "post_id": post_ids,
            "text_hash": [f"fixture-{post_id}" for post_id in post_ids],
            "compound": compound,
            "negative": [0.5 if c < 0 else 0.0 for c in compound],
            "neutral": [0.5 if c != 0 else 1.0 for c in compound],
            "positive": [0.5 if c > 0 else 0.0 for c in compound],
            "label": labels,
            "model": "fixture",
            "run_id": "fixture",
            "scored_at": datetime(2024, 5, 27, 9, 0),
        }
    )[list(POST_SENTIMENT_COLUMNS)]


def write_fixture_sentiment(conn: duckdb.DuckDBPyConnection, post_ids: list[str]) -> int:
    """ml.post_sentiment holding the fixture's labels for exactly these posts."""
    return write_post_sentiment(conn, sentiment_frame(post_ids), keep=post_ids, schema="ml")


def create_empty_sentiment(conn: duckdb.DuckDBPyConnection) -> None:
    """An empty ml.post_sentiment, as the sentiment asset leaves it when there are no posts."""
    write_post_sentiment(conn, sentiment_frame([]), keep=[], schema="ml")
