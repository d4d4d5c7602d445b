with

cdc_pulse_indicators as (

    select * from {{ ref('stg_cdc__pulse_indicators') }}

),

reddit_posts as (

    select * from {{ ref('fct_reddit_posts') }}

),

post_sentiment as (

    select * from {{ ref('stg_ml__post_sentiment') }}

),

news_articles as (

    select * from {{ ref('stg_news__articles') }}

),

trends_interest as (

    select * from {{ ref('stg_google_trends__interest') }}

),

cdc_pulse_spacing as (

    -- Days from the previous and to the next period start of the same series. Suppressed
    -- periods count: they were collected, only the estimate was withheld.
    select
        *,
        {{ dbt.datediff(
            'lag(period_start) over (partition by signal, group_type, group_value order by period_start)',
            'period_start',
            'day'
        ) }} as days_since_previous_start,
        {{ dbt.datediff(
            'period_start',
            'lead(period_start) over (partition by signal, group_type, group_value order by period_start)',
            'day'
        ) }} as days_until_next_start,
        {{ dbt.datediff('period_start', 'period_end', 'day') }} + 1 as window_days
    from cdc_pulse_indicators

),

cdc_pulse_cadence as (

    select
        *,
        -- The nearer neighbour sets the cadence, so the long pause at a phase break does not
        -- make the first or last period of a phase look four-weekly. A series of one period
        -- falls back to the length of its own window.
        coalesce(
            least(
                coalesce(days_since_previous_start, days_until_next_start),
                coalesce(days_until_next_start, days_since_previous_start)
            ),
            window_days
        ) as spacing_days
    from cdc_pulse_spacing

),

cdc_pulse_signals as (

    select
        signal,
        'cdc_pulse' as source,
        case
            when spacing_days <= 10 then 'weekly'
            when spacing_days <= 17 then 'biweekly'
            else 'four_weekly'
        end as cadence,
        group_type,
        group_value,
        period_start,
        period_end,
        value,
        ci_low,
        ci_high,
        'percent' as unit
    from cdc_pulse_cadence
    -- A suppressed estimate has no value to forecast or compare.
    where not is_suppressed

),

reddit_newest_week as (

    select max(created_week) as created_week from reddit_posts

),

reddit_complete_posts as (

    -- Only weeks that have ended: the week of the newest post is still being collected and
    -- would look like a drop. It enters once a later post shows that it is over.
    select reddit_posts.*
    from reddit_posts
    cross join reddit_newest_week
    where reddit_posts.created_week < reddit_newest_week.created_week

),

reddit_weekly as (

    select
        reddit_complete_posts.subreddit,
        reddit_complete_posts.created_week,
        count(*) as posts,
        median(reddit_complete_posts.score) as median_score,
        avg(reddit_complete_posts.num_comments) as comments_per_post,
        count(post_sentiment.post_id) as posts_scored,
        sum(case when post_sentiment.label = 'negative' then 1 else 0 end) as posts_negative
    from reddit_complete_posts
    left join post_sentiment
        on reddit_complete_posts.post_id = post_sentiment.post_id
    group by 1, 2

),

reddit_weeks as (

    select distinct created_week from reddit_complete_posts

),

reddit_community_weeks as (

    -- Every week since a community's first post: a week without a post counts 0 posts
    -- instead of going missing.
    select
        communities.subreddit,
        reddit_weeks.created_week
    from (
        select
            subreddit,
            min(created_week) as first_week
        from reddit_complete_posts
        group by 1
    ) as communities
    inner join reddit_weeks
        on communities.first_week <= reddit_weeks.created_week

),

reddit_community_weekly as (

    select
        reddit_community_weeks.subreddit,
        reddit_community_weeks.created_week,
        coalesce(reddit_weekly.posts, 0) as posts,
        reddit_weekly.median_score,
        reddit_weekly.comments_per_post,
        coalesce(reddit_weekly.posts_scored, 0) as posts_scored,
        reddit_weekly.posts_negative
    from reddit_community_weeks
    left join reddit_weekly
        on
            reddit_community_weeks.subreddit = reddit_weekly.subreddit
            and reddit_community_weeks.created_week = reddit_weekly.created_week

),

reddit_values as (

    select
        subreddit,
        created_week,
        'posts_per_week' as signal,
        cast(posts as double) as value,
        'posts' as unit
    from reddit_community_weekly
    union all
    select
        subreddit,
        created_week,
        'median_score' as signal,
        cast(median_score as double) as value,
        'points' as unit
    from reddit_community_weekly
    union all
    select
        subreddit,
        created_week,
        'comments_per_post' as signal,
        cast(comments_per_post as double) as value,
        'comments' as unit
    from reddit_community_weekly
    union all
    -- Over the posts with a score: all of them when the sentiment asset ran before this
    -- model, as it does in the pipeline.
    select
        subreddit,
        created_week,
        'negative_post_share' as signal,
        100.0 * posts_negative / nullif(posts_scored, 0) as value,
        'percent' as unit
    from reddit_community_weekly

),

