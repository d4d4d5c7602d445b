"""The insight tables' contracts, and writing them with the LLM cache in one transaction.

``ml.reddit_insights`` is replaced on every run, like the forecast tables. ``ml.llm_cache`` is
never replaced, only added to: it is what lets a second run make no call for a theme it has
already summarized. The cache lives in the warehouse and not in a file under the data folder
because (1) in production the warehouse is the one store that outlives a container, (2) its
new entries are committed in the same transaction as the insights that used them, so a failed
run leaves neither half-written, and (3) the asset already holds the warehouse's one writer
slot. It keeps the request hash and the answer, not the prompt (whose excerpts are in
``ml.reddit_insights`` anyway). It is derived data: ``make clean`` drops it with the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from ml_assets.ml_tables import replace_table, table_columns

REDDIT_INSIGHTS = "reddit_insights"
LLM_CACHE = "llm_cache"

REDDIT_INSIGHT_COLUMNS: dict[str, str] = {
    "week": "DATE",  # Monday of the ISO week
    "subreddit": "VARCHAR",  # lower-cased
    "theme": "INTEGER",  # 1 = the week's largest theme; numbers are per week
    "top_terms": "VARCHAR",  # comma-separated, strongest first
    "n_posts": "INTEGER",  # posts in the theme (scaled from a fixed sample in crowded weeks)
    "share": "DOUBLE",  # of the community's posts that week
    "mean_sentiment": "DOUBLE",  # mean compound score of the theme's posts
    "excerpts": "VARCHAR",  # JSON array of scrubbed excerpts, each at most 200 characters
    "summary": "VARCHAR",
    # What wrote the summary: 'gemini:<model>', 'cache:gemini:<model>' (an earlier run's
    # answer to the identical request), 'deterministic' (no LLM configured), or
    # 'deterministic:call-cap' / 'deterministic:gemini-error' (configured, not used: why).
    "generator": "VARCHAR",
    # What the summary was computed from: for an LLM summary the request hash (the cache key),
    # for a deterministic one a hash of the theme's figures and the template version.
    "input_hash": "VARCHAR",
    "run_id": "VARCHAR",
    "created_at": "TIMESTAMP",
}

LLM_CACHE_COLUMNS: dict[str, str] = {
    "input_hash": "VARCHAR",  # ml_assets.insight_prompts.request_hash: model + prompt + settings
    "generator": "VARCHAR",  # 'gemini:<model>'
    "prompt_version": "VARCHAR",
    "summary": "VARCHAR",
    "run_id": "VARCHAR",  # the run that paid for the call
    "created_at": "TIMESTAMP",
}


def write_insight_tables(
    conn: duckdb.DuckDBPyConnection,
    insights: pd.DataFrame,
    new_cache: pd.DataFrame,
    *,
    schema: str,
) -> dict[str, int]:
    """Replace ml.reddit_insights and add new entries to ml.llm_cache; all or nothing."""
    for name, frame, columns in (
        (REDDIT_INSIGHTS, insights, REDDIT_INSIGHT_COLUMNS),
        (LLM_CACHE, new_cache, LLM_CACHE_COLUMNS),
    ):
        if list(frame.columns) != list(columns):
            raise ValueError(
                f"{schema}.{name}: columns {list(frame.columns)} do not match the contract "
                f"{list(columns)}"
            )
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        written = {
            REDDIT_INSIGHTS: replace_table(
                conn, schema, REDDIT_INSIGHTS, REDDIT_INSIGHT_COLUMNS, insights
            )
        }
        written[LLM_CACHE] = _add_to_cache(conn, schema, new_cache)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return written


def read_cached_summaries(
    conn: duckdb.DuckDBPyConnection, *, schema: str, input_hashes: Iterable[str]
) -> dict[str, str]:
    """Cached answers by request hash; none when the cache is missing or has another layout."""
    wanted = pd.DataFrame({"input_hash": sorted(set(input_hashes))})
    if wanted.empty or table_columns(conn, schema, LLM_CACHE) != list(LLM_CACHE_COLUMNS):
        return {}
    conn.register("_mindpulse_wanted_requests", wanted)
    try:
        rows = conn.execute(
            f"select c.input_hash, c.summary from {schema}.{LLM_CACHE} as c "
            "semi join _mindpulse_wanted_requests as w using (input_hash)"
        ).fetchall()
    finally:
        conn.unregister("_mindpulse_wanted_requests")
    return dict(rows)


def _add_to_cache(conn: duckdb.DuckDBPyConnection, schema: str, entries: pd.DataFrame) -> int:
    table = f"{schema}.{LLM_CACHE}"
    existing = table_columns(conn, schema, LLM_CACHE)
    if existing and existing != list(LLM_CACHE_COLUMNS):
        # An older layout cannot be read (read_cached_summaries ignores it): start afresh.
        conn.execute(f"DROP TABLE {table}")
        existing = []
    if not existing:
        ddl = ", ".join(f"{col} {typ}" for col, typ in LLM_CACHE_COLUMNS.items())
        conn.execute(f"CREATE TABLE {table} ({ddl}, PRIMARY KEY (input_hash))")
    if entries.empty:
        return 0
    conn.register("_mindpulse_new_cache", entries.drop_duplicates("input_hash"))
    try:
        casts = ", ".join(f"CAST({c} AS {t})" for c, t in LLM_CACHE_COLUMNS.items())
        (inserted,) = conn.execute(
            f"INSERT INTO {table} SELECT {casts} FROM _mindpulse_new_cache "
            f"WHERE input_hash NOT IN (SELECT input_hash FROM {table})"
        ).fetchone()
        return int(inserted)
    finally:
        conn.unregister("_mindpulse_new_cache")
