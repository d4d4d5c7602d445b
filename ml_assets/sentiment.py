"""Sentiment of Reddit posts with VADER, scored once per text.

A post is scored on what a reader sees of it: its title, followed by its body when the body is
still there (``body_state = 'text'``). A removed, deleted or expired post keeps its title, so
it is scored on the title alone. Each score is stored with the sha256 of the text it was
computed from and the model that computed it; a later run scores only the posts whose text (an
edit, a removal) or model changed, and takes the rest as they are.

Labels follow VADER's own convention: compound >= 0.05 is positive, <= -0.05 negative, and
anything between is neutral. Labels describe the text of a post, never the person who wrote it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pandas as pd

from ml_assets.ml_tables import POST_SENTIMENT_COLUMNS

MODEL = "vaderSentiment 3.3.2"
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
LABELS = ("negative", "neutral", "positive")
POST_COLUMNS = ("post_id", "title", "body", "body_state")


def scored_text(title: str, body: str | None, body_state: str) -> str:
    """The text a post is scored on: title, plus the body when the post still has one."""
    title = (title or "").strip()
    body = (body or "").strip() if body_state == "text" else ""
    return f"{title}\n\n{body}" if body else title


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def label(compound: float) -> str:
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


@cache
def _analyzer():
    # Imported when something is scored: loading the code location stays free of it.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_texts(texts: Iterable[str]) -> pd.DataFrame:
    """VADER's compound, negative, neutral and positive scores and the label, one row per text."""
    analyzer = _analyzer()
    rows = []
    for text in texts:
        scores = analyzer.polarity_scores(text)
        rows.append(
            {
                "compound": scores["compound"],
                "negative": scores["neg"],
                "neutral": scores["neu"],
                "positive": scores["pos"],
                "label": label(scores["compound"]),
            }
        )
    return pd.DataFrame(rows, columns=["compound", "negative", "neutral", "positive", "label"])


def post_texts(posts: pd.DataFrame) -> pd.DataFrame:
    """post_id, the text each post is scored on, and its hash."""
    missing = [c for c in POST_COLUMNS if c not in posts.columns]
    if missing:
        raise ValueError(f"posts lack column(s) {missing}; pass rows of marts.fct_reddit_posts")
    texts = [
        scored_text(title, None if pd.isna(body) else body, state)
        for title, body, state in zip(
            posts["title"], posts["body"], posts["body_state"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "post_id": posts["post_id"].astype(str).to_numpy(),
            "text": texts,
            "text_hash": [text_hash(text) for text in texts],
        },
        dtype="object",  # text columns even when there is no post
    )


@dataclass(frozen=True)
class SentimentRun:
    scored: pd.DataFrame  # new rows of ml.post_sentiment, in the contract's column order
    post_ids: list[str]  # every post the table must hold a score for after this run
    posts_scored: int
    posts_reused: int
    data_version: str  # one hash over every post's text hash and the model


def score_posts(
    posts: pd.DataFrame, stored: pd.DataFrame, *, run_id: str, scored_at: datetime
) -> SentimentRun:
    """Score the posts whose text or model differs from what `stored` holds for them.

    `posts` are rows of marts.fct_reddit_posts (post_id, title, body, body_state); `stored` the
    post_id, text_hash and model of every score already in ml.post_sentiment.
    """
    texts = post_texts(posts)
    if texts["post_id"].duplicated().any():
        raise ValueError("posts must hold each post_id once (marts.fct_reddit_posts is unique)")
    known = stored.loc[stored["model"] == MODEL, ["post_id", "text_hash"]].astype("object")
    current = texts.merge(known, on=["post_id", "text_hash"], how="left", indicator=True)
    fresh = current.loc[current["_merge"] == "left_only", ["post_id", "text", "text_hash"]]
    scores = score_texts(fresh["text"])
    scored = pd.DataFrame(
        {
            "post_id": fresh["post_id"].to_numpy(),
            "text_hash": fresh["text_hash"].to_numpy(),
            **{column: scores[column].to_numpy() for column in scores.columns},
            "model": MODEL,
            "run_id": run_id,
            "scored_at": scored_at,
        },
        index=range(len(fresh)),
    )[list(POST_SENTIMENT_COLUMNS)]
    return SentimentRun(
        scored=scored,
        post_ids=texts["post_id"].tolist(),
        posts_scored=len(fresh),
        posts_reused=len(texts) - len(fresh),
        data_version=_data_version(texts),
    )


def _data_version(texts: pd.DataFrame) -> str:
    """What the table's scores are a function of: each post's text hash, and the model."""
    digest = hashlib.sha256(MODEL.encode())
    for post_id, hashed in sorted(zip(texts["post_id"], texts["text_hash"], strict=True)):
        digest.update(f"\n{post_id}\x1f{hashed}".encode())
    return digest.hexdigest()
