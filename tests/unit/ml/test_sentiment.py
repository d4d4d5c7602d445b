"""Sentiment of Reddit posts: what is scored, VADER's direction and labels, scoring each text
once, and ml.post_sentiment's contract in DuckDB."""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import version

import duckdb
import pandas as pd
import pytest

from ml_assets.ml_tables import (
    POST_SENTIMENT_COLUMNS,
    read_post_sentiment,
    write_post_sentiment,
)
from ml_assets.sentiment import (
    MODEL,
    label,
    post_texts,
    score_posts,
    score_texts,
    scored_text,
    text_hash,
)
from tests.reddit_fixture import SENTIMENT_LABELS, fixture_rows

ML = "ml"
AT = datetime(2024, 5, 27, 9, 0)


def posts(*rows: tuple[str, str, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["post_id", "title", "body", "body_state"])


def stored_of(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return read_post_sentiment(conn, schema=ML)


def run_and_store(conn, frame: pd.DataFrame, run_id: str):
    run = score_posts(frame, stored_of(conn), run_id=run_id, scored_at=AT)
    write_post_sentiment(conn, run.scored, keep=run.post_ids, schema=ML)
    return run


def table(conn) -> pd.DataFrame:
    return conn.execute(f"select * from {ML}.post_sentiment order by post_id").df()


def test_a_post_is_scored_on_its_title_and_its_body_while_it_has_one():
    assert scored_text("Title", "Body text", "text") == "Title\n\nBody text"
    # Removed, deleted, expired or empty posts keep their title, and only that is scored.
    for state in ("removed", "deleted", "expired", "empty"):
        assert scored_text("Title", None, state) == "Title"
    assert scored_text("  Title ", "   ", "text") == "Title"
    # A body the extract left behind on a removed post is not what a reader sees: ignored.
    assert scored_text("Title", "stale body", "removed") == "Title"


def test_the_text_hash_changes_with_any_edit():
    assert text_hash("Title\n\nBody") == text_hash("Title\n\nBody")
    assert text_hash("Title\n\nBody") != text_hash("Title\n\nBody!")
    assert len(text_hash("x")) == 64


def test_labels_follow_vaders_thresholds():
    assert [label(c) for c in (0.05, 0.0499, 0.0, -0.0499, -0.05, 0.9, -0.9)] == [
        "positive",
        "neutral",
        "neutral",
        "neutral",
        "negative",
        "positive",
        "negative",
    ]


def test_vader_reads_clearly_positive_and_negative_sentences_that_way():
    scores = score_texts(
        [
            "I am so happy and grateful, this is wonderful news!",
            "I feel terrible, everything is awful and I hate it.",
            "The thread is posted on Mondays.",
        ]
    )
    assert scores["label"].tolist() == ["positive", "negative", "neutral"]
    assert scores.loc[0, "compound"] > 0.5 and scores.loc[1, "compound"] < -0.5
    shares = scores[["negative", "neutral", "positive"]].sum(axis=1)
    assert shares.between(0.99, 1.01).all()
    # The model name stored with every score is the installed package.
    assert f"vaderSentiment {version('vaderSentiment')}" == MODEL


def test_the_fixture_labels_are_vaders():
    latest = fixture_rows().drop_duplicates("post_id", keep="last")
    texts = post_texts(latest)
    scored = dict(zip(texts["post_id"], score_texts(texts["text"])["label"], strict=True))
    assert scored == SENTIMENT_LABELS


def test_only_new_or_edited_texts_are_scored_again():
    conn = duckdb.connect()
    first = posts(
        ("a", "Feeling great today", "So happy", "text"),
        ("b", "Awful night", "I hate this", "text"),
    )
    run = run_and_store(conn, first, "run-1")
    assert (run.posts_scored, run.posts_reused) == (2, 0)
    stored = table(conn)
    assert list(stored.columns) == list(POST_SENTIMENT_COLUMNS)
    assert stored["label"].tolist() == ["positive", "negative"]
    assert set(stored["model"]) == {MODEL} and set(stored["run_id"]) == {"run-1"}

    # Unchanged: nothing is scored, and the table keeps the first run's rows.
    again = run_and_store(conn, first, "run-2")
    assert (again.posts_scored, again.posts_reused) == (0, 2)
    assert again.data_version == run.data_version
    pd.testing.assert_frame_equal(table(conn), stored)

    # b edited, a removed (scored on its title alone), c new.
    changed = posts(
        ("a", "Feeling great today", None, "removed"),
        ("b", "Awful night", "Actually it got better, I am fine now", "text"),
        ("c", "Monday thread", "Post here", "text"),
    )
    third = run_and_store(conn, changed, "run-3")
    assert (third.posts_scored, third.posts_reused) == (3, 0)
    assert third.data_version != run.data_version
    rows = table(conn).set_index("post_id")
    assert rows.loc["a", "text_hash"] == text_hash("Feeling great today")
    assert rows["run_id"].tolist() == ["run-3", "run-3", "run-3"]

    # One post left: the others' scores go with them.
    fourth = run_and_store(conn, changed[changed["post_id"] == "c"], "run-4")
    assert (fourth.posts_scored, fourth.posts_reused) == (0, 1)
    assert table(conn)["post_id"].tolist() == ["c"]


def test_a_new_model_scores_every_post_again():
    conn = duckdb.connect()
    frame = posts(("a", "Feeling great today", "So happy", "text"))
    run_and_store(conn, frame, "run-1")
    conn.execute(f"update {ML}.post_sentiment set model = 'vaderSentiment 3.3.1'")
    again = run_and_store(conn, frame, "run-2")
    assert (again.posts_scored, again.posts_reused) == (1, 0)
    assert table(conn)["model"].tolist() == [MODEL]


def test_no_posts_give_an_empty_table_with_the_contract_types():
    conn = duckdb.connect()
    run = run_and_store(conn, posts(), "run-1")
    assert (run.posts_scored, run.posts_reused) == (0, 0)
    types = conn.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = 'ml' and table_name = 'post_sentiment' order by ordinal_position"
    ).fetchall()
    assert [(name, typ) for name, typ, _ in types] == [
        (name, typ.split()[0]) for name, typ in POST_SENTIMENT_COLUMNS.items()
    ]
    assert {nullable for *_, nullable in types} == {"NO"}


def test_an_older_layout_is_scored_again_and_replaced():
    conn = duckdb.connect()
    conn.execute(f"create schema {ML}")
    conn.execute(f"create table {ML}.post_sentiment (post_id varchar, score double)")
    conn.execute(f"insert into {ML}.post_sentiment values ('a', 0.5)")
    assert stored_of(conn).empty
    run = run_and_store(conn, posts(("a", "Feeling great today", None, "empty")), "run-1")
    assert run.posts_scored == 1
    assert list(table(conn).columns) == list(POST_SENTIMENT_COLUMNS)


def test_a_failed_write_leaves_the_table_as_it_was():
    conn = duckdb.connect()
    run_and_store(conn, posts(("a", "Feeling great today", None, "empty")), "run-1")
    before = table(conn)
    bad = score_posts(
        posts(("b", "Awful night", None, "empty")), stored_of(conn), run_id="run-2", scored_at=AT
    ).scored.assign(label=None)  # violates NOT NULL
    with pytest.raises(duckdb.ConstraintException):
        write_post_sentiment(conn, bad, keep=["a", "b"], schema=ML)
    pd.testing.assert_frame_equal(table(conn), before)
    with pytest.raises(ValueError, match="contract"):
        write_post_sentiment(conn, bad.drop(columns="label"), keep=["a"], schema=ML)
