with

source as (

    select * from {{ source('who', 'who_suicide_statistics') }}

),

final as (

    select
        cast(trim(country) as {{ dbt.type_string() }}) as country,
        -- 'year' is a keyword in some dialects, but it is the WHO data's own column name.
        cast(year as {{ dbt.type_int() }}) as year,  -- noqa: RF04
        cast(lower(sex) as {{ dbt.type_string() }}) as sex,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        -- Age bands as strings sort '5-14 years' after '35-54 years': an explicit order.
        case age_band
            when '5-14 years' then 1
            when '15-24 years' then 2
            when '25-34 years' then 3
            when '35-54 years' then 4
            when '55-74 years' then 5
            when '75+ years' then 6
        end as age_band_order,
        -- Blank stays null: a missing count is not zero deaths.
        cast(suicides as bigint) as suicides,
        cast(population as bigint) as population,
        cast(published_rate_per_100k as double) as published_rate_per_100k,
        cast(hdi as double) as hdi,
        cast(gdp_per_capita as double) as gdp_per_capita,
        cast(generation as {{ dbt.type_string() }}) as generation,
        cast(layout as {{ dbt.type_string() }}) as source_layout,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(_source_mode as {{ dbt.type_string() }}) as source_mode
    from source

)

select * from final
