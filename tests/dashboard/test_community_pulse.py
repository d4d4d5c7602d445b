"""AppTest checks of the Community pulse page (Reddit) against the fixture warehouse."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest

from dashboard.labels import generator_label
from dashboard.themes import excerpts_of, safe_text
from tests.dashboard import reddit_fixtures as reddit
from tests.dashboard.app_pages import (
    PULSE,
    assert_no_exception,
    everything_rendered,
    metric_values,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish


def chart_specs(app) -> list[str]:
    return [chart.proto.spec for chart in app.get("plotly_chart")]


def values_of(trace: dict, axis: str = "y") -> list:
    """A trace's values; plotly encodes numeric arrays as base64 typed arrays."""
    values = trace[axis]
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def captions(app) -> str:
    return "\n".join(str(caption.value) for caption in app.caption)


def test_pulse_shows_volume_tone_and_forecast_charts(warehouse: Warehouse) -> None:
    app = open_page(PULSE)
    assert_no_exception(app)
    specs = chart_specs(app)
    # Three activity tabs, the tone chart and the forecast of the chosen community.
    assert len(specs) == 5, len(specs)
    volume = json.loads(specs[0])
    assert {trace["name"] for trace in volume["data"]} == {
        "r/anxiety",
        "r/depression",
        "r/mentalhealth",
    }
    anxiety = next(trace for trace in volume["data"] if trace["name"] == "r/anxiety")
    assert values_of(anxiety)[-1] == reddit.posts("anxiety", reddit.N_WEEKS - 1)
    tone = json.loads(specs[3])
    newest = values_of(next(trace for trace in tone["data"] if trace["name"] == "r/anxiety"))[-1]
    share = reddit.signal_value("negative_post_share", "anxiety", reddit.N_WEEKS - 1)
    assert newest == pytest.approx(share * 100)  # stored as a share, shown in percent
    forecast = json.loads(specs[4])
    assert forecast["layout"]["title"]["text"] == "Posts per week — r/anxiety"
    assert "Forecast" in {trace.get("name") for trace in forecast["data"]}


def test_pulse_forecast_follows_the_chosen_community(warehouse: Warehouse) -> None:
    app = open_page(PULSE)
    assert app.selectbox(key="pulse_community").value == "anxiety"
    values = metric_values(app)
    assert values["MASE"] == f"{reddit.REDDIT_METRICS['anxiety']['mase']:.2f}"
    assert values["MAE"] == f"{20 * reddit.REDDIT_METRICS['anxiety']['mase']:.2f}"
    assert any("Beats the naive" in element.value for element in app.success)

    app.selectbox(key="pulse_community").set_value("depression").run()
    assert_no_exception(app)
    assert metric_values(app)["MASE"] == f"{reddit.REDDIT_METRICS['depression']['mase']:.2f}"
    assert any("Does not beat the naive" in element.value for element in app.warning)

    app.selectbox(key="pulse_community").set_value("mentalhealth").run()
    assert_no_exception(app)
    assert "MASE" not in metric_values(app)
    assert any("too few weeks" in element.value for element in app.info)
    assert any("No themes for r/mentalhealth" in element.value for element in app.info)


def test_pulse_themes_label_every_summary_with_its_generator(warehouse: Warehouse) -> None:
    app = open_page(PULSE)
    assert app.selectbox(key="pulse_week_anxiety").value == pd.Timestamp(reddit.LAST_WEEK)
    text = captions(app)
    assert "Summary: Written by Gemini (gemini-2.5-flash)" in text
    assert "Summary: Written by Gemini (gemini-2.5-flash), saved from an earlier run" in text
    assert "Summary: Computed from the theme's figures, no language model" in text
    markdown = page_text(app)
    assert "**Theme 1:** sleep, exams, shifts, tired, night" in markdown
    assert "trouble sleeping before exams" in markdown
    assert "> Cannot sleep before my exams, mind keeps racing" in markdown
    values = {metric.label: [] for metric in app.metric}
    for metric in app.metric:
        values[metric.label].append(metric.value)
    assert values["Posts"] == ["88", "61", "40"]
    assert values["Share of the week's posts"] == ["20%", "14%", "9%"]
    assert values["Mean tone"] == ["-0.31 (negative)", "-0.44 (negative)", "-0.12 (negative)"]

    app.selectbox(key="pulse_week_anxiety").set_value(
        pd.Timestamp(reddit.LAST_WEEK - reddit.dt.timedelta(weeks=1))
    ).run()
    assert_no_exception(app)
    assert "Summary: Computed from the theme's figures, no language model (the run's limit" in (
        captions(app)
    )


