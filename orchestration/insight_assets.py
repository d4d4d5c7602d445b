"""ml/reddit_insights as a Dagster asset: a thin wrapper around ml_assets.insight_cells.

It hashes every week × community's inputs in the warehouse, takes the stored rows of the
cells whose hash is unchanged, and reads the posts (and sentiment scores) of only the weeks
the other cells need: their themes are found and summarized (Gemini when MINDPULSE_LLM=gemini,
else deterministically). ml.reddit_insights, its cells and the run's new ml.llm_cache entries
are written in one transaction. A rejected key or unknown model fails the step before anything
is written.
"""

import dagster as dg
import pandas as pd

from ml_assets.gemini import GeminiConfig
from ml_assets.insight_cells import (
    CellRun,
    cell_hashes,
    figures,
    read_cell_digests,
    update_insights,
)
from ml_assets.insight_tables import (
    LLM_CACHE,
    REDDIT_INSIGHTS,
    read_cached_summaries,
    read_stored_cells,
    write_insight_tables,
)
from ml_assets.insights import INSIGHT_VERSION
from ml_assets.themes import ThemeSettings
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, Settings
from orchestration.table_metadata import table_metadata

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


def read_posts(conn, max_text_chars: int, weeks: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The posts of ``weeks`` and their sentiment scores.

    Only the columns themes use, and no more body than they read: at a million posts the
    whole bodies would cost more memory than the rest of the asset.
    """
    # The weeks as a registered frame, not a bound list: the same SQL runs on Snowflake.
    conn.register(
        "_mindpulse_insight_weeks", pd.DataFrame({"week": pd.Series(weeks, dtype=object)})
    )
    weeks_sql = "created_week in (select cast(week as date) from _mindpulse_insight_weeks)"
    try:
        posts = conn.execute(
            f"""
            select post_id, subreddit, title, left(body, {int(max_text_chars)}) as body,
                   created_week
            from {MARTS_SCHEMA}.fct_reddit_posts where {weeks_sql}
            """
        ).df()
        sentiment = conn.execute(
            f"""
            select s.post_id, s.compound from {ML_SCHEMA}.post_sentiment as s
            where s.post_id in (
                select post_id from {MARTS_SCHEMA}.fct_reddit_posts where {weeks_sql}
            )
            """
        ).df()
    finally:
        conn.unregister("_mindpulse_insight_weeks")
    return posts, sentiment


def insight_metadata(run: CellRun, settings: ThemeSettings, llm: str) -> dict:
    latest = run.insights[run.insights["week"] == run.insights["week"].max()]
    preview = latest[["subreddit", "theme", "top_terms", "n_posts", "share", "generator"]]
    table = figures(run.cells, settings)
    return {
        "llm": dg.MetadataValue.text(llm),
        "themes": dg.MetadataValue.int(len(run.insights)),
        "weeks": dg.MetadataValue.int(table["weeks"]),
        "weeks_without_themes": dg.MetadataValue.json(table["weeks_without_themes"]),
        "posts": dg.MetadataValue.int(table["posts"]),
        "posts_analysed": dg.MetadataValue.int(table["posts_analysed"]),
        "cells_sampled": dg.MetadataValue.int(table["cells_sampled"]),
        "cells_reused": dg.MetadataValue.int(run.cells_reused),
        "cells_computed": dg.MetadataValue.int(run.cells_computed),
        "weeks_computed": dg.MetadataValue.int(run.themes.weeks if run.themes else 0),
        "theme_seconds": dg.MetadataValue.json(run.themes.seconds if run.themes else {}),
        "generators": dg.MetadataValue.json(run.generators),
        "llm_calls": dg.MetadataValue.int(run.llm_calls),
        "cache_hits": dg.MetadataValue.int(run.cache_hits),
        "llm_errors": dg.MetadataValue.json(run.errors or {}),
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
    warehouse: dg.ResourceParam[Warehouse],
):
    gemini = gemini_config(settings)
    theme_settings = ThemeSettings()
    chars = theme_settings.max_text_chars
    with warehouse.get_connection() as conn:
        digests = read_cell_digests(
            conn,
            posts_table=f"{MARTS_SCHEMA}.fct_reddit_posts",
            sentiment_table=f"{ML_SCHEMA}.post_sentiment",
            max_text_chars=chars,
        )
        run = update_insights(
            cell_hashes(digests, theme_settings, gemini),
            settings=theme_settings,
            run_id=context.run.run_id,
            posts_of_weeks=lambda weeks: read_posts(conn, chars, weeks),
            stored=lambda hashes: read_stored_cells(conn, schema=ML_SCHEMA, cell_hashes=hashes),
            gemini=gemini,
            cached=lambda hashes: read_cached_summaries(
                conn, schema=ML_SCHEMA, input_hashes=hashes
            ),
        )
        written = write_insight_tables(
            conn, run.insights, run.new_cache, run.cells, schema=ML_SCHEMA
        )
        described = table_metadata(conn, ML_SCHEMA, REDDIT_INSIGHTS)
    llm = gemini.generator if gemini else "off"
    context.log.info(
        f"{len(run.insights)} themes; cells {run.cells_reused} reused, {run.cells_computed} "
        f"computed; summaries {run.generators}; {run.llm_calls} LLM calls, "
        f"{run.cache_hits} cache hits, {written[LLM_CACHE]} new cache entries"
    )
    return dg.MaterializeResult(
        metadata={
            **described,
            **insight_metadata(run, theme_settings, llm),
            "cache_entries_added": dg.MetadataValue.int(written[LLM_CACHE]),
        },
        data_version=dg.DataVersion(run.data_version),
    )
