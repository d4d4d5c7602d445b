"""The survey ML tables as Dagster assets: thin wrappers around ml_assets.segments,
segment_profiles and recommendations.

Lineage: marts/dim_survey_respondents -> ml/survey_segments, ml/segment_profiles and
ml/segment_runs (one step) and, with the seed staging/resource_catalog,
ml/resource_recommendations. Each run hashes its inputs (ml_assets.survey_inputs); when the
stored tables were computed from the same hash they are kept as they are, so an unchanged
survey costs one read of the dimension, not a clustering.
"""

import hashlib
import json

import dagster as dg
import pandas as pd

from extract.batch import utc_now_naive
from ml_assets.recommendations import RECOMMENDATION_VERSION, precompute_recommendations
from ml_assets.segment_profiles import profile_segments
from ml_assets.segments import SEGMENT_VERSION, segment_respondents
from ml_assets.survey_inputs import survey_input_hash
from ml_assets.survey_tables import (
    RESOURCE_RECOMMENDATIONS,
    SEGMENT_PROFILES,
    SEGMENT_RUNS,
    SURVEY_SEGMENTS,
    stored_input_hash,
    stored_segment_run,
    with_run_columns,
    write_survey_tables,
)
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import MARTS_SCHEMA, ML_SCHEMA, STAGING_SCHEMA, Settings
from orchestration.table_metadata import table_metadata

# ml_assets.segments imports hdbscan only when it clusters: loading the code location stays
# free of it (tests/deploy/test_shape.py).
SEGMENT_MODEL = SEGMENT_VERSION
DIM_KEY = dg.AssetKey([MARTS_SCHEMA, "dim_survey_respondents"])
CATALOG_KEY = dg.AssetKey([STAGING_SCHEMA, "resource_catalog"])
SEGMENT_KEYS = {
    name: dg.AssetKey([ML_SCHEMA, name])
    for name in (SURVEY_SEGMENTS, SEGMENT_PROFILES, SEGMENT_RUNS)
}
RECOMMENDATIONS_KEY = dg.AssetKey([ML_SCHEMA, RESOURCE_RECOMMENDATIONS])
CRISIS_CHECK = "every_list_starts_with_crisis_resources"
_DESCRIPTIONS = {
    SURVEY_SEGMENTS: "Each OSMI respondent's workplace segment (HDBSCAN on Gower distances "
    "over employer-support answers and company size; -1 = no clear group), membership "
    "probability and GLOSH outlier score. Above MINDPULSE_SEGMENT_MAX_EXACT respondents a "
    "sample is clustered and the rest take their nearest neighbour's segment.",
    SEGMENT_PROFILES: "One row per segment: size, share, share who sought treatment, the "
    "answers that distinguish it (Cohen's h) and what drives membership (normalised mutual "
    "information), in plain words. Workplace situations, never labels about people.",
    SEGMENT_RUNS: "The segmentation's figures: bootstrap stability (adjusted Rand index), "
    "density-based validity (DBCV), noise share, settings and timings.",
}


def _respondents(conn) -> pd.DataFrame:
    return conn.execute(f"select * from {MARTS_SCHEMA}.dim_survey_respondents").df()


def _segment_settings(settings: Settings) -> dict:
    return {"max_exact": settings.segment_max_exact}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[DIM_KEY],
            group_name="ml",
            kinds={"hdbscan", "duckdb"},
            description=_DESCRIPTIONS[name],
            code_version=SEGMENT_MODEL,
        )
        for name, key in SEGMENT_KEYS.items()
    ],
    pool=WAREHOUSE_POOL,
)
def survey_segments(
    context: dg.AssetExecutionContext,
    warehouse: dg.ResourceParam[Warehouse],
    settings: dg.ResourceParam[Settings],
):
    with warehouse.get_connection() as conn:
        respondents = _respondents(conn)
        parameters = _segment_settings(settings)
        input_hash = survey_input_hash(
            respondents, model_version=SEGMENT_MODEL, settings=parameters
        )
        stored = {
            name: stored_input_hash(conn, schema=ML_SCHEMA, table=name) for name in SEGMENT_KEYS
        }
        reused = set(stored.values()) == {input_hash}
        if reused:
            run_row = stored_segment_run(conn, schema=ML_SCHEMA)
        else:
            run_row = _compute_segments(conn, respondents, parameters, input_hash, context)
        described = {name: table_metadata(conn, ML_SCHEMA, name) for name in SEGMENT_KEYS}
        profiles = conn.execute(
            f"select segment, label, size, round(share, 3) as share, "
            f"round(treatment_rate, 3) as treatment_rate from {ML_SCHEMA}.{SEGMENT_PROFILES} "
            "order by segment = -1, size desc"
        ).df()
    context.log.info(
        f"{SEGMENT_MODEL}: {'reused the stored segments' if reused else 'clustered'}; "
        f"{run_row['n_segments']} segments, noise {run_row['noise_share']:.0%}, stability "
        f"{run_row['stability_ari_mean']:.2f}, DBCV {run_row['validity_dbcv']:.2f}"
    )
    figures = _segment_figures(run_row, reused)
    figures["segments"] = dg.MetadataValue.md(profiles.to_markdown(index=False))
    for name, key in SEGMENT_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={**described[name], **figures},
            data_version=dg.DataVersion(input_hash),
        )


