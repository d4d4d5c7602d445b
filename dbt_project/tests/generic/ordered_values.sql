{#-
    Fails on every row where the given columns are not in non-decreasing order, e.g.
    [ci_low, value, ci_high] checks ci_low <= value <= ci_high. A null column is skipped: the
    columns on either side of it must still be in order.
-#}
{% test ordered_values(model, columns) %}

{%- if columns | length < 2 -%}
    {{ exceptions.raise_compiler_error("ordered_values needs at least two columns, got " ~ columns) }}
{%- endif %}

select *
from {{ model }}
where
    {%- for lower in columns[:-1] %}
        {%- set outer_index = loop.index0 %}
        {%- for higher in columns[outer_index + 1:] %}
    {{ 'or ' if not (outer_index == 0 and loop.first) }}({{ lower }} > {{ higher }})
        {%- endfor %}
    {%- endfor %}

{% endtest %}
