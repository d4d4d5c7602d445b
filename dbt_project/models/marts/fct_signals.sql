with

cdc_pulse_indicators as (

    select * from {{ ref('stg_cdc__pulse_indicators') }}

),

cdc_pulse_spacing as (

    -- Days from the previous and to the next period start of the same series. Suppressed
    -- periods count: they were collected, only the estimate was withheld.
    select
        *,
        {{ dbt.datediff(
            'lag(period_start) over (partition by signal, group_type, group_value order by period_start)',
            'period_start',
            'day'
        ) }} as days_since_previous_start,
        {{ dbt.datediff(
            'period_start',
            'lead(period_start) over (partition by signal, group_type, group_value order by period_start)',
            'day'
        ) }} as days_until_next_start,
        {{ dbt.datediff('period_start', 'period_end', 'day') }} + 1 as window_days
    from cdc_pulse_indicators

),

cdc_pulse_cadence as (

    select
        *,
        -- The nearer neighbour sets the cadence, so the long pause at a phase break does not
        -- make the first or last period of a phase look four-weekly. A series of one period
        -- falls back to the length of its own window.
        coalesce(
            least(
                coalesce(days_since_previous_start, days_until_next_start),
                coalesce(days_until_next_start, days_since_previous_start)
            ),
            window_days
        ) as spacing_days
    from cdc_pulse_spacing

),

cdc_pulse_signals as (

    select
        signal,
        'cdc_pulse' as source,
        case
            when spacing_days <= 10 then 'weekly'
            when spacing_days <= 17 then 'biweekly'
            else 'four_weekly'
        end as cadence,
        group_type,
        group_value,
        period_start,
        period_end,
        value,
        ci_low,
        ci_high,
        'percent' as unit
    from cdc_pulse_cadence
    -- A suppressed estimate has no value to forecast or compare.
    where not is_suppressed

),

final as (

    -- Types spelled out so the enforced contract holds in DuckDB and Snowflake alike.
    select
        cast(signal as {{ dbt.type_string() }}) as signal,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(cadence as {{ dbt.type_string() }}) as cadence,
        cast(group_type as {{ dbt.type_string() }}) as group_type,
        cast(group_value as {{ dbt.type_string() }}) as group_value,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(value as double) as value,
        cast(ci_low as double) as ci_low,
        cast(ci_high as double) as ci_high,
        cast(unit as {{ dbt.type_string() }}) as unit
    from cdc_pulse_signals

)

select * from final
