"""The search-interest raw asset in Dagster: a daily series stitched from two request windows is
loaded chain-linked, and its materialization says where the border was (the load metadata a
reader of the Dagster UI sees), so the jump is never read as a real change."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np

from orchestration.raw_sources import google_trends_interest
from orchestration.resources import build_resources
from orchestration.settings import load_settings
from tests.unit.extract.google_trends.trends_files import as_cells, daily_table, rescaled

START = date(2023, 3, 1)
DAYS, BORDER = 140, 70


def test_window_borders_are_in_the_load_metadata_and_the_linked_series_is_continuous(
    tmp_path: Path,
):
    t = np.arange(DAYS)
    truth = 40 + 10 * np.sin(2 * np.pi * t / 90) + 80 * np.exp(-(((t - 30) / 4) ** 2))
    published = np.concatenate([rescaled(truth[:BORDER]), rescaled(truth[BORDER:])])
    export = tmp_path / "therapy_daily.csv"
    export.write_text(daily_table("therapy", as_cells(published), START))
    settings = load_settings(
        {"MINDPULSE_DATA_DIR": str(tmp_path / "data"), "MINDPULSE_TRENDS_FILE": str(export)}
    )

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [google_trends_interest], resources=build_resources(settings), instance=instance
        )
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = {key: value.value for key, value in event.materialization.metadata.items()}
    [border] = metadata["window_borders"]
    assert border["border_date"] == (START + timedelta(days=BORDER)).isoformat()
    assert metadata["source_mode"] == "file"

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        linked = conn.execute(
            "select interest * window_link_factor from raw.google_trends_interest "
            "order by period_date"
        ).fetchnumpy()
    values = next(iter(linked.values()))
    # Across the border the linked values move as the truth does, not by the rescaling jump.
    step = values[BORDER : BORDER + 7].mean() / values[BORDER - 7 : BORDER].mean()
    truth_step = truth[BORDER : BORDER + 7].mean() / truth[BORDER - 7 : BORDER].mean()
    raw_step = published[BORDER : BORDER + 7].mean() / published[BORDER - 7 : BORDER].mean()
    assert abs(step / truth_step - 1) < 0.05
    assert abs(raw_step / truth_step - 1) > 0.5
