"""Themes and prompts on real r/mentalhealth posts (../shared; skipped when absent).

The file holds Reddit usernames in its author column. Its text is scrubbed here the way the
extract scrubs it, then every excerpt, term and prompt is checked for those names.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from extract.privacy import EXCERPT_MAX_CHARS, scrub_text
from ml_assets.insight_prompts import MAX_PROMPT_CHARS, theme_prompt
from ml_assets.insights import summarize_themes
from ml_assets.themes import build_themes
from tests.real_data import REAL_DATA_DIR, require

REDDIT_POSTS = REAL_DATA_DIR / "reddit_r_mentalhealth_2023_2024" / "mental_health_posts.csv"


@pytest.fixture(scope="module")
def real_posts() -> tuple[pd.DataFrame, set[str]]:
    raw = pd.read_csv(require(REDDIT_POSTS))
    created = pd.to_datetime(raw["created_utc"])
    posts = pd.DataFrame(
        {
            "post_id": raw["permalink"].str.split("/").str[4],
            "subreddit": raw["subreddit"].str.lower(),
            "title": raw["title"].map(scrub_text),
            "body": raw["selftext"].fillna("").map(scrub_text),
            "created_week": (created.dt.normalize() - pd.to_timedelta(created.dt.weekday, "D")),
        }
    )
    # Names that are unmistakably identifiers (digits, '_' or '-'), not ordinary words.
    names = {n.lower() for n in raw["author"].dropna() if re.search(r"[\d_-]", n) and len(n) > 5}
    return posts, names


def test_real_posts_give_private_bounded_deterministic_themes(real_posts):
    posts, names = real_posts
    run = build_themes(posts)
    themes = run.themes
    assert len(themes) > 50 and run.weeks > 50
    pd.testing.assert_frame_equal(build_themes(posts.sample(frac=1, random_state=3)).themes, themes)

    prompts = [theme_prompt(t) for t in themes.to_dict("records")]
    summaries = summarize_themes(themes, run_id="real").insights["summary"]
    texts = [*prompts, *summaries, *themes["top_terms"]]
    for text in themes["excerpts"]:
        excerpts = json.loads(text)
        assert all(len(e) <= EXCERPT_MAX_CHARS for e in excerpts)
        texts.extend(excerpts)
    assert all(len(p) <= MAX_PROMPT_CHARS for p in prompts)
    for text in texts:
        assert scrub_text(text) == text
        lowered = text.lower()
        assert not [name for name in names if name in lowered], text
    assert not set(posts["post_id"]) & {w for p in prompts for w in re.split(r"[\s\",.]+", p)}