reddit_signals as (

    select
        signal,
        'reddit' as source,
        'weekly' as cadence,
        'subreddit' as group_type,
        subreddit as group_value,
        created_week as period_start,
        {{ dbt.dateadd('day', 6, 'created_week') }} as period_end,
        value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        unit
    from reddit_values
    -- A week without posts has a count but no median, mean or share.
    where value is not null

),

news_newest_load as (

    select max(loaded_at) as loaded_at from news_articles

),

news_complete_articles as (

    -- Only weeks that had ended when the newest batch was loaded: a live fetch in the middle
    -- of a week would make that week look quiet. A file of past articles is complete.
    select news_articles.*
    from news_articles
    cross join news_newest_load
    where
        {{ dbt.dateadd('day', 7, 'news_articles.published_week') }}
        <= cast(news_newest_load.loaded_at as date)

),

news_grouped as (

    select
        'all' as group_type,
        'all outlets' as group_value,
        published_week
    from news_complete_articles
    union all
    select
        'outlet_type' as group_type,
        outlet_type as group_value,
        published_week
    from news_complete_articles

),

news_weekly as (

    select
        group_type,
        group_value,
        published_week,
        count(*) as articles
    from news_grouped
    group by 1, 2, 3

),

news_weeks as (

    select distinct published_week from news_complete_articles

),

news_group_weeks as (

    -- Every week since a group's first article: a week without one counts 0 articles.
    select
        news_groups.group_type,
        news_groups.group_value,
        news_weeks.published_week
    from (
        select
            group_type,
            group_value,
            min(published_week) as first_week
        from news_weekly
        group by 1, 2
    ) as news_groups
    inner join news_weeks
        on news_groups.first_week <= news_weeks.published_week

),

news_signals as (

    select
        'articles_per_week' as signal,
        'news' as source,
        'weekly' as cadence,
        news_group_weeks.group_type,
        news_group_weeks.group_value,
        news_group_weeks.published_week as period_start,
        {{ dbt.dateadd('day', 6, 'news_group_weeks.published_week') }} as period_end,
        cast(coalesce(news_weekly.articles, 0) as double) as value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        'articles' as unit
    from news_group_weeks
    left join news_weekly
        on
            news_group_weeks.group_type = news_weekly.group_type
            and news_group_weeks.group_value = news_weekly.group_value
            and news_group_weeks.published_week = news_weekly.published_week

),

trends_values as (

    -- Partial periods (still being collected) and blanks carry no value to compare.
    select * from trends_interest
    where not is_partial and interest_linked is not null

),

trends_weekly as (

    -- Weekly rows map one to one; daily rows are averaged over their ISO week, and only a
    -- week with all seven days counts (the first and last weeks of a daily export are
    -- usually cut).
    select
        term,
        place,
        iso_week as period_start,
        avg(interest_linked) as value
    from trends_values
    where granularity in ('daily', 'weekly')
    group by 1, 2, 3
    having max(granularity) = 'weekly' or count(*) = 7

),

trends_monthly as (

    -- Google answers a span of more than five years with months.
    select
        term,
        place,
        period_month as period_start,
        avg(interest_linked) as value
    from trends_values
    where granularity = 'monthly'
    group by 1, 2, 3

),

trends_signals as (

    select
        term as signal,
        'google_trends' as source,
        'weekly' as cadence,
        'place' as group_type,
        place as group_value,
        period_start,
        {{ dbt.dateadd('day', 6, 'period_start') }} as period_end,
        value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        'index' as unit
    from trends_weekly
    union all
    select
        term as signal,
        'google_trends' as source,
        'monthly' as cadence,
        'place' as group_type,
        place as group_value,
        period_start,
        {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'period_start')) }} as period_end,
        value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        'index' as unit
    from trends_monthly

),

signals as (

    select * from cdc_pulse_signals
    union all
    select * from reddit_signals
    union all
    select * from news_signals
    union all
    select * from trends_signals

),

final as (

    -- Types spelled out so the enforced contract holds in DuckDB and Snowflake alike.
    select
        cast(signal as {{ dbt.type_string() }}) as signal,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(cadence as {{ dbt.type_string() }}) as cadence,
        cast(group_type as {{ dbt.type_string() }}) as group_type,
        cast(group_value as {{ dbt.type_string() }}) as group_value,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(value as double) as value,
        cast(ci_low as double) as ci_low,
        cast(ci_high as double) as ci_high,
        cast(unit as {{ dbt.type_string() }}) as unit
    from signals

)

select * from final
