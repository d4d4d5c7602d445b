with

source as (

    select * from {{ source('reddit', 'reddit_posts') }}

),

renamed as (

    select
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        -- 'MentalHealth' and 'mentalhealth' are one community.
        cast(lower(trim(subreddit)) as {{ dbt.type_string() }}) as subreddit,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(body as {{ dbt.type_string() }}) as body,
        cast(body_state as {{ dbt.type_string() }}) as body_state,
        cast(author_hash as {{ dbt.type_string() }}) as author_hash,
        cast(created_utc as {{ dbt.type_timestamp() }}) as created_utc,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(upvote_ratio as double) as upvote_ratio,
        cast(num_comments as {{ dbt.type_int() }}) as num_comments,
        cast(permalink as {{ dbt.type_string() }}) as permalink,
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(_source_mode as {{ dbt.type_string() }}) as source_mode,
        _row_number as row_number_in_batch
    from source

),

ranked as (

    -- The latest scrape of each post wins: the latest load, and within a load the later row.
    select
        *,
        row_number() over (
            partition by post_id
            order by loaded_at desc, row_number_in_batch desc, batch_id desc
        ) as scrape_rank
    from renamed

),

final as (

    select
        post_id,
        subreddit,
        title,
        body,
        body_state,
        author_hash,
        created_utc,
        -- Monday of the ISO week (date_trunc('week') starts weeks on Monday in DuckDB and in
        -- Snowflake's default WEEK_START).
        cast({{ dbt.date_trunc('week', 'created_utc') }} as date) as created_week,
        length(title) as title_length,
        coalesce(length(body), 0) as body_length,
        score,
        upvote_ratio,
        num_comments,
        permalink,
        batch_id,
        loaded_at,
        source_mode
    from ranked
    where scrape_rank = 1

)

select * from final
