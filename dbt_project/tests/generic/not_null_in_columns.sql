{#-
    Fails on every row where one of the listed columns is null: one test (one dbt node, one
    Dagster check) for several required columns of a model.
-#}
{% test not_null_in_columns(model, columns) %}

{% for column in columns %}
select '{{ column }}' as null_column
from {{ model }}
where {{ column }} is null
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
