{#-
    The current time in UTC as a timestamp without time zone: the type of every timestamp the
    raw layer holds (created_utc, _loaded_at), so comparisons need no session time zone.
-#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'mindpulse')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast(now() at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro snowflake__utc_now() -%}
    {{ dbt.current_timestamp_in_utc_backcompat() }}
{%- endmacro %}
