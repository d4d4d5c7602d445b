"""Themes per week × community: planted themes found, deterministic, bounded, private."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from extract.privacy import EXCERPT_MAX_CHARS, scrub_text
from ml_assets.themes import DOMAIN_STOP_WORDS, THEME_COLUMNS, ThemeSettings, build_themes
from tests.unit.ml.reddit_corpus import PERSONAL_DATA, PLANTED_THEMES, synthetic_posts

TWO_THEMES = {name: PLANTED_THEMES[name] for name in ("sleep", "work")}


@pytest.fixture(scope="module")
def corpus():
    return synthetic_posts(3_000, weeks=6, personal_share=0.05)


@pytest.fixture(scope="module")
def themes(corpus):
    posts, sentiment = corpus
    return build_themes(posts, sentiment, ThemeSettings(n_themes=5)).themes


def owner(term: str) -> set[str]:
    return {name for name, words in PLANTED_THEMES.items() if term in words}


def test_sleep_and_work_are_told_apart():
    posts, sentiment = synthetic_posts(600, weeks=4, themes=TWO_THEMES, seed=3)
    found = build_themes(posts, sentiment, ThemeSettings(n_themes=2)).themes
    last = found[found["week"] == found["week"].max()]
    for _, row in last.iterrows():
        terms = row["top_terms"].split(", ")
        assert {name for term in terms for name in owner(term)} in ({"sleep"}, {"work"}), terms
    # Both communities see both themes, and each theme's posts are mostly its planted ones.
    assert sorted(last.groupby("subreddit")["theme"].nunique()) == [2, 2]


def test_every_planted_theme_is_found_every_week(themes):
    for (_week, _subreddit), cell in themes.groupby(["week", "subreddit"]):
        found = [owner(row.split(", ")[0]) for row in cell["top_terms"]]
        assert all(len(names) == 1 for names in found), cell["top_terms"].tolist()
        assert set().union(*found) == set(PLANTED_THEMES)
        # The top terms of a theme come from one planted theme.
        for terms in cell["top_terms"]:
            assert len({n for t in terms.split(", ")[:5] for n in owner(t)}) == 1, terms


def test_theme_rows_follow_the_contract(themes, corpus):
    posts, _ = corpus
    assert list(themes.columns) == THEME_COLUMNS
    assert themes["share"].between(0, 1).all()
    # Shares are rounded to 4 places, so a week's sum may pass 1 by a little.
    assert (themes.groupby(["week", "subreddit"])["share"].sum() <= 1.001).all()
    # Theme 1 is the week's largest across communities; numbers are 1..k.
    assert themes["theme"].min() == 1
    weekly = posts.groupby(["created_week", "subreddit"]).size()
    for _, row in themes.iterrows():
        assert row["week_posts"] == weekly[(row["week"], row["subreddit"])]
    assert themes["prev_share"].isna().sum() == (themes["week"] == themes["week"].min()).sum()


def test_mean_sentiment_follows_the_planted_tone(themes):
    by_theme = {
        next(iter(owner(row["top_terms"].split(", ")[0]))): row["mean_sentiment"]
        for _, row in themes[themes["week"] == themes["week"].max()].iterrows()
    }
    assert by_theme["therapy"] > 0 > by_theme["school"] > by_theme["loneliness"]


def test_same_input_in_any_order_gives_identical_output(corpus, themes):
    posts, sentiment = corpus
    shuffled = posts.sample(frac=1, random_state=7)
    again = build_themes(shuffled, sentiment.sample(frac=1, random_state=8), ThemeSettings(5))
    pd.testing.assert_frame_equal(again.themes, themes)


def test_a_past_week_does_not_change_when_later_weeks_arrive(corpus, themes):
    posts, sentiment = corpus
    cut = date(2024, 1, 29)  # the fifth of six weeks
    earlier = build_themes(posts[posts["created_week"] <= cut], sentiment, ThemeSettings(5))
    expected = themes[themes["week"] <= cut].reset_index(drop=True)
    pd.testing.assert_frame_equal(earlier.themes, expected)


def test_excerpts_are_short_scrubbed_and_never_the_personal_data(themes):
    assert all(json.loads(text) for text in themes["excerpts"])
    for text in themes["excerpts"]:
        for excerpt in json.loads(text):
            assert len(excerpt) <= EXCERPT_MAX_CHARS
            assert scrub_text(excerpt) == excerpt
            assert not re.search(r"@\w|\d{3}[-. ]\d{3,4}|\bu/", excerpt), excerpt
            for personal in PERSONAL_DATA:
                assert "example.org" not in excerpt and personal not in excerpt
    placeholders = "".join(themes["excerpts"])
    assert "[email]" in placeholders or "[phone]" in placeholders or "[username]" in placeholders


def test_top_terms_leave_out_words_every_post_uses(themes):
    terms = {t for row in themes["top_terms"] for t in row.split(", ")}
    assert not terms & DOMAIN_STOP_WORDS
    assert not terms & {"the", "and", "feel", "just", "email", "username", "phone"}


def test_small_weeks_and_small_themes():
    posts, sentiment = synthetic_posts(400, weeks=4, seed=5)
    # A lone week far from the others: its window holds 3 posts, too few for a model.
    lone = posts.head(3).assign(created_week=date(2023, 6, 5))
    run = build_themes(pd.concat([posts.iloc[3:], lone]), sentiment, ThemeSettings(n_themes=5))
    assert run.weeks_without_themes == ["2023-06-05"]
    assert date(2023, 6, 5) not in set(run.themes["week"])
    # A theme of fewer than min_theme_posts posts in a week × community is not reported.
    assert (run.themes["n_posts"] >= 5).all()


def test_crowded_cells_are_sampled_and_counts_scaled():
    posts, sentiment = synthetic_posts(1_200, weeks=2, subreddits=("anxiety",), seed=2)
    run = build_themes(posts, sentiment, ThemeSettings(n_themes=5, max_posts_per_cell=300))
    assert run.posts_analysed == 600 and run.cells_sampled == 2
    assert run.themes["sampled"].all()
    per_cell = run.themes.groupby("week")
    assert (per_cell["n_posts"].sum() <= per_cell["week_posts"].first() + 5).all()
    assert (per_cell["n_posts"].sum() > per_cell["week_posts"].first() * 0.8).all()


def test_no_posts_no_themes():
    posts, sentiment = synthetic_posts(10, weeks=1)
    run = build_themes(posts.head(0), sentiment.head(0))
    assert run.themes.empty and list(run.themes.columns) == THEME_COLUMNS
