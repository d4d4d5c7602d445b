with

source as (

    select * from {{ source('google_trends', 'google_trends_interest') }}

),

renamed as (

    select
        cast(trim(term) as {{ dbt.type_string() }}) as term,
        cast(trim(place) as {{ dbt.type_string() }}) as place,
        cast(period_date as date) as period_date,
        cast(granularity as {{ dbt.type_string() }}) as granularity,
        cast(interest as double) as interest,
        -- Chain-linked across request windows, so a window border is not a change.
        cast(interest * window_link_factor as double) as interest_linked,
        cast(below_one as boolean) as below_one,
        cast(is_partial as boolean) as is_partial,
        cast(window_index as {{ dbt.type_int() }}) as window_index,
        cast(window_link_factor as double) as window_link_factor,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(_source_mode as {{ dbt.type_string() }}) as source_mode
    from source

),

final as (

    select
        *,
        -- The ISO week (Monday) the value describes. Google's weekly rows are dated by the
        -- Sunday that starts their week, which covers the following Monday to Saturday: the
        -- day after names the ISO week. A daily row belongs to its own ISO week.
        cast(
            case
                when granularity = 'weekly'
                    then {{ dbt.date_trunc('week', dbt.dateadd('day', 1, 'period_date')) }}
                else {{ dbt.date_trunc('week', 'period_date') }}
            end as date
        ) as iso_week,
        cast({{ dbt.date_trunc('month', 'period_date') }} as date) as period_month
    from renamed

)

select * from final
