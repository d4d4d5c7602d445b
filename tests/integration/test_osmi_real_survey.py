"""The real OSMI 2014 survey (../shared) through the whole pipeline, as
`MINDPULSE_SURVEY_FILE=<survey.csv> make run` takes it: the real run imports it beside the real
CDC export and Reddit scrape. The privacy scan of everything that run wrote
(test_reddit_real_scrape.py) covers the survey's free-text comments too."""

from __future__ import annotations

import json

import pytest

from tests.real_data import OSMI_SURVEY_2014, require

pytestmark = pytest.mark.slow

RESPONDENTS = 1_259  # rows of survey.csv (SOURCE.md)
AGES_OUTSIDE_18_TO_100 = 8  # -1726, -29, -1, 5, 8, 11, 329, 99999999999


@pytest.fixture
def survey():
    return require(OSMI_SURVEY_2014)


def test_every_respondent_is_in_the_dimension_cleaned(survey, real_pipeline_run):
    workspace, result = real_pipeline_run.workspace, real_pipeline_run.result
    assert result.success, result.describe()
    assert result.failed_checks == [], result.describe()
    assert workspace.count("raw.osmi_survey_responses") == RESPONDENTS
    assert workspace.count("raw.quarantine where source = 'osmi_survey'") == 0
    assert workspace.count("marts.dim_survey_respondents") == RESPONDENTS
    genders = {
        g for (g,) in workspace.query("select distinct gender from marts.dim_survey_respondents")
    }
    assert genders <= {"female", "male", "non-binary or other", "unknown"}
    assert workspace.query(
        "select count(*), count(*) filter (where age is null) from marts.dim_survey_respondents "
        "where age_out_of_range"
    ) == [(AGES_OUTSIDE_18_TO_100, AGES_OUTSIDE_18_TO_100)]


def test_segments_and_their_figures(survey, real_pipeline_run):
    workspace = real_pipeline_run.workspace
    assert workspace.count("ml.survey_segments") == RESPONDENTS
    [(segments, noise, stability, validity, years)] = workspace.query(
        "select n_segments, noise_share, stability_ari_mean, validity_dbcv, survey_years "
        "from ml.segment_runs"
    )
    assert segments >= 2
    assert 0 <= noise < 1 and -1 <= stability <= 1 and -1 <= validity <= 1
    assert json.loads(years) == [2014]
    # Profiles: every segment found, plus 'no clear group' when some respondents are in none.
    assert workspace.count("ml.segment_profiles where segment >= 0") == segments


def test_every_recommendation_list_starts_with_crisis_resources(survey, real_pipeline_run):
    workspace = real_pipeline_run.workspace
    crisis = workspace.count("staging.resource_catalog where is_crisis")
    assert crisis > 0
    lists = workspace.query(
        f"select profile_id, count(*) filter (where is_crisis and rank <= {crisis}) "
        "from ml.resource_recommendations group by profile_id"
    )
    assert len(lists) == 126
    assert {count for _, count in lists} == {crisis}
