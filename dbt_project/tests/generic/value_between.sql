{#-
    Fails on every non-null value below min_value or above max_value (bounds included); either
    bound may be left out. Nulls pass: not_null says where a value is required.
-#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "value_between on " ~ model ~ "." ~ column_name ~ " needs min_value, max_value or both"
    ) }}
{%- endif %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where
    {{ column_name }} is not null
    and (
        {%- if min_value is not none %}
        {{ column_name }} < {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %}
        or
        {%- endif %}
        {%- if max_value is not none %}
        {{ column_name }} > {{ max_value }}
        {%- endif %}
    )

{% endtest %}
