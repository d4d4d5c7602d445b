"""A local Snowflake for tests: a fakesnow server on loopback, reached the way production is.

fakesnow (server mode) answers Snowflake's REST protocol on 127.0.0.1 and runs each statement,
translated from Snowflake SQL, in a DuckDB database of its own process (tests/fakesnow_process.py).
The pipeline reaches it with
its own settings (MINDPULSE_WAREHOUSE=snowflake and the SNOWFLAKE_* variables, key-pair
authentication with a key generated here) plus SNOWFLAKE_HOST / PORT / PROTOCOL, which point
the real connector at the stand-in instead of an account's host. fakesnow accepts any key: the
test proves the key-pair path is taken and works, not that Snowflake would accept this key.

Known fakesnow 0.12.1 limits this works around or lives with (each noted where it bites):
COPY INTO a temporary table fails (extract.warehouse uploads to transient scratch tables);
DDL after DML in one transaction is refused (Snowflake would commit there; the writers keep DDL
out of their transactions); a NULL TIMESTAMP_NTZ is fetched as 1970-01-01 00:00:00 (the value
is NULL in the database); Snowpark cannot connect (MINDPULSE_SNOWFLAKE_UPLOAD=stage here).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from snowflake.connector import connect

from orchestration.settings import PROJECT_ROOT

DATABASE = "MINDPULSE"
KEY_PASSPHRASE = "stand-in passphrase"
SCHEMAS = ("RAW", "STAGING", "MARTS", "ML")  # what terraform/snowflake creates


@dataclass(frozen=True)
class StandIn:
    server: dict[str, Any]  # snowflake.connector arguments of the fakesnow server
    env: dict[str, str]  # the environment that selects it for MindPulse

    def connect(self):
        """A plain connector connection (qmark), for the test's own checks."""
        return connect(
            **self.server,
            database=DATABASE,
            paramstyle="qmark",
            platform_detection_timeout_seconds=0.0,
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        conn = self.connect()
        try:
            return conn.cursor().execute(sql, params).fetchall()
        finally:
            conn.close()


def write_private_key(path: Path) -> Path:
    """An encrypted PKCS#8 RSA key, as `openssl genrsa | openssl pkcs8 -topk8 -v2 ...` makes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(KEY_PASSPHRASE.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem)
    path.chmod(0o600)
    return path


@contextmanager
def snowflake_stand_in(key_dir: Path) -> Iterator[StandIn]:
    """Start fakesnow (a process of its own, tests/fakesnow_process.py) with an empty MINDPULSE
    database, what terraform/snowflake creates."""
    key_dir.mkdir(parents=True, exist_ok=True)
    with (key_dir / "fakesnow.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakesnow_process"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"fakesnow did not start: see {key_dir / 'fakesnow.log'}")
        server = json.loads(line)
        env = {
            "MINDPULSE_WAREHOUSE": "snowflake",
            "SNOWFLAKE_ACCOUNT": server["account"],
            "SNOWFLAKE_USER": server["user"],
            "SNOWFLAKE_ROLE": "MINDPULSE_PIPELINE",
            "SNOWFLAKE_WAREHOUSE": "MINDPULSE_WH",
            "SNOWFLAKE_DATABASE": DATABASE,
            "SNOWFLAKE_PRIVATE_KEY_PATH": str(write_private_key(key_dir / "snowflake_key.p8")),
            "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": KEY_PASSPHRASE,
            "SNOWFLAKE_HOST": server["host"],
            "SNOWFLAKE_PORT": str(server["port"]),
            "SNOWFLAKE_PROTOCOL": server["protocol"],
            # Snowpark does not run against fakesnow: frames go up through the connector.
            "MINDPULSE_SNOWFLAKE_UPLOAD": "stage",
        }
        stand_in = StandIn(server=server, env=env)
        stand_in.query(f"create database if not exists {DATABASE}")
        yield stand_in
    finally:
        process.stdin.close()  # the server's signal to stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
