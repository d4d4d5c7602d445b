{#-
    Fails on every value of the listed columns that is not null and not one of `values`: one
    test (one dbt node) for many columns that share a vocabulary.
-#}
{% test accepted_values_in_columns(model, columns, values) %}

{%- set quoted = [] -%}
{%- for value in values -%}
    {%- do quoted.append("'" ~ (value | replace("'", "''")) ~ "'") -%}
{%- endfor %}

{% for column in columns %}
select '{{ column }}' as column_name, cast({{ column }} as {{ dbt.type_string() }}) as value
from {{ model }}
where {{ column }} is not null and {{ column }} not in ({{ quoted | join(', ') }})
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
