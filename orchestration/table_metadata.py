"""Row counts and column schemas of warehouse tables, as Dagster's standard asset metadata."""

from __future__ import annotations

from typing import Any

import dagster as dg

from extract.warehouse import catalog_name


def table_metadata(conn, schema: str, table: str) -> dict[str, Any]:
    """`dagster/row_count`, `dagster/column_schema` and `dagster/table_name` of one table, in
    DuckDB or Snowflake (whose catalog spells unquoted names in upper case).

    Returns an empty dict when the relation does not exist (e.g. a model dbt skipped).
    """
    columns = conn.execute(
        """
        select column_name, data_type, is_nullable
        from information_schema.columns
        where table_schema = ? and table_name = ?
        order by ordinal_position
        """,
        [catalog_name(conn, schema), catalog_name(conn, table)],
    ).fetchall()
    if not columns:
        return {}
    [(database,)] = conn.execute("select current_database()").fetchall()
    [(row_count,)] = conn.execute(f"select count(*) from {schema}.{table}").fetchall()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(row_count)),
        "dagster/table_name": f"{database}.{schema}.{table}",
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(
                    name=name.lower(),
                    type=data_type,
                    constraints=dg.TableColumnConstraints(nullable=is_nullable == "YES"),
                )
                for name, data_type, is_nullable in columns
            ]
        ),
    }
