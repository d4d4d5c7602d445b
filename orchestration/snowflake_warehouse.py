"""The warehouse resource for MINDPULSE_WAREHOUSE=snowflake: dagster-snowflake's, handing out
sessions with the DuckDB-shaped interface every MindPulse writer uses (extract.warehouse).

Imported only when Snowflake is selected (orchestration.resources): the connector is a heavy
import that a DuckDB code location does not need.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from dagster_snowflake import SnowflakeResource

from extract.warehouse import SnowflakeSession
from orchestration.cloud_settings import SnowflakeSettings
from orchestration.settings import RAW_SCHEMA


class SnowflakeWarehouse(SnowflakeResource):
    """Key-pair authenticated sessions of the pipeline's service user (terraform/snowflake).

    Frames reach Snowflake through Snowpark (`upload="snowpark"`) or the connector's stage
    upload (`"stage"`); either way the writers' SQL runs on the same connector connection.
    """

    upload: str = "snowpark"

    @contextlib.contextmanager
    def get_connection(self) -> Iterator[SnowflakeSession]:  # type: ignore[override]
        with super().get_connection() as conn:
            upload = None
            if self.upload == "snowpark":
                from extract.snowpark_upload import SnowparkUpload, snowpark_session

                upload = SnowparkUpload(snowpark_session(conn))
            session = SnowflakeSession(conn, scratch_schema=RAW_SCHEMA, upload=upload)
            try:
                yield session
            finally:
                session.drop_scratch()


def snowflake_warehouse(settings: SnowflakeSettings) -> SnowflakeWarehouse:
    args = settings.connection_args()
    extra = {name: args[name] for name in ("host", "port", "protocol") if name in args}
    return SnowflakeWarehouse(
        account=settings.account,
        user=settings.user,
        role=settings.role,
        warehouse=settings.warehouse,
        database=settings.database,
        private_key_path=str(settings.private_key_path),
        private_key_password=settings.private_key_passphrase,
        # The SQL of extract/ and ml_assets/ binds `?` placeholders, as DuckDB does.
        paramstyle="qmark",
        upload=settings.upload,
        # No probing of cloud metadata endpoints to describe the platform at login.
        additional_snowflake_connection_args={**extra, "platform_detection_timeout_seconds": 0.0},
    )
