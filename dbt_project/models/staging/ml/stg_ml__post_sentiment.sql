with

source as (

    select * from {{ source('ml', 'post_sentiment') }}

),

final as (

    select
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        cast(text_hash as {{ dbt.type_string() }}) as text_hash,
        cast(compound as double) as compound,
        cast(negative as double) as negative_share,
        cast(neutral as double) as neutral_share,
        cast(positive as double) as positive_share,
        cast(label as {{ dbt.type_string() }}) as label,
        cast(model as {{ dbt.type_string() }}) as model,
        cast(run_id as {{ dbt.type_string() }}) as run_id,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from source

)

select * from final
