{#-
    The communities the pipeline follows (var reddit_subreddits), as a list of trimmed,
    lower-cased names, whether the var is the comma-separated environment variable or a list
    given with --vars. Community names are compared lower-cased everywhere.
-#}
{% macro reddit_subreddits() -%}
    {%- set configured = var('reddit_subreddits') -%}
    {%- if configured is string -%}
        {%- set configured = configured.split(',') -%}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in configured -%}
        {%- if name | trim -%}
            {%- do names.append(name | trim | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
