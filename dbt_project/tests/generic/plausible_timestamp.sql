{#-
    Fails on every timestamp before `earliest` or more than `days_ahead` days after now (UTC).
    Null values pass: not_null says where a value is required. The column holds UTC without a
    time zone, as the raw layer does (macros/utc_now.sql).
-#}
{% test plausible_timestamp(model, column_name, earliest, days_ahead=1) %}

select {{ column_name }} as implausible_timestamp
from {{ model }}
where
    {{ column_name }} < cast('{{ earliest }}' as {{ dbt.type_timestamp() }})
    or {{ column_name }} > {{ dbt.dateadd('day', days_ahead, mindpulse.utc_now()) }}

{% endtest %}
