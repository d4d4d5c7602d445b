{#-
    Incremental: a run takes only the posts whose latest scrape was loaded after the newest
    load this table holds (a new week, or a post scraped again) and replaces their rows by
    post_id. The staging view dedupes every post to its latest scrape, so a post taken here is
    always its newest version. A post that later disappears from raw (its window was loaded
    again without it) stays as last seen; `dbt build --full-refresh` rebuilds it from raw.

    delete+insert, not merge: both engines run it as one transaction (dbt-duckdb's
    materialization, dbt-snowflake's explicit BEGIN/COMMIT), with the same result as a merge
    for a full-row upsert, and the Snowflake form is tested on fakesnow, which cannot run the
    MERGE dbt-snowflake writes (its unqualified INSERT VALUES columns are ambiguous there).
    DuckDB >= 1.4 supports merge too, should a partial update ever be needed.

    tmp_relation_type (dbt-snowflake only; DuckDB ignores it): the rows are staged in a
    transient table next to this one, dropped after the insert, instead of dbt-snowflake's
    default temporary table `<database>.<schema>.fct_reddit_posts__dbt_tmp`. fakesnow runs
    Snowflake SQL on DuckDB, where a temporary relation cannot carry a database and schema,
    and an unqualified one cannot be described there (on_schema_change needs that). A
    transient table is plain Snowflake SQL that behaves the same in both, so the tests run the
    statements production runs.
-#}
{{
    config(
        materialized='incremental',
        unique_key='post_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        tmp_relation_type='transient',
    )
}}

with

posts as (

    select staged.*
    from {{ ref('stg_reddit__posts') }} as staged
    {% if is_incremental() %}
        -- The empty table's max is null: then everything is new.
        where staged.loaded_at > (
            select
                coalesce(
                    max(loaded_before.loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})
                )
            from {{ this }} as loaded_before
        )
    {% endif %}

),

final as (

    -- Types spelled out so the enforced contract holds in DuckDB and Snowflake alike.
    select
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        cast(subreddit as {{ dbt.type_string() }}) as subreddit,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(body as {{ dbt.type_string() }}) as body,
        cast(body_state as {{ dbt.type_string() }}) as body_state,
        cast(author_hash as {{ dbt.type_string() }}) as author_hash,
        cast(created_utc as {{ dbt.type_timestamp() }}) as created_utc,
        cast(created_week as date) as created_week,
        cast(title_length as {{ dbt.type_int() }}) as title_length,
        cast(body_length as {{ dbt.type_int() }}) as body_length,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(upvote_ratio as double) as upvote_ratio,
        cast(num_comments as {{ dbt.type_int() }}) as num_comments,
        cast(permalink as {{ dbt.type_string() }}) as permalink,
        cast(batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(source_mode as {{ dbt.type_string() }}) as source_mode
    from posts

)

select * from final
