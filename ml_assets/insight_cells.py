"""ml.reddit_insights cell by cell: a week × community whose inputs did not change is reused.

A cell's theme rows and summaries are a function of exactly these (``ml_assets.themes``):
- the posts of every community in the weeks its week reads (``weeks_read``: the model's
  trailing window, and the previous week for prev_share): their ids (which also fix the
  samples), titles, the first ``max_text_chars`` of their bodies, and so their counts;
- the sentiment scores of its own posts (mean_sentiment; other cells' scores play no part);
- the theme settings, ``INSIGHT_VERSION`` and the versions of the libraries that fit the model;
- what writes the summary: the deterministic template, or which Gemini model with which
  instructions and generation settings.
Its hash (``cell_hashes``) is over those and nothing else, so a new week costs its own cells
(and those of the weeks whose window it falls in), and an unchanged run computes nothing.

Posts are hashed where they are stored (``read_cell_digests``): one pass of md5 over each
post's id and text, summed per cell. A sum, not an ordered hash, because it needs no sort and
no string the size of the cell; it changes whenever one post is added, removed or edited (a
collision needs two changes whose md5s cancel exactly, 2^-128). At a million posts this takes
well under a second where reading the text out of the warehouse alone takes longer.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd

from ml_assets.gemini import GeminiConfig
from ml_assets.insight_prompts import GENERATION_SETTINGS, SYSTEM_INSTRUCTION
from ml_assets.insight_tables import (
    LLM_CACHE_COLUMNS,
    REDDIT_INSIGHT_CELL_COLUMNS,
    REDDIT_INSIGHT_COLUMNS,
)
from ml_assets.insights import (
    CALL_CAP,
    DETERMINISTIC,
    GEMINI_ERROR,
    INSIGHT_VERSION,
    CachedSummaries,
    summarize_themes,
)
from ml_assets.reuse import combined_hash, library_versions
from ml_assets.themes import ThemeRun, ThemeSettings, build_themes, weeks_read

THEME_LIBRARIES = ("scikit-learn", "scipy", "numpy")
# Summaries that stood in for an LLM's (call cap reached, Gemini failing): their cells are
# computed again, since a later run may get them the LLM summary.
PROVISIONAL = (CALL_CAP, GEMINI_ERROR)
_KEY = ["week", "subreddit"]

# cell hashes -> (stored cells, their insight rows) (ml_assets.insight_tables.read_stored_cells)
StoredCells = Callable[[list[str]], tuple[pd.DataFrame, pd.DataFrame]]
# weeks -> (posts, sentiment) of those weeks, in the columns build_themes reads
PostsOfWeeks = Callable[[list[date]], tuple[pd.DataFrame, pd.DataFrame]]


def read_cell_digests(
    conn: duckdb.DuckDBPyConnection, *, posts_table: str, sentiment_table: str, max_text_chars: int
) -> pd.DataFrame:
    """week, subreddit, week_posts, text_digest, score_digest of every week × community.

    The text is what themes read of a post: title and the first ``max_text_chars`` of the
    body, NULL as empty; the community lower-cased, as themes key it.
    """
    mask = (1 << 64) - 1
    digests = conn.execute(
        f"""
        with scores as (
            -- one score per post even if the table held two (the join must not add posts)
            select post_id, min(compound) as compound from {sentiment_table} group by post_id
        ),
        posts as (
            select
                p.created_week as week,
                lower(p.subreddit) as subreddit,
                md5_number(concat_ws(chr(31), p.post_id, p.title,
                    coalesce(left(p.body, {int(max_text_chars)}), ''))) as text_md5,
                md5_number(concat_ws(chr(31), p.post_id,
                    coalesce(cast(s.compound as varchar), 'none'))) as score_md5
            from {posts_table} as p left join scores as s using (post_id)
        )
        select
            week,
            subreddit,
            count(*) as week_posts,
            -- the two halves summed apart: a sum of 128-bit numbers would overflow
            sum((text_md5 >> 64)::hugeint)::varchar || '.'
                || sum((text_md5 & {mask})::hugeint)::varchar as text_digest,
            sum((score_md5 >> 64)::hugeint)::varchar || '.'
                || sum((score_md5 & {mask})::hugeint)::varchar as score_digest
        from posts
        group by week, subreddit
        order by week, subreddit
        """
    ).df()
    digests["week"] = _dates(digests["week"])
    return digests


def summary_config(gemini: GeminiConfig | None) -> dict:
    """What writes a cell's summaries, as far as it changes them (never the key)."""
    if gemini is None:
        return {"generator": DETERMINISTIC}
    return {
        "generator": gemini.generator,
        "system": hashlib.sha256(SYSTEM_INSTRUCTION.encode()).hexdigest(),
        "settings": GENERATION_SETTINGS,
    }


