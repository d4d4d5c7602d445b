"""The dashboard on what the pipeline really publishes: the session's shared sample build.

The other dashboard tests use a small hand-made publication whose numbers they know; this one
checks that the pages also render the real tables, with the real newest national estimate.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.dashboard_fixtures import APP_PATH

LATEST_NATIONAL = """
select value from marts.fct_signals
where signal = 'anxiety_or_depression' and group_type = 'national'
order by period_start desc limit 1
"""

REDDIT_ROWS = """
select count(*) from marts.fct_signals
where source = 'reddit' and group_type = 'subreddit' and signal = 'posts_per_week'
"""


@pytest.fixture
def pipeline_publication(sample_build, monkeypatch):
    monkeypatch.setenv("MINDPULSE_WAREHOUSE", "duckdb")
    # The build's data folder: the dashboard reads the copy published there, nothing else.
    monkeypatch.setenv("MINDPULSE_DATA_DIR", str(sample_build.data_dir))
    monkeypatch.delenv("MINDPULSE_DUCKDB_PATH", raising=False)
    return sample_build


def test_pages_render_the_pipeline_publication(pipeline_publication):
    app = AppTest.from_file(str(APP_PATH), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Nothing has been published yet" not in str([e.value for e in app.info])
    [(latest,)] = pipeline_publication.query(LATEST_NATIONAL, pipeline_publication.published)
    values = {metric.label: metric.value for metric in app.metric}
    assert values["Symptoms of anxiety or depressive disorder"] == f"{latest:.1f}%"

    app.switch_page("pages/survey_trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.get("plotly_chart")
    assert "MASE" in {metric.label for metric in app.metric}

    app.switch_page("pages/community_pulse.py").run()
    assert not app.exception, [e.value for e in app.exception]
    [(reddit_rows,)] = pipeline_publication.query(REDDIT_ROWS, pipeline_publication.published)
    no_reddit = any("No Reddit data published yet" in str(e.value) for e in app.info)
    # Charts when the build publishes Reddit series, the friendly note when it does not.
    assert no_reddit == (reddit_rows == 0)
    assert bool(app.get("plotly_chart")) == (reddit_rows > 0)
