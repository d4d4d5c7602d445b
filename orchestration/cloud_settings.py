"""The production path's settings: Snowflake (MINDPULSE_WAREHOUSE=snowflake) and S3 landing.

Read from the environment mapping orchestration/settings.py passes in, and checked before any
work starts: a run that selects Snowflake without its credentials fails at once with every
missing variable named, not halfway through a pipeline at the first connection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.env_values import ConfigurationError, positive_int

DEFAULT_SNOWFLAKE_DATABASE = "MINDPULSE"
DEFAULT_LANDING_PREFIX = "landing"
CONNECTION_PROTOCOLS = ("https", "http")
# How frames reach Snowflake: Snowpark DataFrames, or the connector's stage upload (PUT + COPY
# INTO, what write_pandas does), for where Snowpark cannot run (a local stand-in).
UPLOAD_METHODS = ("snowpark", "stage")

# What a Snowflake session needs, in the order a user fills them in; the key's passphrase is
# optional (an unencrypted key has none) and the database has a default.
REQUIRED_SNOWFLAKE_VARIABLES = (
    "SNOWFLAKE_ACCOUNT",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_ROLE",
    "SNOWFLAKE_WAREHOUSE",
    "SNOWFLAKE_PRIVATE_KEY_PATH",
)
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class SnowflakeSettings:
    """One Snowflake account, reached by key-pair authentication (the service user of
    terraform/snowflake). host, port and protocol are for a private-link endpoint or a local
    stand-in; unset, the connector derives the host from the account."""

    account: str
    user: str
    role: str
    warehouse: str
    database: str
    private_key_path: Path
    private_key_passphrase: str | None = field(default=None, repr=False)
    host: str | None = None
    port: int | None = None
    protocol: str = "https"
    upload: str = "snowpark"

    def connection_args(self) -> dict:
        """Keyword arguments of snowflake.connector.connect (and dagster-snowflake)."""
        args = {
            "account": self.account,
            "user": self.user,
            "role": self.role,
            "warehouse": self.warehouse,
            "database": self.database,
            "private_key_file": str(self.private_key_path),
            "protocol": self.protocol,
        }
        if self.private_key_passphrase:
            args["private_key_file_pwd"] = self.private_key_passphrase
        if self.host:
            args["host"] = self.host
        if self.port:
            args["port"] = self.port
        return args


@dataclass(frozen=True)
class LandingBucket:
    """Where landing files go in production: s3://<bucket>/<prefix>/<source>/<batch file>."""

    bucket: str
    prefix: str = DEFAULT_LANDING_PREFIX
    # A non-AWS endpoint (a local S3 stand-in, or a VPC endpoint); None: AWS's own.
    endpoint_url: str | None = None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def snowflake_from_env(env: Mapping[str, str]) -> SnowflakeSettings:
    """The Snowflake settings, or ConfigurationError naming every variable that is missing."""
    values = {name: env.get(name, "").strip() for name in REQUIRED_SNOWFLAKE_VARIABLES}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ConfigurationError(
            "MINDPULSE_WAREHOUSE=snowflake needs " + ", ".join(missing) + " (missing or empty). "
            "Set them to the account, the service user, its role and warehouse (terraform/"
            "snowflake creates them) and the path of the user's private key, or unset "
            "MINDPULSE_WAREHOUSE to run on the local DuckDB file."
        )
    key_path = Path(values["SNOWFLAKE_PRIVATE_KEY_PATH"]).expanduser()
    if not key_path.is_file():
        raise ConfigurationError(
            f"SNOWFLAKE_PRIVATE_KEY_PATH={str(key_path)!r} is not a readable file; give the "
            "path of the service user's private key (PEM, PKCS#8)."
        )
    protocol = env.get("SNOWFLAKE_PROTOCOL", "").strip().lower() or "https"
    if protocol not in CONNECTION_PROTOCOLS:
        raise ConfigurationError(
            f"SNOWFLAKE_PROTOCOL={protocol!r} must be one of {CONNECTION_PROTOCOLS}."
        )
    raw_port = env.get("SNOWFLAKE_PORT", "").strip()
    port = positive_int(raw_port) if raw_port else None
    if raw_port and port is None:
        raise ConfigurationError(f"SNOWFLAKE_PORT={raw_port!r} must be a port number such as 443.")
    upload = env.get("MINDPULSE_SNOWFLAKE_UPLOAD", "").strip().lower() or "snowpark"
    if upload not in UPLOAD_METHODS:
        raise ConfigurationError(
            f"MINDPULSE_SNOWFLAKE_UPLOAD={upload!r} must be one of {UPLOAD_METHODS}."
        )
    return SnowflakeSettings(
        account=values["SNOWFLAKE_ACCOUNT"],
        user=values["SNOWFLAKE_USER"],
        role=values["SNOWFLAKE_ROLE"],
        warehouse=values["SNOWFLAKE_WAREHOUSE"],
        database=env.get("SNOWFLAKE_DATABASE", "").strip() or DEFAULT_SNOWFLAKE_DATABASE,
        private_key_path=key_path.resolve(),
        private_key_passphrase=env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "").strip() or None,
        host=env.get("SNOWFLAKE_HOST", "").strip() or None,
        port=port,
        protocol=protocol,
        upload=upload,
    )


def landing_bucket_from_env(env: Mapping[str, str]) -> LandingBucket | None:
    """MINDPULSE_LANDING_BUCKET (and its prefix and endpoint), or None: the local folder."""
    bucket = env.get("MINDPULSE_LANDING_BUCKET", "").strip()
    if not bucket:
        return None
    if not _BUCKET_NAME.fullmatch(bucket):
        raise ConfigurationError(
            f"MINDPULSE_LANDING_BUCKET={bucket!r} is not an S3 bucket name (3-63 lower-case "
            "letters, digits, dots and hyphens); give the name alone, without s3://."
        )
    prefix = env.get("MINDPULSE_LANDING_PREFIX", DEFAULT_LANDING_PREFIX).strip().strip("/")
    endpoint = env.get("MINDPULSE_S3_ENDPOINT_URL", "").strip() or None
    if endpoint is not None and not re.match(r"https?://", endpoint):
        raise ConfigurationError(
            f"MINDPULSE_S3_ENDPOINT_URL={endpoint!r} must be a URL such as "
            "http://127.0.0.1:5000; unset it to use AWS's own endpoint."
        )
    return LandingBucket(bucket=bucket, prefix=prefix, endpoint_url=endpoint)
