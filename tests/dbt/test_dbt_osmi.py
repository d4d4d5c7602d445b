"""The OSMI survey models on both fixture files (tests/osmi_fixture.py): typing, gender through
the seed, ages outside 18-100 null and flagged, both layouts compared, no row lost, and the
checks that catch a lost row or a spelling the seed does not know."""

from __future__ import annotations

from tests import osmi_fixture as fx
from tests.dbt.dbt_harness import BuiltWarehouse, query, run_dbt

DIM = "marts.dim_survey_respondents"


def test_every_respondent_of_both_layouts_is_in_the_dimension(
    green_sample_warehouse: BuiltWarehouse,
):
    path = green_sample_warehouse.path
    assert query(path, "select count(*) from raw.osmi_survey_responses") == [(fx.RESPONDENTS,)]
    assert query(path, f"select survey_year, count(*) from {DIM} group by all order by 1") == [
        (2014, len(fx.ROWS_2014)),
        (2016, len(fx.ROWS_2016)),
    ]
    assert query(path, f"select count(distinct respondent_id) from {DIM}") == [(fx.RESPONDENTS,)]


def test_gender_takes_four_values_and_ages_outside_18_to_100_are_null_and_flagged(
    green_sample_warehouse: BuiltWarehouse,
):
    path = green_sample_warehouse.path
    genders = dict(query(path, f"select gender, count(*) from {DIM} group by gender"))
    assert genders == fx.GENDERS
    flagged = query(
        path,
        "select s.age_answer, d.age from staging.stg_osmi__survey_responses as s "
        f"join {DIM} as d using (respondent_id) where d.age_out_of_range order by 1",
    )
    assert flagged == [(-1726, None), (3, None), (5, None), (323, None), (99999999999, None)]
    assert len(flagged) == fx.AGES_OUT_OF_RANGE
    assert query(path, f"select min(age), max(age) from {DIM}") == [(29, 44)]


def test_answers_of_both_layouts_share_one_vocabulary(green_sample_warehouse: BuiltWarehouse):
    path = green_sample_warehouse.path
    rows = query(
        path,
        "select survey_year, sought_treatment, remote_work, benefits, care_options, "
        f"company_size, company_size_rank, country, us_state, is_self_employed from {DIM} "
        "order by survey_year, age nulls first, company_size",
    )
    by_year = {2014: [r for r in rows if r[0] == 2014], 2016: [r for r in rows if r[0] == 2016]}
    # 2016 answers 0/1, Always/Sometimes/Never, 'I don't know', 'Not eligible ... N/A'.
    assert {r[1] for r in by_year[2016]} == {True, False}
    assert {r[2] for r in by_year[2016]} == {"yes", "sometimes", "no"}
    assert {r[3] for r in by_year[2016]} == {"no", "yes", "unsure", "not_applicable", None}
    assert "unsure" in {r[4] for r in by_year[2016]}  # 'I am not sure'
    # 2014 answers Yes/No and "Don't know", 'Not sure'.
    assert {r[3] for r in by_year[2014]} == {"yes", "no", "unsure"}
    assert {r[2] for r in by_year[2014]} == {"yes", "no"}
    sizes = {(r[5], r[6]) for r in rows if r[5] is not None}
    assert sizes == {
        ("1-5", 1),
        ("6-25", 2),
        ("26-100", 3),
        ("100-500", 4),
        ("More than 1000", 6),
    }
    countries = {r[7] for r in rows}
    assert "United States of America" not in countries and "Bahamas" in countries
    # A state only for US residents: the Bahamas row's 'TN' is not kept.
    assert {(r[7], r[8]) for r in rows if r[8] is not None} <= {
        ("United States", s) for s in ("IL", "IN", "TX", "Illinois", "Oregon")
    }
    assert {r[9] for r in by_year[2016]} == {True, False}  # 1/0


def test_a_lost_row_fails_the_reconciliation_and_a_new_spelling_warns(
    damaged_copy, green_sample_warehouse: BuiltWarehouse
):
    path, work_dir = damaged_copy(
        # A spelling the seed does not know: counted as unknown, with a warning.
        "update raw.osmi_survey_responses set gender = 'Wizard' "
        "where respondent_id = (select min(respondent_id) from raw.osmi_survey_responses)",
        # A key twice in the seed table duplicates rows through the join: the staging model
        # no longer has raw's row count. A key without its gender fails the seed's check.
        "insert into staging.osmi_gender_answers values ('male', 'male'), ('nobody', null)",
        # An answer outside the vocabulary in the dimension.
        "update marts.dim_survey_respondents set coworkers = 'perhaps' "
        "where respondent_id = (select max(respondent_id) from marts.dim_survey_respondents)",
    )
    run = run_dbt(
        [
            "test",
            "--select",
            "stg_osmi__survey_responses osmi_gender_answers dim_survey_respondents",
        ],
        duckdb_path=path,
        work_dir=work_dir,
    )
    assert run.returncode != 0
    failed = [key for key in run.failed() if key.startswith("test.")]
    assert any("equal_row_count_stg_osmi__survey_responses" in key for key in failed), failed
    assert any("unique_stg_osmi__survey_responses_respondent_id" in key for key in failed)
    assert any("osmi_gender_answers_required_columns_not_null" in key for key in failed), failed
    assert any("accepted_values_in_columns_dim_survey_respondents" in key for key in failed)
    [vocabulary] = [k for k in failed if "accepted_values_in_columns_dim" in k]
    assert run.results[vocabulary]["failures"] == 1  # the one 'perhaps'
    warned = {k for k, e in run.results.items() if e["status"] == "warn"}
    assert "test.mindpulse.stg_osmi__survey_responses_gender_spelling_in_seed" in warned
