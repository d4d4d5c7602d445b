"""Gemini summaries through the real google-genai client, against a local Gemini stub.

Checked on the server side: what the client sent (model, key header, system instruction,
prompt); and on ours: labels, cache, call cap, retries, fallbacks and configuration errors.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from extract.privacy import scrub_text
from ml_assets.gemini import GeminiConfig, GeminiConfigurationError
from ml_assets.insight_prompts import MAX_PROMPT_CHARS, SYSTEM_INSTRUCTION
from ml_assets.insight_tables import (
    REDDIT_INSIGHT_CELL_COLUMNS,
    read_cached_summaries,
    write_insight_tables,
)
from ml_assets.insights import CALL_CAP, GEMINI_ERROR, MAX_CONSECUTIVE_FAILURES, summarize_themes
from ml_assets.themes import ThemeSettings, build_themes
from tests.unit.ml.gemini_stub import GOOD_KEY, GeminiStub, stub_config
from tests.unit.ml.reddit_corpus import PERSONAL_DATA, synthetic_posts

NOW = datetime(2024, 6, 1, 12, 0)
MODEL = "gemini-test"
ATTEMPTS = 3


@pytest.fixture(scope="module")
def corpus():
    return synthetic_posts(800, weeks=3, personal_share=0.1, seed=21)


@pytest.fixture(scope="module")
def themes(corpus):
    posts, sentiment = corpus
    return build_themes(posts, sentiment, ThemeSettings(n_themes=3)).themes


def config(stub: GeminiStub, **overrides) -> GeminiConfig:
    return stub_config(stub, **{"model": MODEL, "max_calls": 50, "attempts": ATTEMPTS, **overrides})


def test_each_theme_is_summarized_by_gemini_from_scrubbed_facts(stub, themes, corpus):
    posts, _ = corpus
    stub.answer = "Posts discuss {terms}. Contact me at jane@example.org or 555-123-4567."
    run = summarize_themes(themes, run_id="r1", gemini=config(stub), created_at=NOW)

    assert run.generators == {f"gemini:{MODEL}": len(themes)}
    assert run.llm_calls == len(stub.requests) == len(themes)
    # What left the machine: the model in the path, the key in a header, our instructions.
    for request in stub.requests:
        assert request.model == MODEL
        assert request.headers["x-goog-api-key"] == GOOD_KEY
        assert request.system == SYSTEM_INSTRUCTION
        assert request.body["generationConfig"]["temperature"] == 0.2
        prompt = request.prompt
        assert len(prompt) <= MAX_PROMPT_CHARS
        assert scrub_text(prompt) == prompt
        assert not any(personal in prompt for personal in PERSONAL_DATA)
        words = set(re.split(r"[\s\",.:()]+", prompt))
        assert not words & set(posts["post_id"]) and not words & set(posts["author_hash"])
        assert GOOD_KEY not in prompt
    # The answer is stored scrubbed and labelled; the cache entries are the new answers.
    for row in run.insights.itertuples():
        assert row.summary.startswith("Posts discuss " + row.top_terms)
        assert "[email]" in row.summary and "[phone]" in row.summary
    assert sorted(run.new_cache["input_hash"]) == sorted(run.insights["input_hash"])


def test_an_excerpt_that_escaped_scrubbing_is_scrubbed_before_it_is_sent(stub, themes):
    raw = ["mail jane.doe@example.org", "u/throwaway_4821 said call 555-123-4567"]
    leaky = themes.head(1).assign(excerpts=json.dumps(raw))
    summarize_themes(leaky, run_id="r1", gemini=config(stub))
    [request] = stub.requests
    assert '1. "mail [email]"' in request.prompt
    assert '2. "[username] said call [phone]"' in request.prompt


def test_a_second_run_takes_every_answer_from_the_cache(stub, themes, tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))

    def cached(hashes):
        return read_cached_summaries(conn, schema="ml", input_hashes=hashes)

    first = summarize_themes(themes, run_id="r1", gemini=config(stub), cached=cached)
    no_cells = pd.DataFrame(columns=list(REDDIT_INSIGHT_CELL_COLUMNS))
    write_insight_tables(conn, first.insights, first.new_cache, no_cells, schema="ml")
    calls = len(stub.requests)
    second = summarize_themes(themes, run_id="r2", gemini=config(stub), cached=cached)

    assert len(stub.requests) == calls == len(themes)  # no call at all
    assert second.llm_calls == 0 and second.cache_hits == len(themes)
    assert second.generators == {f"cache:gemini:{MODEL}": len(themes)}
    assert second.new_cache.empty
    assert list(second.insights["summary"]) == list(first.insights["summary"])
    assert list(second.insights["input_hash"]) == list(first.insights["input_hash"])
    # Another model is another request: nothing cached for it.
    third = summarize_themes(
        themes, run_id="r3", gemini=config(stub, model="gemini-2.5-flash", max_calls=0),
        cached=cached,
    )  # fmt: skip
    assert third.cache_hits == 0 and third.generators == {CALL_CAP: len(themes)}


def test_the_call_cap_spends_its_calls_on_the_newest_week(stub, themes):
    run = summarize_themes(themes, run_id="r1", gemini=config(stub, max_calls=2))
    assert run.llm_calls == len(stub.requests) == 2
    assert run.generators == {f"gemini:{MODEL}": 2, CALL_CAP: len(themes) - 2}
    called = run.insights[run.insights["generator"] == f"gemini:{MODEL}"]
    assert set(called["week"]) == {themes["week"].max()}
    capped = run.insights[run.insights["generator"] == CALL_CAP]
    assert capped["summary"].str.contains("no language model").all()


def test_a_rate_limit_is_retried_and_then_answered(stub, themes):
    stub.queue.extend([429, 503])
    run = summarize_themes(themes.head(1), run_id="r1", gemini=config(stub))
    assert len(stub.requests) == 3  # 429, 503, then the answer: one logical call
    assert run.llm_calls == 1 and run.generators == {f"gemini:{MODEL}": 1}
    assert run.errors == {}


def test_a_failing_service_falls_back_and_stops_calling(stub, themes):
    stub.default = 500
    run = summarize_themes(themes, run_id="r1", gemini=config(stub))
    # Each call tried ATTEMPTS times; after MAX_CONSECUTIVE_FAILURES calls no more.
    assert run.llm_calls == MAX_CONSECUTIVE_FAILURES
    assert len(stub.requests) == MAX_CONSECUTIVE_FAILURES * ATTEMPTS
    assert run.generators == {GEMINI_ERROR: len(themes)}
    assert run.errors == {
        "Gemini call failed: 500 INTERNAL: An internal error has occurred.": 3,
        "not called after 3 failed calls in a row": len(themes) - 3,
    }
    assert run.insights["summary"].str.contains("no language model").all()
    assert run.new_cache.empty  # failures are never cached


def test_a_blocked_or_empty_answer_falls_back_for_that_row(stub, themes):
    stub.empty_answer = True
    run = summarize_themes(themes.head(2), run_id="r1", gemini=config(stub))
    assert run.generators == {GEMINI_ERROR: 2}
    assert run.errors == {"empty answer (finish reason: FinishReason.SAFETY)": 2}


def test_an_unreachable_service_falls_back(themes):
    unreachable = GeminiConfig(api_key=GOOD_KEY, base_url="http://127.0.0.1:9", attempts=1)
    run = summarize_themes(themes.head(1), run_id="r1", gemini=unreachable)
    assert run.generators == {GEMINI_ERROR: 1}
    assert "ConnectError" in next(iter(run.errors))


@pytest.mark.parametrize(
    ("overrides", "status", "fix"),
    [
        ({"api_key": "not-a-key"}, None, "GEMINI_API_KEY"),  # 400 API_KEY_INVALID
        ({}, 403, "GEMINI_API_KEY"),
        ({"model": "gemini-nonexistent"}, None, "MINDPULSE_GEMINI_MODEL"),  # 404
    ],
)
def test_a_rejected_key_or_unknown_model_stops_the_run(stub, themes, overrides, status, fix):
    if status:
        stub.default = status
    with pytest.raises(GeminiConfigurationError, match=fix) as raised:
        summarize_themes(themes, run_id="r1", gemini=config(stub, **overrides))
    assert len(stub.requests) == 1  # not retried, not repeated for every theme
    assert "not-a-key" not in str(raised.value) and GOOD_KEY not in str(raised.value)


def test_the_key_never_shows_in_the_config_repr(stub):
    assert GOOD_KEY not in repr(config(stub))
