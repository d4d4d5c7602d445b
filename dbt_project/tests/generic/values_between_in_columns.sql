{#-
    value_between for several columns that share their bounds: one test (one dbt node, one
    Dagster check) instead of one per column. Fails on every non-null value outside
    [min_value, max_value], naming its column; either bound may be left out.
-#}
{% test values_between_in_columns(model, columns, min_value=none, max_value=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "values_between_in_columns on " ~ model ~ " needs min_value, max_value or both"
    ) }}
{%- endif %}

{% for column in columns %}
select
    '{{ column }}' as column_name,
    cast({{ column }} as double) as out_of_range_value
from {{ model }}
where
    {{ column }} is not null
    and (
        {%- if min_value is not none %}
        {{ column }} < {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %}
        or
        {%- endif %}
        {%- if max_value is not none %}
        {{ column }} > {{ max_value }}
        {%- endif %}
    )
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
