with

source as (

    select * from {{ source('cdc_pulse', 'cdc_pulse_indicators') }}

),

renamed as (

    select
        -- Short signal names shared by every source of fct_signals; an indicator we do not
        -- know maps to null and fails the not_null test instead of being guessed.
        case lower(trim(indicator))
            when 'symptoms of anxiety disorder' then 'anxiety'
            when 'symptoms of depressive disorder' then 'depression'
            when 'symptoms of anxiety disorder or depressive disorder'
                then 'anxiety_or_depression'
        end as signal,
        cast(indicator as {{ dbt.type_string() }}) as indicator_label,

        case lower(trim(group_name))
            when 'national estimate' then 'national'
            when 'by age' then 'age'
            when 'by sex' then 'sex'
            when 'by state' then 'state'
            when 'by race/hispanic ethnicity' then 'race_ethnicity'
            when 'by education' then 'education'
            when 'by gender identity' then 'gender_identity'
            when 'by sexual orientation' then 'sexual_orientation'
            when 'by disability status' then 'disability_status'
        end as group_type,
        cast(group_name as {{ dbt.type_string() }}) as group_label,
        cast(trim(subgroup) as {{ dbt.type_string() }}) as group_value,
        cast(trim(state) as {{ dbt.type_string() }}) as state,

        cast(trim(phase) as {{ dbt.type_string() }}) as phase,
        cast(time_period as {{ dbt.type_int() }}) as period_number,
        cast(time_period_label as {{ dbt.type_string() }}) as period_label,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,

        cast(value as double) as value,
        cast(low_ci as double) as ci_low,
        cast(high_ci as double) as ci_high,
        cast(quartile_range as {{ dbt.type_string() }}) as quartile_range,

        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(_source_mode as {{ dbt.type_string() }}) as source_mode,
        _row_number as row_number_in_batch

    from source

),

collected as (

    -- Phase -1 rows mark the pauses between survey phases: no data was collected, and they
    -- all reuse period 1, so they would collide with the real first period.
    select * from renamed
    where phase <> '-1'

),

ranked as (

    select
        *,
        row_number() over (
            partition by signal, group_type, group_value, period_number
            order by loaded_at desc, batch_id desc, row_number_in_batch desc
        ) as load_rank
    from collected

),

final as (

    select
        signal,
        indicator_label,
        group_type,
        group_label,
        group_value,
        state,
        phase,
        period_number,
        period_label,
        period_start,
        period_end,
        value,
        ci_low,
        ci_high,
        -- Outside the gap rows a missing value is an estimate NCHS suppressed as unreliable.
        value is null as is_suppressed,
        quartile_range,
        batch_id,
        loaded_at,
        source_mode
    from ranked
    -- Latest load wins when a record arrives more than once.
    where load_rank = 1

)

select * from final