def test_pulse_never_shows_who_wrote_a_post(warehouse: Warehouse) -> None:
    app = open_page(PULSE)
    for community in ("anxiety", "depression", "mentalhealth"):
        app.selectbox(key="pulse_community").set_value(community).run()
        assert_no_exception(app)
        rendered = everything_rendered(app)  # expanders' contents included
        assert ("Mean tone" in rendered) == (community != "mentalhealth")  # themes shown
        for planted in reddit.PLANTED:
            assert planted not in rendered, planted
        for column in ("author_hash", "post_id", "permalink"):
            assert column not in rendered, column
    # The excerpt that carried a username and a post link is still shown, without them.
    app.selectbox(key="pulse_community").set_value("anxiety").run()
    rendered = everything_rendered(app)
    assert "said it helps to write things down" in rendered
    assert "Same as this thread [link removed]" in page_text(app).replace("\\[", "[").replace(
        "\\]", "]"
    )


def test_pulse_shows_content_note_freshness_and_crisis_resources(warehouse: Warehouse) -> None:
    app = open_page(PULSE)
    text = page_text(app)
    assert "**Content note.**" in text
    assert "never the people who wrote them" in text
    assert "last loaded **2024-09-24 06:15 UTC** in `sample` mode" in text
    assert "generated sample posts" in text
    assert f"latest week ends **{reddit.LAST_WEEK + reddit.dt.timedelta(days=6):%b %d, %Y}**" in (
        text
    )
    assert "MINDPULSE_REDDIT_FILE" in text  # the sample-data hint
    assert "988 Suicide & Crisis Lifeline" in text
    assert "1-800-662-4357" in text


def test_pulse_without_reddit_data_says_how_to_get_it(warehouse: Warehouse) -> None:
    publish(warehouse, reddit=False)
    app = open_page(PULSE)
    assert_no_exception(app)
    assert not app.error and not app.warning
    infos = [str(element.value) for element in app.info]
    assert any(
        "No Reddit data published yet: set MINDPULSE_REDDIT_FILE or run on sample data" in info
        for info in infos
    ), infos
    assert not app.get("plotly_chart")
    assert "988 Suicide & Crisis Lifeline" in page_text(app)


@pytest.mark.parametrize(
    ("generator", "label"),
    [
        ("gemini:gemini-2.5-flash", "Written by Gemini (gemini-2.5-flash)"),
        ("deterministic", "Computed from the theme's figures, no language model"),
        ("deterministic:gemini-error", "Computed from the theme's figures, no language model "
         "(Gemini did not answer for this theme)"),
        ("someday:other", "Written by someday:other"),
    ],
)  # fmt: skip
def test_generator_labels(generator: str, label: str) -> None:
    assert generator_label(generator) == label


def test_excerpts_are_scrubbed_again_and_shown_as_plain_text() -> None:
    raw = json.dumps(
        [
            "see u/someone or mail me at a.b@example.org",
            "https://old.reddit.com/r/Anxiety/comments/abc123/title_slug/ and redd.it/xyz9",
            "**bold** [click](https://example.org)",
        ]
    )
    shown = excerpts_of(raw)
    assert "someone" not in shown[0] and "example.org" not in shown[0]
    assert "abc123" not in shown[1] and "xyz9" not in shown[1]
    assert shown[1].count("\\[link removed\\]") == 2
    assert shown[2].startswith("\\*\\*bold\\*\\* \\[click\\]")
    assert excerpts_of("not json") == [] and excerpts_of(None) == []
    assert safe_text(float("nan")) == ""