def cell_hashes(
    digests: pd.DataFrame, settings: ThemeSettings, gemini: GeminiConfig | None = None
) -> pd.DataFrame:
    """week, subreddit, week_posts, cell_hash of every cell of ``read_cell_digests``."""
    header = json.dumps(
        {
            "version": INSIGHT_VERSION,
            "settings": asdict(settings),
            "summary": summary_config(gemini),
            "libraries": library_versions(THEME_LIBRARIES),
        },
        sort_keys=True,
    )
    digests = digests.sort_values(_KEY, kind="stable")
    by_week: dict[date, list[str]] = {}
    for week, subreddit, n, text in digests[[*_KEY, "week_posts", "text_digest"]].itertuples(
        index=False
    ):
        by_week.setdefault(week, []).append(f"{week}|{subreddit}|{n}|{text}")
    weeks = sorted(by_week)
    # What every community's posts in a week contribute, once per week, not per cell.
    week_text = {week: "\n".join(lines) for week, lines in by_week.items()}
    span = timedelta(weeks=weeks_read(settings))
    hashes = []
    for week, subreddit, score in digests[[*_KEY, "score_digest"]].itertuples(index=False):
        read = weeks[bisect_left(weeks, week - span) : bisect_left(weeks, week) + 1]
        digest = hashlib.sha256(header.encode())
        digest.update(f"\ncell {week}|{subreddit}|{score}\n".encode())
        digest.update("\n".join(week_text[w] for w in read).encode())
        hashes.append(digest.hexdigest())
    cells = digests[[*_KEY, "week_posts"]].assign(cell_hash=hashes)
    return cells.reset_index(drop=True)


@dataclass
class CellRun:
    """ml.reddit_insights and its cells after one run, and what the run computed."""

    insights: pd.DataFrame
    cells: pd.DataFrame
    new_cache: pd.DataFrame
    cells_reused: int = 0
    cells_computed: int = 0
    themes: ThemeRun | None = None  # of the weeks computed; None when none was
    llm_calls: int = 0
    cache_hits: int = 0
    errors: dict[str, int] | None = None

    @property
    def data_version(self) -> str:
        return combined_hash(list(self.insights["input_hash"]))

    @property
    def generators(self) -> dict[str, int]:
        """Summaries in the table by what wrote them (reused ones included)."""
        return dict(sorted(Counter(self.insights["generator"]).items()))


