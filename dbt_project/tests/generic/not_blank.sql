{#- Fails on every row whose column is null, empty or only white space. -#}
{% test not_blank(model, column_name) %}

select {{ column_name }} as blank_value
from {{ model }}
where {{ column_name }} is null or trim({{ column_name }}) = ''

{% endtest %}
