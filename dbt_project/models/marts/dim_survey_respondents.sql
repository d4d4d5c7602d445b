-- One row per respondent and survey year of the OSMI Mental Health in Tech survey: typed,
-- normalised answers for segmenting and comparing years. Free text never reaches it; the
-- answers that the staging model only keeps for its tests stay there.
with

responses as (

    select * from {{ ref('stg_osmi__survey_responses') }}

),

final as (

    select
        respondent_id,
        survey_year,
        submitted_at,
        age,
        age_out_of_range,
        case
            when age is null then 'unknown'
            when age < 25 then '18-24'
            when age < 35 then '25-34'
            when age < 45 then '35-44'
            when age < 55 then '45-54'
            else '55+'
        end as age_band,
        gender,
        country,
        us_state,
        is_self_employed,
        company_size,
        company_size_rank,
        is_tech_company,
        remote_work,
        family_history,
        sought_treatment,
        work_interference,
        benefits,
        care_options,
        wellness_program,
        seek_help,
        anonymity,
        leave_ease,
        mental_health_consequence,
        phys_health_consequence,
        coworkers,
        supervisor,
        mental_health_interview,
        phys_health_interview,
        mental_vs_physical,
        obs_consequence,
        source_mode
    from responses

)

select * from final
