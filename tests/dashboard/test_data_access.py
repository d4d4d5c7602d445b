"""The dashboard's Snowflake connection follows the same SNOWFLAKE_* settings as dbt."""

from dashboard.warehouse import current_target, snowflake_connection_kwargs


def test_snowflake_switch_uses_the_shared_settings(monkeypatch, tmp_path):
    key = tmp_path / "rsa_key.p8"
    key.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    monkeypatch.setenv("MINDPULSE_WAREHOUSE", "snowflake")
    monkeypatch.setenv("SNOWFLAKE_ACCOUNT", "acme-xy12345")
    monkeypatch.setenv("SNOWFLAKE_USER", "MINDPULSE_DASHBOARD")
    monkeypatch.setenv("SNOWFLAKE_ROLE", "MINDPULSE_READER")
    monkeypatch.setenv("SNOWFLAKE_WAREHOUSE", "MINDPULSE_WH")
    monkeypatch.setenv("SNOWFLAKE_PRIVATE_KEY_PATH", str(key))
    for name in ("SNOWFLAKE_DATABASE", "SNOWFLAKE_HOST", "SNOWFLAKE_PORT", "SNOWFLAKE_PROTOCOL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", raising=False)
    assert current_target().kind == "snowflake"
    assert snowflake_connection_kwargs() == {
        "account": "acme-xy12345",
        "user": "MINDPULSE_DASHBOARD",
        "role": "MINDPULSE_READER",
        "warehouse": "MINDPULSE_WH",
        "database": "MINDPULSE",
        "private_key_file": str(key),
        "protocol": "https",
        # The pages' SQL binds `?` placeholders.
        "paramstyle": "qmark",
    }


def test_duckdb_switch_reads_the_published_copy_and_needs_no_snowflake(monkeypatch, tmp_path):
    monkeypatch.delenv("MINDPULSE_WAREHOUSE", raising=False)
    monkeypatch.setenv("MINDPULSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MINDPULSE_DUCKDB_PATH", str(tmp_path / "w" / "x.duckdb"))
    target = current_target()
    assert target.kind == "duckdb"
    # In the data folder, named after the warehouse file, wherever that file is.
    assert target.duckdb_path == tmp_path / "data" / "warehouse" / "published" / "x.duckdb"
    assert snowflake_connection_kwargs() == {}
