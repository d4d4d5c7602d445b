with

source as (

    select * from {{ source('osmi', 'osmi_survey_responses') }}

),

gender_answers as (

    select * from {{ ref('osmi_gender_answers') }}

),

country_names as (

    select * from {{ ref('osmi_country_names') }}

),

typed as (

    select
        cast(respondent_id as {{ dbt.type_string() }}) as respondent_id,
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        cast(layout as {{ dbt.type_string() }}) as survey_layout,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
        age as age_answer,
        cast(gender as {{ dbt.type_string() }}) as gender_answer,
        -- Compared with the seed in one form: lower case, trimmed.
        lower(trim(gender)) as gender_key,
        trim(country) as country_answer,
        trim(state) as state_answer,
        {{ mindpulse.osmi_yes_no('self_employed') }} as is_self_employed,
        {{ mindpulse.osmi_answer('family_history') }} as family_history,
        {{ mindpulse.osmi_yes_no('treatment') }} as sought_treatment,
        case
            when lower(trim(work_interfere)) in ('never', 'rarely', 'sometimes', 'often')
                then lower(trim(work_interfere))
            else {{ mindpulse.osmi_answer('work_interfere') }}
        end as work_interference,
        -- Spreadsheets turn '6-25' into a date ('25-Jun', 'Jun-25') and '1-5' into '5-Jan'.
        case trim(no_employees)
            when '1-5' then '1-5'
            when '5-Jan' then '1-5'
            when 'Jan-05' then '1-5'
            when '6-25' then '6-25'
            when '25-Jun' then '6-25'
            when 'Jun-25' then '6-25'
            when '26-100' then '26-100'
            when '100-500' then '100-500'
            when '500-1000' then '500-1000'
            when 'More than 1000' then 'More than 1000'
        end as company_size,
        case lower(trim(remote_work))
            when 'always' then 'yes'
            when 'sometimes' then 'sometimes'
            when 'never' then 'no'
            else {{ mindpulse.osmi_answer('remote_work') }}
        end as remote_work,
        {{ mindpulse.osmi_yes_no('tech_company') }} as is_tech_company,
        {{ mindpulse.osmi_answer('benefits') }} as benefits,
        {{ mindpulse.osmi_answer('care_options') }} as care_options,
        {{ mindpulse.osmi_answer('wellness_program') }} as wellness_program,
        {{ mindpulse.osmi_answer('seek_help') }} as seek_help,
        {{ mindpulse.osmi_answer('anonymity') }} as anonymity,
        case
            when lower(trim(leave)) in (
                'very easy', 'somewhat easy', 'neither easy nor difficult',
                'somewhat difficult', 'very difficult'
            ) then lower(trim(leave))
            else {{ mindpulse.osmi_answer('leave') }}
        end as leave_ease,
        {{ mindpulse.osmi_answer('mental_health_consequence') }} as mental_health_consequence,
        {{ mindpulse.osmi_answer('phys_health_consequence') }} as phys_health_consequence,
        {{ mindpulse.osmi_answer('coworkers') }} as coworkers,
        {{ mindpulse.osmi_answer('supervisor') }} as supervisor,
        {{ mindpulse.osmi_answer('mental_health_interview') }} as mental_health_interview,
        {{ mindpulse.osmi_answer('phys_health_interview') }} as phys_health_interview,
        {{ mindpulse.osmi_answer('mental_vs_physical') }} as mental_vs_physical,
        {{ mindpulse.osmi_answer('obs_consequence') }} as obs_consequence,
        -- The raw answers the recognised_answer tests compare with.
        treatment as treatment_answer,
        benefits as benefits_answer,
        no_employees as company_size_answer,
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(_source_mode as {{ dbt.type_string() }}) as source_mode
    from source

),

final as (

    select
        typed.respondent_id,
        typed.survey_year,
        typed.survey_layout,
        typed.submitted_at,
        typed.age_answer,
        -- An age outside 18-100 (-1726, 5, 329, 99999999999) is not an age: null, and flagged.
        case
            when typed.age_answer between 18 and 100
                then cast(typed.age_answer as {{ dbt.type_int() }})
        end as age,
        coalesce(typed.age_answer not between 18 and 100, false) as age_out_of_range,
        typed.gender_answer,
        -- Every spelling the seed knows; an unknown or missing one is 'unknown', never dropped.
        coalesce(gender_answers.gender, 'unknown') as gender,
        gender_answers.gender is not null or typed.gender_key is null as gender_recognised,
        case
            when country_names.country_answer is not null then country_names.country
            else typed.country_answer
        end as country,
        -- As answered (2014: a two-letter code, 2016: the name), for US residents only: a few
        -- non-US rows of the 2014 survey name a state too.
        case
            when coalesce(country_names.country, typed.country_answer) = 'United States'
                then typed.state_answer
        end as us_state,
        typed.is_self_employed,
        typed.company_size,
        case typed.company_size
            when '1-5' then 1
            when '6-25' then 2
            when '26-100' then 3
            when '100-500' then 4
            when '500-1000' then 5
            when 'More than 1000' then 6
        end as company_size_rank,
        typed.is_tech_company,
        typed.remote_work,
        typed.family_history,
        typed.sought_treatment,
        typed.work_interference,
        typed.benefits,
        typed.care_options,
        typed.wellness_program,
        typed.seek_help,
        typed.anonymity,
        typed.leave_ease,
        typed.mental_health_consequence,
        typed.phys_health_consequence,
        typed.coworkers,
        typed.supervisor,
        typed.mental_health_interview,
        typed.phys_health_interview,
        typed.mental_vs_physical,
        typed.obs_consequence,
        typed.treatment_answer,
        typed.benefits_answer,
        typed.company_size_answer,
        typed.batch_id,
        typed.loaded_at,
        typed.source_mode
    from typed
    left join gender_answers
        on typed.gender_key = gender_answers.gender_answer
    left join country_names
        on lower(typed.country_answer) = country_names.country_answer

)

select * from final
