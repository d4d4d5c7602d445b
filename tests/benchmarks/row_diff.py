"""What a run did to a table, row by row: added, changed, rewritten, removed or untouched.

Between two runs (no writer in the warehouse), the bench snapshots each watched table into its
own scratch DuckDB file: per key, a hash of each content column and one hash of the write
markers (the columns that say when and by which batch or run a row was written, not what it
says). Comparing two snapshots sorts every key into one kind:

- added: only the later snapshot has it; removed: only the earlier one;
- changed: a content column differs (the diff says which columns, and in how many rows);
- rewritten: the same content, but its markers differ: deleted and inserted again as it was;
- untouched: content and markers alike: the run did not write the row.

Added, changed, rewritten and removed rows are the ones the run touched. Hashes (64-bit) are
summed per key, so a key a table holds several times compares as the multiset of its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

KINDS = ("added", "changed", "rewritten", "removed", "untouched")
_ATTACHED = "watched_warehouse"


@dataclass(frozen=True)
class Watched:
    table: str  # schema.table in the warehouse
    key: tuple[str, ...]
    markers: tuple[str, ...]  # when and by what a row was written, not what it says
    period: str | None = None  # a date column to say which weeks the rows of each kind are in


# The Reddit lineage, raw to insights. _row_number is the position in the landed payload: it
# moves for every post when the sample's window moves, without the post changing.
REDDIT_TABLES = (
    Watched(
        "raw.reddit_posts",
        ("post_id",),
        ("_batch_id", "_loaded_at", "_row_number"),
        "created_week",
    ),
    Watched("marts.fct_reddit_posts", ("post_id",), ("batch_id", "loaded_at"), "created_week"),
    Watched("ml.post_sentiment", ("post_id",), ("run_id", "scored_at")),
    Watched("ml.reddit_insights", ("week", "subreddit", "theme"), ("run_id", "created_at"), "week"),
)


def snapshot_name(label: str, watched: Watched) -> str:
    return f"snap_{label}_{watched.table.replace('.', '_')}"


def take_snapshot(
    scratch: duckdb.DuckDBPyConnection, warehouse: Path, watched: Watched, label: str
) -> bool:
    """Store `watched`'s per-key hashes in `scratch` under `label`; False if it has no table."""
    schema, table = watched.table.split(".")
    scratch.execute(f"ATTACH '{warehouse}' AS {_ATTACHED} (READ_ONLY)")
    try:
        found = [
            name
            for (name,) in scratch.execute(
                "select column_name from duckdb_columns() "
                "where database_name = ? and schema_name = ? and table_name = ? "
                "order by column_index",
                [_ATTACHED, schema, table],
            ).fetchall()
        ]
        if not found:
            return False
        content = [c for c in found if c not in (*watched.key, *watched.markers)]
        period = f"min({watched.period})" if watched.period else "null"
        scratch.execute(
            f"create or replace table {snapshot_name(label, watched)} as "
            f"select {', '.join(watched.key)}, {period} as period, count(*) as n, "
            f"sum(hash({', '.join(watched.markers)})) as markers, "
            + ", ".join(f'sum(hash("{c}")) as "c:{c}"' for c in content)
            + f" from {_ATTACHED}.{schema}.{table} group by all"
        )
        return True
    finally:
        scratch.execute(f"DETACH {_ATTACHED}")


def diff_snapshots(
    scratch: duckdb.DuckDBPyConnection, watched: Watched, before: str, after: str
) -> dict:
    """Rows of each kind between the snapshots labelled `before` and `after` (see the module
    docstring), with the periods they are in; changed rows also by column."""
    old, new = snapshot_name(before, watched), snapshot_name(after, watched)
    content = _content_columns(scratch, old)
    if content != _content_columns(scratch, new):
        raise ValueError(f"{watched.table} has other columns in {before!r} than in {after!r}")
    same_key = " and ".join(f"b.{k} is not distinct from a.{k}" for k in watched.key)
    differs = [f'a."c:{c}" is distinct from b."c:{c}"' for c in content]
    rows = scratch.execute(
        f"""
        with compared as (
            select
                case
                    when b.n is null then 'added'
                    when a.n is null then 'removed'
                    when a.n <> b.n {"".join(f" or {d}" for d in differs)} then 'changed'
                    when a.markers is distinct from b.markers then 'rewritten'
                    else 'untouched'
                end as kind,
                coalesce(a.period, b.period) as period,
                {", ".join(f"({d})::int as d{i}" for i, d in enumerate(differs)) or "0 as d0"}
            from {old} as b full outer join {new} as a on {same_key}
        )
        select kind, count(*), count(distinct period), min(period), max(period),
            {", ".join(f"sum(d{i})" for i in range(len(differs))) or "0"}
        from compared group by kind
        """
    ).fetchall()
    result: dict = {kind: {"rows": 0} for kind in KINDS}
    for kind, count, periods, first, last, *by_column in rows:
        entry = result[kind] = {"rows": count}
        if watched.period:
            entry.update(periods=periods, first=_text(first), last=_text(last))
        if kind == "changed":
            entry["columns"] = {c: int(n) for c, n in zip(content, by_column, strict=True) if n}
    return result


def snapshot_all(
    scratch: duckdb.DuckDBPyConnection, warehouse: Path, label: str, tables=REDDIT_TABLES
) -> None:
    for watched in tables:
        take_snapshot(scratch, warehouse, watched, label)


def diff_all(
    scratch: duckdb.DuckDBPyConnection, before: str, after: str, tables=REDDIT_TABLES
) -> dict[str, dict]:
    """Table -> its diff, for the tables both snapshots hold."""
    held = {
        name for (name,) in scratch.execute("select table_name from duckdb_tables()").fetchall()
    }
    return {
        watched.table: diff_snapshots(scratch, watched, before, after)
        for watched in tables
        if {snapshot_name(before, watched), snapshot_name(after, watched)} <= held
    }


def touched(diff: dict) -> int:
    """Rows the run wrote or deleted: everything but the untouched ones."""
    return sum(diff[kind]["rows"] for kind in KINDS if kind != "untouched")


def format_diff(table: str, diff: dict) -> str:
    """One line: rows before and after, rows touched, then each kind's rows with the periods
    they are in, changed rows by column."""
    parts = []
    for kind in KINDS:
        entry = diff[kind]
        text = f"{kind} {entry['rows']:,}"
        if entry["rows"] and entry.get("first"):
            weeks = (
                entry["first"] if entry["periods"] == 1 else f"{entry['first']}..{entry['last']}"
            )
            text += f" ({entry['periods']} wk: {weeks})"
        if entry.get("columns"):
            text += " [" + ", ".join(f"{c} {n:,}" for c, n in entry["columns"].items()) + "]"
        parts.append(text)
    before = sum(diff[kind]["rows"] for kind in KINDS if kind != "added")
    after = sum(diff[kind]["rows"] for kind in KINDS if kind != "removed")
    return f"{table} ({before:,} -> {after:,} rows), touched {touched(diff):,}: " + "; ".join(parts)


def _content_columns(scratch: duckdb.DuckDBPyConnection, snapshot: str) -> list[str]:
    columns = scratch.execute(f"select * from {snapshot} limit 0").description
    return [name.removeprefix("c:") for name, *_ in columns if name.startswith("c:")]


def _text(value: object) -> str | None:
    return None if value is None else str(value)
