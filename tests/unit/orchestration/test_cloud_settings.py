"""The production path's settings: Snowflake fails fast and names what is missing; S3 landing."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.cloud_settings import REQUIRED_SNOWFLAKE_VARIABLES
from orchestration.env_values import ConfigurationError
from orchestration.settings import load_settings


def _snowflake_env(key: Path) -> dict[str, str]:
    key.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\n...\n")
    return {
        "MINDPULSE_WAREHOUSE": "snowflake",
        "SNOWFLAKE_ACCOUNT": "xy12345.eu-central-1",
        "SNOWFLAKE_USER": "MINDPULSE_SERVICE",
        "SNOWFLAKE_ROLE": "MINDPULSE_PIPELINE",
        "SNOWFLAKE_WAREHOUSE": "MINDPULSE_WH",
        "SNOWFLAKE_PRIVATE_KEY_PATH": str(key),
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "s3cret-passphrase",
    }


def test_snowflake_without_credentials_fails_naming_every_missing_variable():
    with pytest.raises(ConfigurationError) as refused:
        load_settings({"MINDPULSE_WAREHOUSE": "snowflake", "SNOWFLAKE_USER": "someone"})
    message = str(refused.value)
    missing = [name for name in REQUIRED_SNOWFLAKE_VARIABLES if name != "SNOWFLAKE_USER"]
    assert all(name in message for name in missing), message
    assert "SNOWFLAKE_USER" not in message
    assert "unset MINDPULSE_WAREHOUSE" in message


def test_the_code_location_refuses_to_load_before_any_work_starts(monkeypatch):
    # definitions.py builds the resources from load_settings(): a missing variable stops the
    # code location (and `make run`) at once, not a step halfway through a run.
    from orchestration import definitions

    for name in REQUIRED_SNOWFLAKE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MINDPULSE_WAREHOUSE", "snowflake")
    with pytest.raises(ConfigurationError, match="SNOWFLAKE_ACCOUNT"):
        definitions.defs()


def test_a_missing_key_file_is_named(tmp_path: Path):
    env = _snowflake_env(tmp_path / "key.p8")
    env["SNOWFLAKE_PRIVATE_KEY_PATH"] = str(tmp_path / "nowhere.p8")
    with pytest.raises(ConfigurationError, match="nowhere.p8"):
        load_settings(env)


def test_complete_snowflake_settings_become_key_pair_connection_arguments(tmp_path: Path):
    env = _snowflake_env(tmp_path / "key.p8")
    snowflake = load_settings(env).snowflake
    assert snowflake is not None
    args = snowflake.connection_args()
    assert args["private_key_file"] == str(tmp_path / "key.p8")
    assert args["private_key_file_pwd"] == "s3cret-passphrase"
    assert args["database"] == "MINDPULSE" and args["protocol"] == "https"
    assert "password" not in args and "host" not in args
    assert "s3cret" not in repr(snowflake)
    local = load_settings(
        {
            **env,
            "SNOWFLAKE_HOST": "127.0.0.1",
            "SNOWFLAKE_PORT": "8443",
            "SNOWFLAKE_PROTOCOL": "http",
        }
    ).snowflake
    assert (local.host, local.port, local.protocol) == ("127.0.0.1", 8443, "http")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SNOWFLAKE_PROTOCOL": "ftp"}, "SNOWFLAKE_PROTOCOL"),
        ({"SNOWFLAKE_PORT": "eighty"}, "SNOWFLAKE_PORT"),
    ],
)
def test_bad_snowflake_values_say_what_to_do(tmp_path: Path, extra, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings({**_snowflake_env(tmp_path / "key.p8"), **extra})


def test_duckdb_needs_no_snowflake_or_bucket_settings():
    settings = load_settings({})
    assert settings.snowflake is None and settings.landing_bucket is None


def test_the_landing_bucket_and_its_prefix_and_endpoint():
    bucket = load_settings(
        {
            "MINDPULSE_LANDING_BUCKET": "mindpulse-landing-prod",
            "MINDPULSE_LANDING_PREFIX": "/weekly/",
            "MINDPULSE_S3_ENDPOINT_URL": "http://127.0.0.1:5000",
        }
    ).landing_bucket
    assert bucket is not None
    assert bucket.uri == "s3://mindpulse-landing-prod/weekly"
    assert bucket.endpoint_url == "http://127.0.0.1:5000"
    assert load_settings({"MINDPULSE_LANDING_BUCKET": "b-1x"}).landing_bucket.prefix == "landing"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINDPULSE_LANDING_BUCKET": "s3://my-bucket"}, "without s3://"),
        (
            {"MINDPULSE_LANDING_BUCKET": "ok-bucket", "MINDPULSE_S3_ENDPOINT_URL": "localhost"},
            "URL",
        ),
    ],
)
def test_bad_landing_values_say_what_to_do(env, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(env)


def test_frames_go_through_snowpark_unless_the_stage_upload_is_chosen(tmp_path: Path):
    env = _snowflake_env(tmp_path / "key.p8")
    assert load_settings(env).snowflake.upload == "snowpark"
    assert load_settings({**env, "MINDPULSE_SNOWFLAKE_UPLOAD": "Stage"}).snowflake.upload == "stage"
    with pytest.raises(ConfigurationError, match="MINDPULSE_SNOWFLAKE_UPLOAD"):
        load_settings({**env, "MINDPULSE_SNOWFLAKE_UPLOAD": "odbc"})
