"""AppTest checks of the Find resources page against the survey fixture warehouse.

The expected lists come from the fixture's ml.resource_recommendations rows of the chosen
profile (survey_fixtures.expected_resources), which are stored out of rank order.
"""

from __future__ import annotations

import re

from tests.dashboard import resource_fixtures
from tests.dashboard import survey_fixtures as survey
from tests.dashboard.app_pages import assert_no_exception, everything_rendered, open_page, page_text
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish
from tests.dashboard.survey_fixtures import unescaped

RESOURCES = "pages/find_resources.py"
CRISIS_LINE = "988 Suicide & Crisis Lifeline"
CRISIS_HEADING = "If you need help now"
SUGGESTIONS_HEADING = "Suggestions for your situation"
SELF_EMPLOYED_REMOTE = {"work_setting": "self-employed", "remote_work": "yes",
                        "benefits": "no", "tech_company": "yes"}  # fmt: skip
LARGE_EMPLOYER_ON_SITE = {"work_setting": "More than 1000", "remote_work": "no",
                          "benefits": "yes", "tech_company": "no"}  # fmt: skip
CARD = re.compile(r"^\*\*(.+?)\*\* · ")


def submit(app, profile: dict[str, str]):
    for column, value in profile.items():
        kind = app.selectbox if column == "work_setting" else app.radio
        kind(key=f"resources_{column}").set_value(value)
    [button] = app.button  # the form's submit button
    return button.click().run()


def shown_in_order(app) -> list[str]:
    """The page's headings and resource names in the order they are rendered."""
    shown: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", None)
        if kind in ("markdown", "subheader"):
            text = unescaped(str(node.value))
            card = CARD.match(text)
            if card:
                shown.append(card.group(1))
            elif CRISIS_HEADING in text or SUGGESTIONS_HEADING in text:
                shown.append(CRISIS_HEADING if CRISIS_HEADING in text else SUGGESTIONS_HEADING)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    return shown


def fixture_rows(profile: dict[str, str]):
    rows = resource_fixtures.recommendation_rows()
    for column, value in profile.items():
        rows = rows[rows[column] == value]
    return rows.sort_values("rank")


def assert_lists(app, profile: dict[str, str]) -> None:
    """Crisis lines under their own heading first, then the profile's resources by rank."""
    assert_no_exception(app)
    rows = fixture_rows(profile)
    crisis = list(rows.loc[rows["is_crisis"], "resource_name"])
    others = list(rows.loc[~rows["is_crisis"], "resource_name"])
    assert crisis and others
    assert shown_in_order(app) == [CRISIS_HEADING, *crisis, SUGGESTIONS_HEADING, *others]
    assert [*crisis, *others] == resource_fixtures.expected_resources(
        **profile
    )  # crisis ranks first
    text = unescaped(page_text(app))
    for row in rows.itertuples():
        assert row.explanation in text
        assert f"]({row.url})" in text and row.contact in text
    first = rows[~rows["is_crisis"]].iloc[0]
    assert (
        f"Similarity {first['similarity']:.2f}, from {first['similar_respondents']} respondents"
        in text
    )


def test_form_has_no_free_text_and_says_nothing_is_stored(survey_warehouse: Warehouse) -> None:
    app = open_page(RESOURCES)
    assert_no_exception(app)
    for free_text in (app.text_input, app.text_area, app.chat_input, app.number_input):
        assert len(free_text) == 0
    assert len(app.selectbox) == 1 and len(app.radio) == 3
    text = page_text(app)
    assert "not medical advice or a diagnosis" in text
    assert "Nothing you choose is stored or sent anywhere" in text
    assert "computed in advance" in text
    assert not shown_in_order(app)  # nothing listed before the form is sent
    assert CRISIS_LINE in text  # the footer


def test_submitted_profile_lists_crisis_lines_then_ranked_resources(
    survey_warehouse: Warehouse,
) -> None:
    app = submit(open_page(RESOURCES), SELF_EMPLOYED_REMOTE)
    assert_lists(app, SELF_EMPLOYED_REMOTE)


def test_another_profile_gets_its_own_ranking(survey_warehouse: Warehouse) -> None:
    first = resource_fixtures.expected_resources(**SELF_EMPLOYED_REMOTE)
    second = resource_fixtures.expected_resources(**LARGE_EMPLOYER_ON_SITE)
    assert first != second  # the fixture ranks the two profiles differently
    app = submit(open_page(RESOURCES), SELF_EMPLOYED_REMOTE)
    app = submit(app, LARGE_EMPLOYER_ON_SITE)
    assert_lists(app, LARGE_EMPLOYER_ON_SITE)
    assert CRISIS_LINE in page_text(app)


def test_an_incomplete_form_asks_for_every_answer(survey_warehouse: Warehouse) -> None:
    app = open_page(RESOURCES)
    app.selectbox(key="resources_work_setting").set_value("6-25")
    [button] = app.button
    button.click().run()
    assert_no_exception(app)
    assert any("answer all four questions" in element.value for element in app.info)
    assert not shown_in_order(app)


def test_a_warehouse_without_recommendations_is_explained(unpublished_warehouse: Warehouse) -> None:
    publish(unpublished_warehouse, survey=False)  # a warehouse built before issue 9
    app = open_page(RESOURCES)
    assert_no_exception(app)
    warnings = [element.value for element in app.warning]
    assert any("lacks a table" in w and "make run" in w for w in warnings), warnings
    assert "resource_recommendations" not in everything_rendered(app)
    assert CRISIS_LINE in page_text(app)


def test_empty_recommendations_say_how_to_build_them(unpublished_warehouse: Warehouse) -> None:
    survey.publish_survey(unpublished_warehouse, empty=True)
    app = open_page(RESOURCES)
    assert_no_exception(app)
    assert any("No resource suggestions published yet" in e.value for e in app.info)
    assert not app.selectbox and not app.radio  # no form without suggestions to look up
    assert CRISIS_LINE in page_text(app)
