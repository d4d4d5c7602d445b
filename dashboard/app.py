"""MindPulse dashboard entry point: `streamlit run dashboard/app.py`.

Sets up the page, pins the publication this script run reads (every query of the run reads
that one), runs the page picked in the navigation, and renders the crisis resources after it,
so every page shows them, including when a page stops early or fails.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import components, warehouse
from dashboard.errors import DataUnavailable, NothingPublished
from orchestration.settings import ConfigurationError

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="MindPulse", page_icon=":material/monitor_heart:", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page(
            PAGES_DIR / "survey_trends.py",
            title="Survey trends",
            icon=":material/show_chart:",
            url_path="survey-trends",
        ),
        st.Page(
            PAGES_DIR / "community_pulse.py",
            title="Community pulse",
            icon=":material/forum:",
            url_path="community-pulse",
        ),
        st.Page(
            PAGES_DIR / "compare_signals.py",
            title="Compare signals",
            icon=":material/compare_arrows:",
            url_path="compare-signals",
        ),
        st.Page(
            PAGES_DIR / "global_context.py",
            title="Global context",
            icon=":material/public:",
            url_path="global-context",
        ),
        st.Page(
            PAGES_DIR / "workplace_segments.py",
            title="Workplace segments",
            icon=":material/groups:",
            url_path="workplace-segments",
        ),
        st.Page(
            PAGES_DIR / "find_resources.py",
            title="Find resources",
            icon=":material/support:",
            url_path="find-resources",
        ),
    ]
)

with st.sidebar:
    st.caption(
        "MindPulse shows population-level indicators from public sources. "
        "They describe groups of people or posts, never individuals, and are not diagnoses."
    )

try:
    warehouse.pin_this_run()
    navigation.run()
except NothingPublished as error:
    components.nothing_published(error)
except DataUnavailable as error:
    components.data_unavailable(error)
except ConfigurationError as error:
    st.error(f"**MindPulse is not configured correctly.** {error}", icon=":material/settings:")
finally:
    components.crisis_footer()
