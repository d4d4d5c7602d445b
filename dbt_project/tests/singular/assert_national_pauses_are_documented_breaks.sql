-- A pause of more than 21 days between consecutive national collection periods must be a
-- documented phase break. Within a phase, windows follow each other with at most about two
-- weeks between them, so a longer pause means missing data unless the survey itself paused.

with

national_periods as (

    select distinct
        period_number,
        period_start,
        period_end
    from {{ ref('stg_cdc__pulse_indicators') }}
    where group_type = 'national'

),

phase_breaks as (

    select * from {{ ref('cdc_survey_phase_breaks') }}

),

consecutive as (

    select
        lag(period_number) over (order by period_start) as previous_period_number,
        lag(period_end) over (order by period_start) as previous_period_end,
        period_number,
        period_start
    from national_periods

),

pauses as (

    select
        previous_period_number,
        previous_period_end,
        period_number,
        period_start,
        {{ dbt.datediff('previous_period_end', 'period_start', 'day') }} - 1 as pause_days
    from consecutive
    where previous_period_end is not null

),

undocumented as (

    select pauses.*
    from pauses
    where
        pauses.pause_days > 21
        and not exists (
            select 1
            from phase_breaks
            where
                phase_breaks.break_start < pauses.period_start
                and phase_breaks.break_end > pauses.previous_period_end
        )

)

select * from undocumented
