"""A summary for every theme row, each labelled with what wrote it.

Without an LLM configured every summary is the deterministic one: built from the theme's terms,
volume, change against the previous week and sentiment, and labelled ``deterministic``; it
never reads as if a model had written it. With Gemini configured, each row's request (model +
prompt, see ``ml_assets.insight_prompts``) is hashed; a response stored under that hash is used
as it is (``cache:gemini:<model>``), otherwise Gemini is called (``gemini:<model>``), newest
week first, until the run's call cap. Rows past the cap, and rows whose call failed, get the
deterministic summary under a label that says why (``deterministic:call-cap``,
``deterministic:gemini-error``); the errors themselves are returned for the asset's metadata.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from extract.privacy import scrub_text
from ml_assets.gemini import GeminiCallFailed, GeminiConfig, generate, make_client
from ml_assets.insight_prompts import (
    GENERATION_SETTINGS,
    MAX_SUMMARY_CHARS,
    PROMPT_VERSION,
    SYSTEM_INSTRUCTION,
    request_hash,
    theme_prompt,
)
from ml_assets.insight_tables import LLM_CACHE_COLUMNS, REDDIT_INSIGHT_COLUMNS
from ml_assets.reuse import combined_hash
from ml_assets.themes import THEME_COLUMNS, THEME_VERSION

DETERMINISTIC_VERSION = "deterministic-summary/v1"
# The assets' code version: any change to themes, prompts or the template changes it.
INSIGHT_VERSION = f"{THEME_VERSION}+{PROMPT_VERSION}+{DETERMINISTIC_VERSION}"
DETERMINISTIC = "deterministic"
CALL_CAP = "deterministic:call-cap"
GEMINI_ERROR = "deterministic:gemini-error"
# After this many failed calls in a row the service is taken to be down for this run: the
# remaining rows fall back without waiting through every call's retries.
MAX_CONSECUTIVE_FAILURES = 3
# Within 2 percentage points a theme's share is "about the same" as the week before.
SAME_SHARE = 0.02

logger = logging.getLogger(__name__)

# request hashes -> stored summaries (ml_assets.insight_tables.read_cached_summaries)
CachedSummaries = Callable[[list[str]], dict[str, str]]


@dataclass
class InsightRun:
    insights: pd.DataFrame
    new_cache: pd.DataFrame  # responses received in this run, to add to ml.llm_cache
    llm_calls: int = 0
    cache_hits: int = 0
    generators: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # error message -> rows

    @property
    def data_version(self) -> str:
        return combined_hash(list(self.insights["input_hash"]))


def summarize_themes(
    themes: pd.DataFrame,
    *,
    run_id: str,
    gemini: GeminiConfig | None = None,
    cached: CachedSummaries | None = None,
    created_at: datetime | None = None,
    client=None,
) -> InsightRun:
    """ml.reddit_insights rows for ``ml_assets.themes`` rows; Gemini only when configured."""
    created_at = created_at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    # Newest week first: when the call cap binds, the week readers look at gets the LLM.
    ordered = themes.sort_values(
        ["week", "subreddit", "theme"], ascending=[False, True, True], kind="stable"
    ).to_dict("records")
    run = InsightRun(insights=pd.DataFrame(), new_cache=pd.DataFrame(columns=LLM_CACHE_COLUMNS))
    stamp = {"run_id": run_id, "created_at": created_at}
    if gemini is None:
        summaries = [
            (deterministic_summary(t), DETERMINISTIC, deterministic_hash(t)) for t in ordered
        ]
    else:
        summaries = _gemini_summaries(ordered, gemini, cached, client, run, stamp)
    rows = [
        {
            **{column: theme[column] for column in REDDIT_INSIGHT_COLUMNS if column in theme},
            "summary": summary,
            "generator": generator,
            "input_hash": input_hash,
            **stamp,
        }
        for theme, (summary, generator, input_hash) in zip(ordered, summaries, strict=True)
    ]
    insights = pd.DataFrame(rows, columns=list(REDDIT_INSIGHT_COLUMNS))
    run.insights = insights.sort_values(["week", "subreddit", "theme"], kind="stable")
    run.insights = run.insights.reset_index(drop=True)
    run.generators = dict(sorted(Counter(g for _, g, _ in summaries).items()))
    return run


def _gemini_summaries(ordered, gemini: GeminiConfig, cached, client, run: InsightRun, stamp):
    """(summary, generator, input_hash) per theme; counts calls, hits and errors on ``run``."""
    prompts = [theme_prompt(t) for t in ordered]
    keys = [request_hash(gemini.model, prompt) for prompt in prompts]
    stored = cached(sorted(set(keys))) if cached and keys else {}
    summaries: list[tuple[str, str, str]] = []
    errors: Counter[str] = Counter()
    new_cache: list[dict] = []
    failures_in_a_row = 0
    for theme, prompt, key in zip(ordered, prompts, keys, strict=True):
        if key in stored:
            run.cache_hits += 1
            summaries.append((stored[key], f"cache:{gemini.generator}", key))
            continue
        fallback = (deterministic_summary(theme), deterministic_hash(theme))
        if run.llm_calls >= gemini.max_calls:
            summaries.append((fallback[0], CALL_CAP, fallback[1]))
            continue
        if failures_in_a_row >= MAX_CONSECUTIVE_FAILURES:
            errors[f"not called after {MAX_CONSECUTIVE_FAILURES} failed calls in a row"] += 1
            summaries.append((fallback[0], GEMINI_ERROR, fallback[1]))
            continue
        client = client or make_client(gemini)
        run.llm_calls += 1
        try:
            text = generate(
                client, gemini, system=SYSTEM_INSTRUCTION, prompt=prompt,
                settings=GENERATION_SETTINGS,
            )  # fmt: skip
        except GeminiCallFailed as error:
            failures_in_a_row += 1
            errors[str(error)] += 1
            logger.warning("Gemini summary failed, deterministic one used: %s", error)
            summaries.append((fallback[0], GEMINI_ERROR, fallback[1]))
            continue
        failures_in_a_row = 0
        stored[key] = text = clean_summary(text)  # a second row with this request: no call
        new_cache.append({"input_hash": key, "generator": gemini.generator,
                          "prompt_version": PROMPT_VERSION, "summary": text, **stamp})  # fmt: skip
        summaries.append((text, gemini.generator, key))
    run.new_cache = pd.DataFrame(new_cache, columns=list(LLM_CACHE_COLUMNS))
    run.errors = dict(errors)
    return summaries


def deterministic_summary(theme: Mapping) -> str:
    """A plain-language summary from the theme's numbers; it names its own source."""
    terms = ", ".join(str(theme["top_terms"]).split(", ")[:5])
    approx = "about " if theme["sampled"] else ""
    text = (
        f"Posts in r/{theme['subreddit']} in the week of {theme['week']} on {terms}: "
        f"{approx}{theme['n_posts']} of {theme['week_posts']} posts ({theme['share']:.1%})"
    )
    prev = theme["prev_share"]
    if not _is_number(prev):
        text += "; the community had no posts the week before to compare with."
    elif abs(theme["share"] - prev) < SAME_SHARE:
        text += f", about the same share as the week before ({prev:.1%})."
    else:
        direction = "up" if theme["share"] > prev else "down"
        text += f", {direction} from {prev:.1%} the week before."
    sentiment = theme["mean_sentiment"]
    if _is_number(sentiment):
        tone = "negative" if sentiment <= -0.05 else "positive" if sentiment >= 0.05 else "neutral"
        text += (
            f" Their tone was {tone} on average (mean sentiment {sentiment:+.2f} on a scale "
            "from -1 to +1)."
        )
    if theme["n_posts"] < 20:
        text += " Few posts: read this as tentative."
    return text + " (Computed from the theme's figures; no language model.)"


def deterministic_hash(theme: Mapping) -> str:
    facts = {column: _plain(theme[column]) for column in THEME_COLUMNS}
    payload = {"version": DETERMINISTIC_VERSION, "facts": facts}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def clean_summary(text: str) -> str:
    """The model's text scrubbed (it may echo personal data despite the excerpts') and bounded."""
    text = scrub_text(" ".join(text.split()))
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"


def _is_number(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value
