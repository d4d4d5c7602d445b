-- Suicide rates per 100,000 by country, year, sex and age band (WHO). Yearly: it joins the
-- dashboard's Global context page, not fct_signals or forecasting.
with

statistics as (

    select * from {{ ref('stg_who__suicide_statistics') }}

),

final as (

    select
        cast(country as {{ dbt.type_string() }}) as country,
        -- 'year' is a keyword in some dialects, but it is the WHO data's own column name.
        cast(year as {{ dbt.type_int() }}) as year,  -- noqa: RF04
        cast(sex as {{ dbt.type_string() }}) as sex,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(age_band_order as {{ dbt.type_int() }}) as age_band_order,
        cast(suicides as bigint) as suicides,
        cast(population as bigint) as population,
        -- Null unless both counts are there: a blank count is unknown, not zero.
        cast(
            case
                when suicides is not null and population > 0
                    then suicides * 100000.0 / population
            end as double
        ) as rate_per_100k,
        cast(source_layout as {{ dbt.type_string() }}) as source_layout
    from statistics

)

select * from final
