{#-
    Fails on every row where the raw answer (answer_column) holds something but the typed
    column_name is null: an answer the mapping does not know, e.g. a new survey wording.
-#}
{% test recognised_answer(model, column_name, answer_column) %}

select {{ answer_column }} as unrecognised_answer
from {{ model }}
where
    {{ answer_column }} is not null
    and trim({{ answer_column }}) <> ''
    and {{ column_name }} is null

{% endtest %}
