"""Sentiment of Reddit posts as a Dagster asset: a thin wrapper around ml_assets.sentiment.

Lineage: marts/fct_reddit_posts (dbt step mindpulse_dbt) -> ml/post_sentiment (here) ->
staging/stg_ml__post_sentiment -> marts/fct_signals (dbt step mindpulse_dbt_after_ml) ->
ml/forecasts. See orchestration/dbt_assets.py for why the dbt project runs in those two steps.

Each post is scored once per text: a run scores only new or edited posts (or all of them when
the model changes) and keeps the rest. The asset's code version is the model, its data version
a hash over every post's text hash, so Dagster marks it stale exactly when a score would change.
"""

import dagster as dg

from extract.batch import utc_now_naive
from ml_assets.ml_tables import POST_SENTIMENT, read_post_sentiment, write_post_sentiment
from ml_assets.sentiment import MODEL, POST_COLUMNS, score_posts
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA
from orchestration.table_metadata import table_metadata

FCT_REDDIT_POSTS_KEY = dg.AssetKey([MARTS_SCHEMA, "fct_reddit_posts"])
POST_SENTIMENT_KEY = dg.AssetKey([ML_SCHEMA, POST_SENTIMENT])


@dg.asset(
    key=POST_SENTIMENT_KEY,
    deps=[FCT_REDDIT_POSTS_KEY],
    group_name="ml",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    code_version=MODEL,
    description=(
        "VADER sentiment (compound, negative, neutral, positive, label) of every Reddit post, "
        "scored on its title plus its body when it still has one; only new or edited texts "
        "are scored. fct_signals counts the share of negative posts per community and week."
    ),
)
def post_sentiment(
    context: dg.AssetExecutionContext, warehouse: dg.ResourceParam[Warehouse]
) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        posts = conn.execute(
            f"select {', '.join(POST_COLUMNS)} from {MARTS_SCHEMA}.fct_reddit_posts"
        ).df()
        run = score_posts(
            posts,
            read_post_sentiment(conn, schema=ML_SCHEMA),
            run_id=context.run.run_id,
            scored_at=utc_now_naive(),
        )
        write_post_sentiment(conn, run.scored, keep=run.post_ids, schema=ML_SCHEMA)
        described = table_metadata(conn, ML_SCHEMA, POST_SENTIMENT)
        labels = dict(
            conn.execute(
                f"select label, count(*) from {ML_SCHEMA}.{POST_SENTIMENT} group by label"
            ).fetchall()
        )
    context.log.info(f"{MODEL}: {run.posts_scored} posts scored, {run.posts_reused} reused")
    return dg.MaterializeResult(
        metadata={
            **described,
            "posts_scored": dg.MetadataValue.int(run.posts_scored),
            "posts_reused": dg.MetadataValue.int(run.posts_reused),
            "labels": dg.MetadataValue.json({k: int(v) for k, v in sorted(labels.items())}),
            "model": MODEL,
        },
        data_version=dg.DataVersion(run.data_version),
    )
