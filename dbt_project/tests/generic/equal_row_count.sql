{#-
    Fails (one row) when the model and compare_model hold different numbers of rows: a
    reconciliation that no row was lost or duplicated between two layers. `compare_where`
    filters compare_model as the test's own `where` config filters the model.
-#}
{% test equal_row_count(model, compare_model, compare_where=none) %}

with

counts as (

    select
        (select count(*) from {{ model }}) as model_rows,
        (
            select count(*) from {{ compare_model }}
            {% if compare_where %}where {{ compare_where }}{% endif %}
        ) as compare_model_rows

)

select *
from counts
where model_rows <> compare_model_rows

{% endtest %}
