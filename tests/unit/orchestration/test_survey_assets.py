"""The survey ML assets as Dagster runs them: dimension and catalog in, four tables out, the
figures as metadata, the crisis check, and an unchanged survey kept instead of clustered again."""

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.progress import _notes
from orchestration.resources import build_resources
from orchestration.settings import Settings, load_settings
from orchestration.survey_assets import (
    CRISIS_CHECK,
    RECOMMENDATIONS_KEY,
    SEGMENT_KEYS,
    crisis_first,
    resource_recommendations,
    survey_segments,
)
from tests.unit.ml.survey_frames import synthetic_respondents

CATALOG = pd.DataFrame(
    {
        "resource_id": ["crisis_line", "eap", "therapists"],
        "name": ["A crisis line", "Your EAP", "A therapist directory"],
        "resource_type": ["crisis", "workplace", "therapy_directory"],
        "is_crisis": [True, False, False],
        "tags": ["crisis", "benefits|care_options", "care_options|low_cost"],
        "contact": ["Call 988", "Ask HR", "Online"],
        "url": ["https://988lifeline.org", "https://example.org/eap", "https://example.org/t"],
        "description": ["Any time.", "Counselling through work.", "Find a therapist."],
    }
)


def settings_with(tmp_path: Path, respondents: pd.DataFrame, catalog=CATALOG) -> Settings:
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("create schema if not exists marts; create schema if not exists staging")
        conn.register("respondents", respondents.drop(columns=["planted"], errors="ignore"))
        conn.register("catalog", catalog)
        conn.execute(
            "create or replace table marts.dim_survey_respondents as select * from respondents"
        )
        conn.execute("create or replace table staging.resource_catalog as select * from catalog")
    return settings


def materialize(settings: Settings) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [survey_segments, resource_recommendations],
            resources=build_resources(settings),
            instance=instance,
        )


def metadata(result, key: dg.AssetKey) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return event.materialization.metadata


def table(settings: Settings, name: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(f"select * from ml.{name}").df()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    settings = settings_with(tmp_path_factory.mktemp("survey"), synthetic_respondents(seed=3))
    first = materialize(settings)
    tables = {name: table(settings, name) for name in ("survey_segments", "segment_runs")}
    return settings, first, tables


def test_segments_their_figures_and_the_progress_line(run):
    settings, result, _ = run
    segments = table(settings, "survey_segments")
    assert len(segments) == 360 and segments["respondent_id"].is_unique
    values = {k: v.value for k, v in metadata(result, SEGMENT_KEYS["survey_segments"]).items()}
    assert values["n_segments"] == 3  # the three planted workplace situations
    assert 0.8 <= values["stability_ari_mean"] <= 1 and -1 <= values["validity_dbcv"] <= 1
    assert values["reused"] is False and values["n_respondents"] == 360
    [runs] = table(settings, "segment_runs").to_dict("records")
    assert runs["stability_ari_mean"] == pytest.approx(values["stability_ari_mean"])
    profiles = table(settings, "segment_profiles")
    assert sorted(profiles["segment"]) == sorted(segments["segment"].unique())
    assert set(profiles["size"]) == set(segments["segment"].value_counts())
    notes = _notes(metadata(result, SEGMENT_KEYS["survey_segments"]))
    assert f"3 segments, stability {values['stability_ari_mean']:.2f}" in notes


def test_every_list_starts_with_the_crisis_line_and_the_check_says_so(run):
    settings, result, _ = run
    recommendations = table(settings, "resource_recommendations")
    assert recommendations["profile_id"].nunique() == 126
    first = recommendations[recommendations["rank"] == 1]
    assert set(first["resource_id"]) == {"crisis_line"} and len(first) == 126
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == CRISIS_CHECK and check.passed
    assert metadata(result, RECOMMENDATIONS_KEY)["profiles"].value == 126


def test_an_unchanged_survey_keeps_the_stored_tables(run):
    settings, _, before = run
    again = materialize(settings)
    for key in (SEGMENT_KEYS["survey_segments"], RECOMMENDATIONS_KEY):
        assert metadata(again, key)["reused"].value is True
    for name, frame in before.items():
        pd.testing.assert_frame_equal(table(settings, name), frame)  # same run id and time


def test_a_changed_survey_is_clustered_again(tmp_path):
    settings = settings_with(tmp_path, synthetic_respondents((80, 80, 80), seed=5))
    materialize(settings)
    settings_with(
        tmp_path,
        synthetic_respondents(
            (
                80,
                80,
                80,
            ),
            outliers=20,
            seed=5,
        ),
    )
    result = materialize(settings)
    assert metadata(result, SEGMENT_KEYS["survey_segments"])["reused"].value is False
    assert len(table(settings, "survey_segments")) == 260


def test_the_check_counts_lists_that_do_not_start_with_every_crisis_resource():
    rows = pd.DataFrame(
        {
            "profile_id": ["a", "a", "a", "b", "b", "b", "c", "c"],
            "rank": [1, 2, 3, 1, 2, 3, 1, 2],
            "is_crisis": [True, True, False, True, False, True, False, False],
        }
    )
    with duckdb.connect() as conn:
        conn.execute("create schema ml")
        conn.register("rows", rows)
        conn.execute("create table ml.resource_recommendations as select * from rows")
        # b has its second crisis line third; c has none.
        assert crisis_first(conn, 2) == {"profiles": 3, "profiles_without_crisis_first": 2}
        assert crisis_first(conn, 1) == {"profiles": 3, "profiles_without_crisis_first": 1}
