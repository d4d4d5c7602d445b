{#-
    Within each series (partition_by), periods must follow each other with no number missing
    (or repeated) and each must start after the previous one ended. Pauses between survey phases
    keep the numbering, so they pass here; their length is checked against the documented
    phase breaks by a singular test.
-#}
{% test periods_in_sequence(model, partition_by, period_number, period_start, period_end) %}

with

periods as (

    select
        {{ partition_by | join(', ') }},
        {{ period_number }} as period_number,
        {{ period_start }} as period_start,
        {{ period_end }} as period_end,
        lag({{ period_number }}) over (
            partition by {{ partition_by | join(', ') }}
            order by {{ period_number }}, {{ period_start }}
        ) as previous_period_number,
        lag({{ period_end }}) over (
            partition by {{ partition_by | join(', ') }}
            order by {{ period_number }}, {{ period_start }}
        ) as previous_period_end
    from {{ model }}

)

select *
from periods
where
    previous_period_number is not null
    and (
        period_number <> previous_period_number + 1
        or period_start <= previous_period_end
    )

{% endtest %}
