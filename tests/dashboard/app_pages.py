"""Opening the dashboard's pages with Streamlit's AppTest and reading what they show."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.dashboard.dashboard_fixtures import APP_PATH

OVERVIEW = None  # the default page
TRENDS = "pages/survey_trends.py"
PULSE = "pages/community_pulse.py"
COMPARE = "pages/compare_signals.py"
GLOBAL = "pages/global_context.py"
SEGMENTS = "pages/workplace_segments.py"
RESOURCES = "pages/find_resources.py"
PAGES = [OVERVIEW, TRENDS, PULSE, COMPARE, GLOBAL, SEGMENTS, RESOURCES]
PAGE_IDS = [
    "overview",
    "survey-trends",
    "community-pulse",
    "compare-signals",
    "global-context",
    "workplace-segments",
    "find-resources",
]
# Pages without a chart until the reader asks: Find resources shows a form first.
PAGES_WITHOUT_CHART = {RESOURCES}
NATIONAL = ("national", "United States")


def open_page(page: str | None) -> AppTest:
    app = AppTest.from_file(str(APP_PATH), default_timeout=60).run()
    if page is not None:
        app.switch_page(page).run()
    return app


def assert_no_exception(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


def metric_values(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def page_text(app: AppTest) -> str:
    parts = [element.value for element in app.markdown]
    for kind in (app.info, app.warning, app.success, app.caption, app.title):
        parts.extend(str(element.value) for element in kind)
    return "\n".join(parts)


def everything_rendered(app: AppTest) -> str:
    """Every element of the page as its protobuf text: whatever a viewer could see."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    walk(app.sidebar)
    return "\n".join(parts)
