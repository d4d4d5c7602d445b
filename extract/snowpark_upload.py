"""Frames to Snowflake through Snowpark: how MindPulse's writers upload in production.

extract.warehouse.SnowflakeSession reads a registered DataFrame from a scratch table; this
module fills that table through a Snowpark session (the frame as a Snowpark DataFrame, saved
as a transient table), instead of the connector's stage upload. The loads and ML writers then
move the rows into their tables in one transaction, as on DuckDB. Snowpark is imported only
here, and only when the warehouse resource is configured for it
(MINDPULSE_SNOWFLAKE_UPLOAD=snowpark, the default with Snowflake).

Names go upper case, as Snowflake folds the unquoted names the SQL uses.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from extract.warehouse import parquet_ready


class SnowparkUpload:
    """Upload frames with a Snowpark session (SnowflakeSession's `upload`)."""

    def __init__(self, session: Any):
        self._session = session

    def __call__(self, table: str, frame: pd.DataFrame) -> None:
        """(Re)create the transient `table` ('schema.name') holding exactly `frame`.

        A pandas frame goes to Snowpark as it is (Snowpark bulk-loads it, and takes an empty
        frame's columns from it); Snowpark infers the column types, which need only be
        castable: every caller inserts with CASTs to its contract's types.
        """
        ready = parquet_ready(frame).rename(columns=str.upper)
        for name in ready.columns:
            # pandas' nullable dtypes (Float64, Int64, boolean) hold pd.NA, which Snowpark
            # cannot type: plain values and None instead.
            if isinstance(ready[name].dtype, pd.api.extensions.ExtensionDtype) and not (
                pd.api.types.is_datetime64_any_dtype(ready[name].dtype)
            ):
                ready[name] = ready[name].astype(object).where(ready[name].notna(), None)
        data = self._session.create_dataframe(ready)
        data.write.save_as_table(table.upper().split("."), mode="overwrite", table_type="transient")


def snowpark_session(connection: Any) -> Any:
    """A Snowpark session over an open snowflake.connector connection (no second login)."""
    from snowflake.snowpark import Session

    return Session.builder.configs({"connection": connection}).create()
