"""Insights without an LLM, the prompts, and the insight tables with their cache."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from extract.privacy import EXCERPT_MAX_CHARS, scrub_text
from ml_assets.insight_prompts import (
    MAX_PROMPT_CHARS,
    SYSTEM_INSTRUCTION,
    request_hash,
    theme_prompt,
)
from ml_assets.insight_tables import (
    LLM_CACHE_COLUMNS,
    REDDIT_INSIGHT_CELL_COLUMNS,
    REDDIT_INSIGHT_COLUMNS,
    read_cached_summaries,
    write_insight_tables,
)
from ml_assets.insights import deterministic_summary, summarize_themes
from ml_assets.themes import ThemeSettings, build_themes
from tests.unit.ml.reddit_corpus import PERSONAL_DATA, synthetic_posts

NOW = datetime(2024, 6, 1, 12, 0)
NO_CELLS = pd.DataFrame(columns=list(REDDIT_INSIGHT_CELL_COLUMNS))


@pytest.fixture(scope="module")
def corpus():
    return synthetic_posts(1_500, weeks=4, personal_share=0.1, seed=11)


@pytest.fixture(scope="module")
def themes(corpus):
    posts, sentiment = corpus
    return build_themes(posts, sentiment, ThemeSettings(n_themes=5)).themes


def test_without_an_llm_every_row_is_deterministic_and_says_so(themes):
    run = summarize_themes(themes, run_id="r1", created_at=NOW)
    assert list(run.insights.columns) == list(REDDIT_INSIGHT_COLUMNS)
    assert len(run.insights) == len(themes)
    assert run.generators == {"deterministic": len(themes)}
    assert run.llm_calls == 0 and run.cache_hits == 0 and run.new_cache.empty
    for summary in run.insights["summary"]:
        assert summary.endswith("(Computed from the theme's figures; no language model.)")
    # Same input, same rows (summaries and input hashes).
    again = summarize_themes(themes.sample(frac=1, random_state=1), run_id="r1", created_at=NOW)
    pd.testing.assert_frame_equal(again.insights, run.insights)


def test_the_deterministic_summary_reads_the_figures():
    row = {
        "week": "2024-06-17",
        "subreddit": "anxiety",
        "theme": 1,
        "top_terms": "job, boss, shift, deadline, office, salary",
        "n_posts": 57,
        "share": 0.2327,
        "mean_sentiment": -0.4227,
        "excerpts": "[]",
        "week_posts": 245,
        "sampled": False,
        "prev_share": 0.1901,
        "prev_week_posts": 230,
    }
    text = deterministic_summary(row)
    assert text.startswith(
        "Posts in r/anxiety in the week of 2024-06-17 on job, boss, shift, deadline, office: "
        "57 of 245 posts (23.3%), up from 19.0% the week before. Their tone was negative"
    )
    assert "-0.42" in text and "salary" not in text and "tentative" not in text
    thin = deterministic_summary({**row, "n_posts": 6, "prev_share": float("nan")})
    assert "no posts the week before" in thin and "tentative" in thin
    same = deterministic_summary({**row, "prev_share": 0.225, "sampled": True})
    assert "about 57 of 245" in same and "about the same share" in same


def test_prompts_carry_themes_never_people(corpus, themes):
    posts, _ = corpus
    ids = set(posts["post_id"])
    authors = set(posts["author_hash"])
    for theme in themes.to_dict("records"):
        prompt = theme_prompt(theme)
        assert len(prompt) <= MAX_PROMPT_CHARS
        assert f"r/{theme['subreddit']}" in prompt and theme["top_terms"] in prompt
        assert scrub_text(prompt) == prompt  # nothing left for the scrubber to find
        for personal in PERSONAL_DATA:
            assert personal not in prompt
        words = set(prompt.replace('"', " ").replace(",", " ").split())
        assert not words & ids and not words & authors
        excerpts = [line for line in prompt.splitlines() if line[:3] in ("1. ", "2. ", "3. ")]
        assert 1 <= len(excerpts) <= 3
        assert all(len(line) <= EXCERPT_MAX_CHARS + 5 for line in excerpts)


def test_the_instructions_forbid_diagnosing_and_describing_people():
    text = SYSTEM_INSTRUCTION.lower()
    for rule in ("never individual people", "do not diagnose", '"depressed\n  people"',
                 "only the numbers given", "never describe methods"):  # fmt: skip
        assert rule in text, rule


def test_a_prompt_stays_bounded_however_long_its_inputs(themes):
    theme = themes.iloc[0].to_dict()
    huge = {**theme, "excerpts": json.dumps(["word " * 500] * 10), "top_terms": "x" * 500}
    prompt = theme_prompt(huge)
    assert len(prompt) <= MAX_PROMPT_CHARS
    assert prompt.count("…") == 3  # three excerpts, each cut to 200 characters


def test_the_request_hash_changes_with_model_and_prompt(themes):
    prompt = theme_prompt(themes.iloc[0].to_dict())
    key = request_hash("gemini-2.5-flash", prompt)
    assert key == request_hash("gemini-2.5-flash", prompt)
    assert key != request_hash("gemini-2.5-pro", prompt)
    assert key != request_hash("gemini-2.5-flash", prompt + "!")


def cache_entry(key: str, summary: str) -> dict:
    return {"input_hash": key, "generator": "gemini:m", "prompt_version": "v",
            "summary": summary, "run_id": "r", "created_at": NOW}  # fmt: skip


def test_insights_are_replaced_and_the_cache_only_grows(tmp_path, themes):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    run = summarize_themes(themes, run_id="r1", created_at=NOW)
    cache = pd.DataFrame([cache_entry("a", "first"), cache_entry("b", "second")])
    assert write_insight_tables(conn, run.insights, cache, NO_CELLS, schema="ml") == {
        "reddit_insights": len(themes),
        "reddit_insight_cells": 0,
        "llm_cache": 2,
    }
    # A second run: fewer rows replace the table; a known key is not added twice.
    more = pd.DataFrame([cache_entry("b", "other"), cache_entry("c", "third")])
    written = write_insight_tables(conn, run.insights.head(3), more, NO_CELLS, schema="ml")
    assert written == {"reddit_insights": 3, "reddit_insight_cells": 0, "llm_cache": 1}
    assert read_cached_summaries(conn, schema="ml", input_hashes=["a", "b", "c", "z"]) == {
        "a": "first",
        "b": "second",
        "c": "third",
    }
    described = conn.execute("describe ml.reddit_insights").fetchall()
    assert {name: kind for name, kind, *_ in described} == REDDIT_INSIGHT_COLUMNS
    stored = conn.execute("select excerpts from ml.reddit_insights").fetchall()
    assert all(isinstance(json.loads(text), list) for (text,) in stored)


def test_a_failed_write_leaves_both_tables_as_they_were(tmp_path, themes):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    run = summarize_themes(themes, run_id="r1", created_at=NOW)
    first = pd.DataFrame([cache_entry("a", "x")])
    write_insight_tables(conn, run.insights, first, NO_CELLS, schema="ml")
    broken = run.insights.assign(week="not a date")
    with pytest.raises(duckdb.Error):
        write_insight_tables(
            conn, broken, pd.DataFrame([cache_entry("b", "y")]), NO_CELLS, schema="ml"
        )
    assert conn.execute("select count(*) from ml.reddit_insights").fetchone()[0] == len(themes)
    assert conn.execute("select input_hash from ml.llm_cache").fetchall() == [("a",)]


def test_no_cache_yet_means_no_cached_answers(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert read_cached_summaries(conn, schema="ml", input_hashes=["a"]) == {}
    assert list(LLM_CACHE_COLUMNS)[0] == "input_hash"