def update_insights(
    cells: pd.DataFrame,
    *,
    settings: ThemeSettings,
    run_id: str,
    posts_of_weeks: PostsOfWeeks,
    stored: StoredCells | None = None,
    gemini: GeminiConfig | None = None,
    cached: CachedSummaries | None = None,
    created_at: datetime | None = None,
    client=None,
) -> CellRun:
    """The insight tables for ``cells`` (``cell_hashes``): stored cells whose hash is unchanged
    as they are, the others computed from the posts of the weeks they read; cells no longer
    in ``cells`` are left out."""
    created_at = created_at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    kept_cells, kept_rows = _reusable(cells, stored)
    reused = set(kept_cells[_KEY].itertuples(index=False, name=None))
    todo = _rows_where(cells, lambda key: key not in reused)
    run = CellRun(
        insights=kept_rows,
        cells=kept_cells,
        new_cache=pd.DataFrame(columns=list(LLM_CACHE_COLUMNS)),
        cells_reused=len(kept_cells),
        cells_computed=len(todo),
    )
    if not todo.empty:
        weeks = sorted(set(todo["week"]))
        read = _weeks_to_read(weeks, sorted(set(cells["week"])), settings)
        posts, sentiment = posts_of_weeks(read)
        run.themes = build_themes(posts, sentiment, settings, weeks=weeks)
        themes = run.themes.themes
        wanted = set(todo[_KEY].itertuples(index=False, name=None))
        themes = _rows_where(themes, lambda key: key in wanted)
        summaries = summarize_themes(
            themes, run_id=run_id, gemini=gemini, cached=cached, created_at=created_at,
            client=client,
        )  # fmt: skip
        counts = summaries.insights.groupby(_KEY).size()
        computed = todo[[*_KEY, "cell_hash", "week_posts"]].assign(
            themes=[int(counts.get(k, 0)) for k in todo[_KEY].itertuples(index=False, name=None)],
            run_id=run_id,
            created_at=created_at,
        )
        run.insights = _concat([kept_rows, summaries.insights], REDDIT_INSIGHT_COLUMNS)
        run.cells = _concat([kept_cells, computed], REDDIT_INSIGHT_CELL_COLUMNS)
        run.new_cache = summaries.new_cache
        run.llm_calls, run.cache_hits = summaries.llm_calls, summaries.cache_hits
        run.errors = summaries.errors
    run.insights = _ordered(run.insights, ["week", "subreddit", "theme"])
    run.cells = _ordered(run.cells, _KEY)
    return run


def _rows_where(frame: pd.DataFrame, keep) -> pd.DataFrame:
    """The rows whose (week, subreddit) `keep` accepts. A boolean Series, not a list: an empty
    list would select no columns, and an empty frame would lose its columns with it."""
    keys = frame[_KEY].itertuples(index=False, name=None)
    return frame[pd.Series([bool(keep(key)) for key in keys], index=frame.index, dtype=bool)]


def _reusable(cells: pd.DataFrame, stored: StoredCells | None):
    """The stored cells (and rows) that may be taken as they are."""
    empty = (
        pd.DataFrame(columns=list(REDDIT_INSIGHT_CELL_COLUMNS)),
        pd.DataFrame(columns=list(REDDIT_INSIGHT_COLUMNS)),
    )
    if stored is None or cells.empty:
        return empty
    kept_cells, kept_rows = stored(list(cells["cell_hash"]))
    if kept_cells.empty:
        return empty
    kept_cells = kept_cells.assign(week=_dates(kept_cells["week"]))
    kept_rows = kept_rows.assign(week=_dates(kept_rows["week"]))
    provisional = kept_rows.loc[kept_rows["generator"].isin(PROVISIONAL), _KEY]
    redo = set(provisional.itertuples(index=False, name=None))
    keep_cell = [k not in redo for k in kept_cells[_KEY].itertuples(index=False, name=None)]
    keep_row = [k not in redo for k in kept_rows[_KEY].itertuples(index=False, name=None)]
    return kept_cells[keep_cell], kept_rows[keep_row]


def _weeks_to_read(weeks: list[date], present: list[date], settings: ThemeSettings) -> list:
    """Every week present that one of ``weeks`` reads (its window and the week before)."""
    span = timedelta(weeks=weeks_read(settings))
    return sorted({w for week in weeks for w in present if week - span <= w <= week})


def figures(cells: pd.DataFrame, settings: ThemeSettings) -> dict:
    """The table's figures, from its cells: the same whichever run computed them."""
    themed = cells.groupby("week")["themes"].sum()
    return {
        "weeks": int(cells["week"].nunique()),
        "weeks_without_themes": [str(week) for week in themed[themed == 0].index],
        "posts": int(cells["week_posts"].sum()),
        "posts_analysed": int(cells["week_posts"].clip(upper=settings.max_posts_per_cell).sum()),
        "cells_sampled": int((cells["week_posts"] > settings.max_posts_per_cell).sum()),
    }


def _dates(values: pd.Series) -> pd.Series:
    return pd.Series(pd.to_datetime(values).dt.date, index=values.index, dtype=object)


def _concat(frames: list[pd.DataFrame], columns: dict[str, str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True).reindex(columns=list(columns))


def _ordered(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    return frame.sort_values(order, kind="stable").reset_index(drop=True)