def _compute_segments(conn, respondents, parameters, input_hash, context) -> dict:
    result = segment_respondents(respondents, max_exact=parameters["max_exact"])
    profiles = profile_segments(respondents, result.assignments)
    metrics = result.metrics
    run = {
        "model_version": SEGMENT_MODEL,
        "input_hash": input_hash,
        "run_id": context.run.run_id,
        "created_at": utc_now_naive(),
    }
    run_row = {
        **{k: metrics[k] for k in ("n_respondents", "n_clustered", "n_segments", "noise_share")},
        **{k: metrics[k] for k in ("stability_ari_mean", "stability_ari_min", "validity_dbcv")},
        "validity_rows": metrics["validity_rows"],
        "min_cluster_size": metrics["min_cluster_size"],
        "min_samples": metrics["min_samples"],
        "features": json.dumps(list(result.features.features)),
        "survey_years": json.dumps(sorted(int(y) for y in respondents["survey_year"].unique())),
        "seconds": json.dumps({k[8:]: v for k, v in metrics.items() if k.startswith("seconds_")}),
        **run,
    }
    write_survey_tables(
        conn,
        {
            SURVEY_SEGMENTS: with_run_columns(result.assignments, **run),
            SEGMENT_PROFILES: with_run_columns(profiles, **run),
            SEGMENT_RUNS: pd.DataFrame([run_row]),
        },
        schema=ML_SCHEMA,
    )
    return run_row


def _segment_figures(run_row: dict, reused: bool) -> dict:
    def number(key: str) -> dg.MetadataValue:
        value = run_row[key]
        return (
            dg.MetadataValue.float(float(value))
            if pd.notna(value)
            else dg.MetadataValue.text("n/a")
        )

    return {
        "reused": dg.MetadataValue.bool(reused),
        "n_segments": dg.MetadataValue.int(int(run_row["n_segments"])),
        "noise_share": number("noise_share"),
        "stability_ari_mean": number("stability_ari_mean"),
        "stability_ari_min": number("stability_ari_min"),
        "validity_dbcv": number("validity_dbcv"),
        "n_respondents": dg.MetadataValue.int(int(run_row["n_respondents"])),
        "n_clustered": dg.MetadataValue.int(int(run_row["n_clustered"])),
        "seconds": dg.MetadataValue.json(json.loads(run_row["seconds"])),
        "features": dg.MetadataValue.json(json.loads(run_row["features"])),
    }


@dg.asset(
    key=RECOMMENDATIONS_KEY,
    deps=[DIM_KEY, CATALOG_KEY],
    group_name="ml",
    kinds={"python", "duckdb"},
    code_version=RECOMMENDATION_VERSION,
    pool=WAREHOUSE_POOL,
    description="Resources for every profile of the Find resources form (work setting x "
    "remote work x benefits x tech company): crisis resources first, then the catalog "
    "(seed resource_catalog) ranked by what went with seeking help among the most similar "
    "respondents (cosine similarity), each with a plain explanation. General suggestions, "
    "never a diagnosis.",
    check_specs=[
        dg.AssetCheckSpec(
            CRISIS_CHECK,
            asset=RECOMMENDATIONS_KEY,
            blocking=True,
            description="Every profile has a list, and every list starts with the crisis "
            "resources of the catalog.",
        )
    ],
)
def resource_recommendations(
    context: dg.AssetExecutionContext, warehouse: dg.ResourceParam[Warehouse]
):
    with warehouse.get_connection() as conn:
        respondents = _respondents(conn)
        catalog = conn.execute(f"select * from {STAGING_SCHEMA}.resource_catalog").df()
        catalog_hash = hashlib.sha256(catalog.to_json(orient="records").encode()).hexdigest()
        input_hash = survey_input_hash(
            respondents, model_version=RECOMMENDATION_VERSION, settings={"catalog": catalog_hash}
        )
        reused = stored_input_hash(conn, schema=ML_SCHEMA, table=RESOURCE_RECOMMENDATIONS)
        if reused != input_hash:
            ranked = precompute_recommendations(respondents, catalog)
            run = {
                "model_version": RECOMMENDATION_VERSION,
                "input_hash": input_hash,
                "run_id": context.run.run_id,
                "created_at": utc_now_naive(),
            }
            write_survey_tables(
                conn,
                {RESOURCE_RECOMMENDATIONS: with_run_columns(ranked, **run)},
                schema=ML_SCHEMA,
            )
        check = crisis_first(conn, int(catalog["is_crisis"].sum()))
        described = table_metadata(conn, ML_SCHEMA, RESOURCE_RECOMMENDATIONS)
    yield dg.MaterializeResult(
        metadata={**described, "reused": dg.MetadataValue.bool(reused == input_hash), **check},
        data_version=dg.DataVersion(input_hash),
    )
    yield dg.AssetCheckResult(
        check_name=CRISIS_CHECK,
        passed=check["profiles_without_crisis_first"] == 0 and check["profiles"] > 0,
        metadata=check,
    )


def crisis_first(conn, crisis_resources: int) -> dict:
    """Profiles, and how many lists do not start with all the catalog's crisis resources."""
    [(profiles, failing)] = conn.execute(
        f"""
        with lists as (
            select profile_id,
                   count(*) filter (where is_crisis and rank <= ?) as crisis_on_top
            from {ML_SCHEMA}.{RESOURCE_RECOMMENDATIONS}
            group by profile_id
        )
        select count(*), count(*) filter (where crisis_on_top < ? or ? = 0) from lists
        """,
        [crisis_resources, crisis_resources, crisis_resources],
    ).fetchall()
    return {"profiles": int(profiles), "profiles_without_crisis_first": int(failing)}
