"""ml/reddit_insights as a Dagster asset: a thin wrapper around ml_assets.themes and .insights.

It reads the posts mart and their sentiment scores, finds the themes of every week ×
community, summarizes each (Gemini when MINDPULSE_LLM=gemini, else deterministically) and
writes ml.reddit_insights with the run's new ml.llm_cache entries in one transaction. A
rejected key or unknown model fails the step before anything is written.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from ml_assets.gemini import GeminiConfig
from ml_assets.insight_tables import (
    LLM_CACHE,
    REDDIT_INSIGHTS,
    read_cached_summaries,
    write_insight_tables,
)
from ml_assets.insights import INSIGHT_VERSION, InsightRun, summarize_themes
from ml_assets.themes import ThemeRun, ThemeSettings, build_themes
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings
from orchestration.table_metadata import duckdb_table_metadata

FCT_REDDIT_POSTS_KEY = dg.AssetKey([MARTS_SCHEMA, "fct_reddit_posts"])
POST_SENTIMENT_KEY = dg.AssetKey([ML_SCHEMA, "post_sentiment"])
REDDIT_INSIGHTS_KEY = dg.AssetKey([ML_SCHEMA, REDDIT_INSIGHTS])


def gemini_config(settings: Settings) -> GeminiConfig | None:
    if settings.llm != "gemini" or not settings.gemini_api_key:
        return None
    return GeminiConfig(
        api_key=settings.gemini_api_key,
        model=settings.gemini_model,
        max_calls=settings.llm_max_calls,
    )


def read_posts(conn, max_text_chars: int):
    # Only the columns themes use, and no more body than they read: at a million posts the
    # whole bodies would cost more memory than the rest of the asset.
    return conn.execute(
        f"""
        select post_id, subreddit, title, left(body, {int(max_text_chars)}) as body, created_week
        from {MARTS_SCHEMA}.fct_reddit_posts
        """
    ).df()


def insight_metadata(themes: ThemeRun, run: InsightRun, llm: str) -> dict:
    latest = run.insights[run.insights["week"] == run.insights["week"].max()]
    preview = latest[["subreddit", "theme", "top_terms", "n_posts", "share", "generator"]]
    return {
        "llm": dg.MetadataValue.text(llm),
        "themes": dg.MetadataValue.int(len(run.insights)),
        "weeks": dg.MetadataValue.int(themes.weeks),
        "weeks_without_themes": dg.MetadataValue.json(themes.weeks_without_themes),
        "posts": dg.MetadataValue.int(themes.posts),
        "posts_analysed": dg.MetadataValue.int(themes.posts_analysed),
        "cells_sampled": dg.MetadataValue.int(themes.cells_sampled),
        "theme_seconds": dg.MetadataValue.json(themes.seconds),
        "generators": dg.MetadataValue.json(run.generators),
        "llm_calls": dg.MetadataValue.int(run.llm_calls),
        "cache_hits": dg.MetadataValue.int(run.cache_hits),
        "llm_errors": dg.MetadataValue.json(run.errors),
        "latest_week": dg.MetadataValue.md(
            preview.round(3).to_markdown(index=False) if len(preview) else "(no themes)"
        ),
    }


@dg.asset(
    key=REDDIT_INSIGHTS_KEY,
    deps=[FCT_REDDIT_POSTS_KEY, POST_SENTIMENT_KEY],
    group_name="ml",
    kinds={"scikit-learn", "gemini", "duckdb"},
    code_version=INSIGHT_VERSION,
    pool=WAREHOUSE_POOL,
    description="Themes of Reddit discussion per week and community (TF-IDF + NMF over a "
    "trailing 4-week window): top terms, posts, share of the week's posts, mean sentiment, "
    "scrubbed excerpts, and a summary labelled with what wrote it (generator): Gemini when "
    "MINDPULSE_LLM=gemini, a deterministic summary otherwise.",
)
def reddit_insights(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[Settings],
    warehouse: DuckDBResource,
):
    gemini = gemini_config(settings)
    theme_settings = ThemeSettings()
    with warehouse.get_connection() as conn:
        posts = read_posts(conn, theme_settings.max_text_chars)
        sentiment = conn.execute(f"select post_id, compound from {ML_SCHEMA}.post_sentiment").df()
        themes = build_themes(posts, sentiment, theme_settings)
        run = summarize_themes(
            themes.themes,
            run_id=context.run.run_id,
            gemini=gemini,
            cached=lambda hashes: read_cached_summaries(
                conn, schema=ML_SCHEMA, input_hashes=hashes
            ),
        )
        written = write_insight_tables(conn, run.insights, run.new_cache, schema=ML_SCHEMA)
        table_metadata = duckdb_table_metadata(conn, ML_SCHEMA, REDDIT_INSIGHTS)
    llm = gemini.generator if gemini else "off"
    context.log.info(
        f"{len(run.insights)} themes over {themes.weeks} weeks; summaries {run.generators}; "
        f"{run.llm_calls} LLM calls, {run.cache_hits} cache hits, "
        f"{written[LLM_CACHE]} new cache entries"
    )
    return dg.MaterializeResult(
        metadata={
            **table_metadata,
            **insight_metadata(themes, run, llm),
            "cache_entries_added": dg.MetadataValue.int(written[LLM_CACHE]),
        },
        data_version=dg.DataVersion(run.data_version),
    )
