{#-
    Use the configured schema name as is: `staging`, not `<target schema>_staging` (dbt's
    default). DuckDB then has exactly raw / staging / marts, and Snowflake gets the same names
    (unquoted, so they resolve to RAW / STAGING / MARTS as terraform creates them).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim | lower }}
    {%- else -%}
        {{ custom_schema_name | trim | lower }}
    {%- endif -%}
{%- endmacro %}
