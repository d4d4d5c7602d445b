"""Each script run reads one publication, from its first query to its last.

A run pins the publication current when it starts; a publication that lands mid-run is read by
the next run. The pages are real (AppTest); publishing happens between two of a page's queries
by wrapping the data-access function the page calls next.
"""

from __future__ import annotations

import duckdb
import pytest

from dashboard import data
from tests.dashboard.app_pages import (
    NATIONAL,
    TRENDS,
    assert_no_exception,
    metric_values,
    open_page,
)
from tests.dashboard.dashboard_fixtures import METRICS, Warehouse, latest_value
from tests.dashboard.publications import ALSO_CHANGED, publish, publish_old_layout

SERIES = ("anxiety_or_depression", *NATIONAL)
# The next publication differs in every table a page reads after the series list.
NEXT = 5.0


def shown(app) -> dict[str, str]:
    values = metric_values(app)
    text = "\n".join(str(element.value) for element in app.caption)
    return {
        "latest": values["Latest estimate"],
        "mase": values["MASE"],
        "loaded": "2024-10-02" if "last loaded **2024-10-02" in text else "2024-10-01",
    }


def expected(offset: float, mase_added: float, loaded: str) -> dict[str, str]:
    return {
        "latest": f"{latest_value(SERIES[0], NATIONAL, offset):.1f}%",
        "mase": f"{METRICS[SERIES]['mase'] + mase_added:.2f}",
        "loaded": loaded,
    }


FIRST = expected(0.0, 0, "2024-10-01")
SECOND = expected(NEXT, 1, "2024-10-02")


def test_a_run_reads_the_publication_it_started_with(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = warehouse.published_path.parent / "generations"
    [pinned] = list(first.iterdir())
    read_history = data.series_history
    published = []

    def publish_then_read(*args, **kwargs):
        if not published:
            # The page has read the series list; three publications land before the rest.
            # With three generations kept, the run's own is deleted: it must not matter.
            for _ in range(3):
                published.append(publish(warehouse, NEXT, then=ALSO_CHANGED))
            assert not pinned.exists()
        return read_history(*args, **kwargs)

    monkeypatch.setattr(data, "series_history", publish_then_read)
    app = open_page(TRENDS)
    assert_no_exception(app)
    assert len(published) == 3
    assert shown(app) == FIRST

    app.run()  # the next run: the newest publication, in every query
    assert_no_exception(app)
    assert shown(app) == SECOND


def test_a_new_run_is_not_served_the_previous_publication_under_the_new_key(
    warehouse: Warehouse,
) -> None:
    app = open_page(TRENDS)
    assert shown(app) == FIRST
    # Another session of this process still reads the stable path through its own connection
    # (the pipeline's asset and users open it too): DuckDB would hand that open instance, with
    # the old contents, to anyone connecting to the same path.
    other_reader = duckdb.connect(str(warehouse.published_path), read_only=True)
    try:
        publish(warehouse, NEXT, then=ALSO_CHANGED)
        app.run()
        assert_no_exception(app)
        assert shown(app) == SECOND
    finally:
        other_reader.close()


def test_a_copy_published_before_generations_is_read_and_replaced_cleanly(
    unpublished_warehouse: Warehouse,
) -> None:
    published = unpublished_warehouse.published_path
    published.parent.mkdir(parents=True)
    publish_old_layout(published)
    app = open_page(TRENDS)
    assert_no_exception(app)
    assert shown(app)["latest"] == FIRST["latest"]

    other_reader = duckdb.connect(str(published), read_only=True)
    try:
        publish_old_layout(published, NEXT)  # the old way: a new file renamed over the path
        app.run()
        assert_no_exception(app)
        assert shown(app)["latest"] == SECOND["latest"]
    finally:
        other_reader.close()

    publish(unpublished_warehouse, 2 * NEXT)  # the first publication with generations
    app.run()
    assert metric_values(app)["Latest estimate"] == (
        f"{latest_value(SERIES[0], NATIONAL, 2 * NEXT):.1f}%"
    )
