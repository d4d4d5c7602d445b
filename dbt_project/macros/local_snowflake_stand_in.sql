{#-
    True when the `snowflake` target is a local stand-in for Snowflake (the fakesnow server the
    tests run, tests/dbt/fakesnow_harness.py), not Snowflake itself: plain HTTP on this machine.
    Snowflake is only served over HTTPS (the profile's default protocol), on its own hosts or a
    private link, so this is false on every real account, and on DuckDB.
-#}
{% macro is_local_snowflake_stand_in() -%}
    {{ return(
        target.type == 'snowflake'
        and (target.get('protocol') or '') | lower == 'http'
        and (target.get('host') or '') | lower in ('127.0.0.1', 'localhost', '::1')
    ) }}
{%- endmacro %}

{#-
    dbt-snowflake's temporary table (the scratch relation of each unit test, and of incremental
    models with a `table` tmp_relation_type) is `create or replace temporary table
    <database>.<schema>.<name>`. fakesnow (0.12.1) hands that name to DuckDB, whose temporary
    tables can only live in its `temp` catalog ("TEMPORARY table names can *only* use the "temp"
    catalog"), and an unqualified temporary table cannot be described there either (fakesnow's
    DESCRIBE reads its own information schema of the current database, which has no `temp`
    tables), while dbt describes the scratch relation right after creating it.

    So on the local stand-in only, the relation is created as a transient table under the same
    qualified name: dbt describes and drops it by that name as it would the temporary table, and
    the model SQL the unit test checks is unchanged. Anywhere else this is dbt-snowflake's own
    macro (`dbt.` reaches the adapter's version past this override), so real Snowflake keeps
    its session-scoped temporary tables.

    This overrides the helper dbt-snowflake 1.11's snowflake__create_table_as calls for
    `temporary` (same name and arguments): a narrower override than create_table_as itself,
    which every table build goes through. If a dbt-snowflake release stops calling it, the
    unit tests on fakesnow fail again (tests/dbt/test_dbt_snowflake_target.py).
-#}
{% macro snowflake__create_table_temporary_sql(relation, compiled_code) -%}
    {%- if mindpulse.is_local_snowflake_stand_in() -%}
        {{ dbt.snowflake__create_table_transient_sql(relation, compiled_code) }}
    {%- else -%}
        {{ dbt.snowflake__create_table_temporary_sql(relation, compiled_code) }}
    {%- endif -%}
{%- endmacro %}
