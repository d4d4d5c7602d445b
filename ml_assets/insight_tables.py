"""The insight tables' contracts, and writing them with the LLM cache in one transaction.

``ml.reddit_insights`` is replaced on every run, like the forecast tables, together with
``ml.reddit_insight_cells``: one row per week × community with the hash of what its themes and
summaries were computed from (``ml_assets.insight_cells``), so the next run takes the rows of
an unchanged cell as they are. A cell of its own table, not a column of the insights, because a
cell may have no theme at all and still needs remembering as computed. ``ml.llm_cache`` is
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

from extract.warehouse import write_atomically
from ml_assets.ml_tables import ensure_table, fill_table, table_columns

REDDIT_INSIGHTS = "reddit_insights"
REDDIT_INSIGHT_CELLS = "reddit_insight_cells"
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

REDDIT_INSIGHT_CELL_COLUMNS: dict[str, str] = {
    "week": "DATE",
    "subreddit": "VARCHAR",
    "cell_hash": "VARCHAR",  # ml_assets.insight_cells.cell_hashes: the posts read, settings
    "week_posts": "INTEGER",  # all posts of the week × community
    "themes": "INTEGER",  # its rows in ml.reddit_insights (0: a week too thin, themes too small)
    "run_id": "VARCHAR",  # the run that computed the cell's rows (an earlier one if reused)
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
    cells: pd.DataFrame,
    *,
    schema: str,
) -> dict[str, int]:
    """Replace ml.reddit_insights and its cells, add new entries to ml.llm_cache; all or
    nothing."""
    for name, frame, columns in (
        (REDDIT_INSIGHTS, insights, REDDIT_INSIGHT_COLUMNS),
        (REDDIT_INSIGHT_CELLS, cells, REDDIT_INSIGHT_CELL_COLUMNS),
        (LLM_CACHE, new_cache, LLM_CACHE_COLUMNS),
    ):
        if list(frame.columns) != list(columns):
            raise ValueError(
                f"{schema}.{name}: columns {list(frame.columns)} do not match the contract "
                f"{list(columns)}"
            )
    replaced = {
        REDDIT_INSIGHTS: (insights, REDDIT_INSIGHT_COLUMNS),
        REDDIT_INSIGHT_CELLS: (cells, REDDIT_INSIGHT_CELL_COLUMNS),
    }
    views = {name: f"_mindpulse_ml_{name}_frame" for name in (*replaced, LLM_CACHE)}

    def prepare(registered: list[str]) -> None:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name, (frame, columns) in replaced.items():
            ensure_table(conn, schema, name, columns)
            registered.append(views[name])
            conn.register(views[name], frame)
        _ensure_cache(conn, schema)
        registered.append(views[LLM_CACHE])
        conn.register(views[LLM_CACHE], new_cache.drop_duplicates("input_hash"))

    def write() -> dict[str, int]:
        written = {
            name: fill_table(conn, schema, name, columns, views[name], len(frame))
            for name, (frame, columns) in replaced.items()
        }
        written[LLM_CACHE] = _add_to_cache(conn, schema, views[LLM_CACHE])
        return written

    return write_atomically(conn, prepare, write)


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
            "where c.input_hash in (select input_hash from _mindpulse_wanted_requests)"
        ).fetchall()
    finally:
        conn.unregister("_mindpulse_wanted_requests")
    return dict(rows)


def read_stored_cells(
    conn: duckdb.DuckDBPyConnection, *, schema: str, cell_hashes: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells, their insight rows) stored under any of ``cell_hashes``; none when either table
    is missing or has another layout (its cells are then computed again)."""
    wanted = pd.DataFrame({"cell_hash": sorted(set(cell_hashes))})
    cells = pd.DataFrame(columns=list(REDDIT_INSIGHT_CELL_COLUMNS))
    insights = pd.DataFrame(columns=list(REDDIT_INSIGHT_COLUMNS))
    layouts = (
        (REDDIT_INSIGHT_CELLS, REDDIT_INSIGHT_CELL_COLUMNS),
        (REDDIT_INSIGHTS, REDDIT_INSIGHT_COLUMNS),
    )
    if wanted.empty or any(table_columns(conn, schema, t) != list(c) for t, c in layouts):
        return cells, insights
    conn.register("_mindpulse_wanted_cells", wanted)
    try:
        # IN and EXISTS rather than DuckDB's SEMI JOIN: the same SQL runs on Snowflake.
        wanted_cells = (
            f"select c.week, c.subreddit from {schema}.{REDDIT_INSIGHT_CELLS} as c "
            "where c.cell_hash in (select cell_hash from _mindpulse_wanted_cells)"
        )
        cells = conn.execute(
            f"select c.* from {schema}.{REDDIT_INSIGHT_CELLS} as c "
            "where c.cell_hash in (select cell_hash from _mindpulse_wanted_cells)"
        ).df()
        insights = conn.execute(
            f"select i.* from {schema}.{REDDIT_INSIGHTS} as i where exists ("
            f"select 1 from ({wanted_cells}) as k "
            "where k.week = i.week and k.subreddit = i.subreddit)"
        ).df()
    finally:
        conn.unregister("_mindpulse_wanted_cells")
    return cells, insights


def _ensure_cache(conn, schema: str) -> None:
    table = f"{schema}.{LLM_CACHE}"
    existing = table_columns(conn, schema, LLM_CACHE)
    if existing and existing != list(LLM_CACHE_COLUMNS):
        # An older layout cannot be read (read_cached_summaries ignores it): start afresh.
        conn.execute(f"DROP TABLE {table}")
        existing = []
    if not existing:
        ddl = ", ".join(f"{col} {typ}" for col, typ in LLM_CACHE_COLUMNS.items())
        conn.execute(f"CREATE TABLE {table} ({ddl}, PRIMARY KEY (input_hash))")


def _add_to_cache(conn, schema: str, view: str) -> int:
    """Add the registered new entries the cache does not hold yet; how many were added."""
    table = f"{schema}.{LLM_CACHE}"
    [(before,)] = conn.execute(f"SELECT count(*) FROM {table}").fetchall()
    casts = ", ".join(f"CAST({c} AS {t})" for c, t in LLM_CACHE_COLUMNS.items())
    conn.execute(
        f"INSERT INTO {table} SELECT {casts} FROM {view} "
        f"WHERE input_hash NOT IN (SELECT input_hash FROM {table})"
    )
    [(after,)] = conn.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(after - before)
