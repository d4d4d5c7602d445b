"""AppTest checks of the Workplace segments page against the survey fixture warehouse.

Expected figures are counted from the fixture's plan of respondents (survey_fixtures.PLAN), not
read from the page's code: sizes, shares and treatment shares per year, the segment labels in
size order, and the model's stability and validity from the ml.segment_runs row.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from dashboard.segments import MIN_ANSWERS
from tests.dashboard import survey_fixtures as survey
from tests.dashboard.app_pages import (
    assert_no_exception,
    everything_rendered,
    metric_values,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish
from tests.dashboard.survey_fixtures import unescaped

SEGMENTS = "pages/workplace_segments.py"
CRISIS_LINE = "988 Suicide & Crisis Lifeline"


def plotted(trace: dict, axis: str) -> list:
    """A trace's values; plotly encodes numeric arrays as base64 typed arrays."""
    values = trace[axis]
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def size_chart(app) -> dict:
    [chart] = app.get("plotly_chart")
    [bars] = json.loads(chart.proto.spec)["data"]
    return bars


def expected_groups(year: int | None = None):
    """(label, share, treatment share shown) per segment, largest first, no clear group last."""
    counts = survey.counted(year)
    everyone = counts["respondents"].sum()
    order = sorted(
        counts.index, key=lambda s: (s == survey.NOISE, -counts.loc[s, "respondents"], s)
    )
    rows = []
    for segment in order:
        respondents, sought, answered = counts.loc[segment]
        treatment = f"{sought / answered:.0%}" if answered >= MIN_ANSWERS else "—"
        rows.append((survey.LABELS[segment], respondents / everyone, treatment))
    return rows


def all_metrics(app, label: str) -> list[str]:
    return [metric.value for metric in app.metric if metric.label == label]


def assert_groups_shown(app, year: int | None) -> None:
    groups = expected_groups(year)
    bars = size_chart(app)
    assert plotted(bars, "y") == [label for label, _, _ in groups]
    assert plotted(bars, "x") == pytest.approx([share * 100 for _, share, _ in groups])
    assert all_metrics(app, "Share of respondents") == [f"{share:.0%}" for _, share, _ in groups]
    assert all_metrics(app, "Share who have sought treatment") == [t for _, _, t in groups]


def test_page_describes_every_group_with_its_answers(survey_warehouse: Warehouse) -> None:
    app = open_page(SEGMENTS)
    assert_no_exception(app)
    assert_groups_shown(app, year=None)
    assert "No clear group" in plotted(size_chart(app), "y")
    text = unescaped(page_text(app))
    for segment, label in survey.LABELS.items():
        assert f"#### {label}" in text
        assert survey.SUMMARIES[segment] in text
    assert "not people" in text and "nothing on this page is a diagnosis" in text

    # The distinguishing answers of the largest group, strongest first, in the fixture's words.
    table = app.dataframe[0].value
    items = survey.DISTINGUISHING[0]
    assert list(table["Question"]) == [question for _, question, *_ in items]
    first = items[0]
    assert table.iloc[0]["This group"] == f"{first[3]:.0%}"
    assert table.iloc[0]["Everyone else"] == f"{first[4]:.0%}"
    for row, item in zip(table.itertuples(), items, strict=True):
        assert row.Difference.startswith(survey.EFFECT_WORDS[item[5]] + " ")
    numeric = next(item for item in items if item[2] is None)
    assert f"average {numeric[3]:.1f}" in list(table["This group"])
    # Drivers, strongest first, under each group.
    for _, question, importance in survey.DRIVERS[0]:
        assert f"{question} (importance {importance:.2f})" in text

    # Counted in the warehouse: no respondent's id reaches the page.
    rendered = everything_rendered(app)
    respondents, _ = survey.respondents_and_segments()
    assert not [rid for rid in respondents["respondent_id"] if rid in rendered]


def test_page_shows_the_models_stability_and_validity(survey_warehouse: Warehouse) -> None:
    app = open_page(SEGMENTS)
    assert_no_exception(app)
    run = survey.RUN
    values = metric_values(app)
    assert values["Stability (adjusted Rand index)"] == f"{run['stability_ari_mean']:.2f}"
    assert values["Validity (DBCV)"] == f"{run['validity_dbcv']:.2f}"
    assert values["No clear group"] == f"{run['noise_share']:.0%}"
    assert values["Respondents in a group"] == f"{run['n_clustered']} of {run['n_respondents']}"
    text = page_text(app)
    assert f"lowest of the refits: {run['stability_ari_min']:.2f}" in text
    # One plain sentence per figure.
    for figure in ("**Stability**", "**Validity**", "**No clear group**"):
        assert len([line for line in text.splitlines() if line.startswith(f"- {figure}")]) == 1
    assert any("stable" in element.value for element in app.success)  # ARI 0.84
    details = everything_rendered(app)
    assert survey.RUN_ID in details and "Survey years: 2014, 2016" in details
    assert CRISIS_LINE in text
    # The fixture's survey load is a sample: the page says the answers are generated.
    assert "in `sample` mode, from generated sample answers" in text
    assert "Set `MINDPULSE_SURVEY_FILE`" in text


@pytest.mark.parametrize("year", [2016, 2014])
def test_a_survey_year_shows_that_years_groups(survey_warehouse: Warehouse, year: int) -> None:
    app = open_page(SEGMENTS)
    assert app.radio(key="segments_year").options == ["All years", "2016", "2014"]
    app.radio(key="segments_year").set_value(str(year)).run()
    assert_no_exception(app)
    assert_groups_shown(app, year)
    counts = survey.counted(year)
    overall = counts["sought"].sum() / counts["answered"].sum()
    assert f"All respondents in {year}: {overall:.0%}." in page_text(app)
    # The fixture orders the groups differently each year, so following the year shows.
    assert expected_groups(year)[:3] != expected_groups(None)[:3]


def test_a_warehouse_without_the_survey_tables_is_explained(
    unpublished_warehouse: Warehouse,
) -> None:
    publish(unpublished_warehouse, survey=False)  # a warehouse built before issue 9
    app = open_page(SEGMENTS)
    assert_no_exception(app)
    warnings = [element.value for element in app.warning]
    assert any("lacks a table" in w and "make run" in w for w in warnings), warnings
    rendered = everything_rendered(app)
    for hidden in ("Traceback", "segment_profiles", "Catalog"):
        assert hidden not in rendered, hidden
    assert CRISIS_LINE in page_text(app)


def test_empty_survey_tables_say_how_to_build_them(unpublished_warehouse: Warehouse) -> None:
    survey.publish_survey(unpublished_warehouse, empty=True)
    app = open_page(SEGMENTS)
    assert_no_exception(app)
    assert not app.warning and not app.error
    assert any("No workplace segments published yet" in e.value for e in app.info)
    assert not app.get("plotly_chart") and not app.metric
    assert CRISIS_LINE in page_text(app)
