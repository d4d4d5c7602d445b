"""The dashboard's Snowflake connection follows the same SNOWFLAKE_* settings as dbt."""

from dashboard.warehouse import current_target, snowflake_connection_kwargs


def test_snowflake_switch_uses_the_shared_settings(monkeypatch):
    monkeypatch.setenv("MINDPULSE_WAREHOUSE", "snowflake")
    monkeypatch.setenv("SNOWFLAKE_ACCOUNT", "acme-xy12345")
    monkeypatch.setenv("SNOWFLAKE_USER", "MINDPULSE_SVC")
    monkeypatch.setenv("SNOWFLAKE_PRIVATE_KEY_PATH", "/secrets/rsa_key.p8")
    monkeypatch.delenv("SNOWFLAKE_ROLE", raising=False)
    monkeypatch.delenv("SNOWFLAKE_WAREHOUSE", raising=False)
    monkeypatch.delenv("SNOWFLAKE_DATABASE", raising=False)
    assert current_target().kind == "snowflake"
    assert snowflake_connection_kwargs() == {
        "account": "acme-xy12345",
        "user": "MINDPULSE_SVC",
        "database": "MINDPULSE",
        "private_key_file": "/secrets/rsa_key.p8",
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
