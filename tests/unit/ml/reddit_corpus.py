"""Synthetic Reddit posts in marts.fct_reddit_posts columns, with planted themes.

Each post is drawn from one planted theme (its own words) mixed with words every mental-health
community uses and ordinary English, so a topic model has to find the themes under the shared
vocabulary. A few posts carry personal data (an e-mail address, a phone number, a u/name) the way
a scrubber might miss it upstream, so the tests can check that nothing reaches an excerpt or a
prompt. Deterministic: the same arguments give the same frame.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

PLANTED_THEMES: dict[str, tuple[str, ...]] = {
    "sleep": ("sleep", "insomnia", "night", "awake", "tired", "nightmares", "bed", "melatonin",
              "rest", "exhausted", "hours", "dreams"),
    "work": ("job", "boss", "work", "burnout", "deadline", "office", "coworkers", "career",
             "salary", "shift", "manager", "workload"),
    "loneliness": ("lonely", "friends", "alone", "isolated", "talk", "nobody", "social",
                   "connection", "weekend", "texts", "group", "invite"),
    "school": ("exams", "school", "grades", "college", "teacher", "homework", "class",
               "semester", "study", "finals", "university", "assignment"),
    "therapy": ("therapist", "therapy", "session", "appointment", "medication", "psychiatrist",
                "prescribed", "dose", "waitlist", "insurance", "sessions", "counselor"),
}  # fmt: skip
# Words every community uses whatever the theme: the model must look past them.
SHARED_WORDS = ("feel", "feeling", "anxiety", "really", "just", "know", "want", "help",
                "mental", "health", "life", "day", "people", "think", "time", "lot", "stress",
                "struggling", "anyone", "better", "worse", "advice", "week")  # fmt: skip
FILLER_WORDS = ("the", "and", "a", "to", "of", "it", "is", "that", "in", "my", "but", "so",
                "with", "for", "this", "have", "been", "about", "when", "what")  # fmt: skip
PERSONAL_DATA = (
    "email me at jane.doe@example.org",
    "call 555-123-4567 if you can",
    "thanks u/throwaway_4821 for the advice",
    "text +44 20 7946 0958 anytime",
    "I am @quiet_river on there",
)
THEME_SENTIMENT = {"sleep": -0.3, "work": -0.4, "loneliness": -0.5, "school": -0.2, "therapy": 0.2}


def synthetic_posts(
    n_posts: int,
    *,
    weeks: int = 8,
    subreddits: tuple[str, ...] = ("mentalhealth", "anxiety"),
    first_week: date = date(2024, 1, 1),
    themes: dict[str, tuple[str, ...]] = PLANTED_THEMES,
    theme_weights: dict[str, float] | None = None,
    personal_share: float = 0.02,
    words_per_body: int = 50,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(posts, sentiment) in the columns of marts.fct_reddit_posts and ml.post_sentiment.

    Each post also carries its planted theme in ``planted`` (not a mart column) so tests can
    compare what the model found with what was planted.
    """
    rng = np.random.default_rng(seed)
    names = list(themes)
    weights = np.array([(theme_weights or {}).get(name, 1.0) for name in names], dtype=float)
    planted = rng.choice(len(names), size=n_posts, p=weights / weights.sum())
    week_index = rng.integers(0, weeks, size=n_posts)
    subreddit = rng.integers(0, len(subreddits), size=n_posts)

    # Per post: 40 % theme words, 35 % shared words, 25 % filler, in a shuffled order.
    n_theme = int(words_per_body * 0.4)
    n_shared = int(words_per_body * 0.35)
    n_filler = words_per_body - n_theme - n_shared
    shared = np.array(SHARED_WORDS)[rng.integers(0, len(SHARED_WORDS), (n_posts, n_shared))]
    filler = np.array(FILLER_WORDS)[rng.integers(0, len(FILLER_WORDS), (n_posts, n_filler))]
    theme_words = np.empty((n_posts, n_theme), dtype=object)
    for index, name in enumerate(names):
        rows = planted == index
        vocab = np.array(themes[name], dtype=object)
        theme_words[rows] = vocab[rng.integers(0, len(vocab), (int(rows.sum()), n_theme))]
    words = np.concatenate([theme_words, shared, filler], axis=1)
    order = rng.permuted(np.tile(np.arange(words.shape[1]), (n_posts, 1)), axis=1)
    words = np.take_along_axis(words, order, axis=1)
    bodies = [" ".join(row) for row in words]
    titles = [" ".join(row[:6]).capitalize() for row in words[:, ::7]]

    personal = np.flatnonzero(rng.random(n_posts) < personal_share)
    for i, post in enumerate(personal):
        bodies[post] = f"{PERSONAL_DATA[i % len(PERSONAL_DATA)]} {bodies[post]}"
        if i % 2:  # some titles too
            titles[post] = f"{PERSONAL_DATA[(i + 1) % len(PERSONAL_DATA)]} {titles[post]}"

    mondays = pd.to_datetime([first_week + timedelta(weeks=int(w)) for w in range(weeks)])
    created_week = mondays[week_index]
    created_utc = created_week + pd.to_timedelta(rng.integers(0, 7 * 86400, n_posts), unit="s")
    post_id = [np.base_repr(10_000_000 + i * 7919, 36).lower() for i in range(n_posts)]
    body_state = np.where(rng.random(n_posts) < 0.03, "removed", "text")
    body = pd.Series(bodies, dtype=object).where(body_state == "text", None)
    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "subreddit": np.array(subreddits)[subreddit],
            "title": titles,
            "body": body,
            "body_state": body_state,
            "author_hash": [f"ah{(i * 104729) % 999_983:06d}" for i in range(n_posts)],
            "created_utc": created_utc,
            "created_week": created_week.date,
            "score": rng.integers(0, 500, n_posts),
            "num_comments": rng.integers(0, 80, n_posts),
            "title_length": [len(t) for t in titles],
            "body_length": [len(b) if b is not None else None for b in body],
            "planted": np.array(names)[planted],
        }
    )
    mean = np.array([THEME_SENTIMENT.get(name, 0.0) for name in names])[planted]
    compound = np.clip(mean + rng.normal(0, 0.3, n_posts), -1, 1).round(4)
    sentiment = pd.DataFrame(
        {
            "post_id": post_id,
            "text_hash": [f"th{i}" for i in range(n_posts)],
            "compound": compound,
            "negative": np.clip(-compound, 0, 1),
            "neutral": 0.5,
            "positive": np.clip(compound, 0, 1),
            "label": np.where(compound >= 0.05, "positive", "negative"),
            "model": "vader",
            "run_id": "test",
            "scored_at": pd.Timestamp("2024-06-01"),
        }
    )
    return posts, sentiment
