"""Publishing the fixture warehouse as the pipeline does, or as it did before generations."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.publish import current_generation, publish_warehouse
from tests.dashboard.dashboard_fixtures import Warehouse, build_warehouse

# Makes a publication differ from the first in the tables a page reads besides the survey values
# (those differ by a value offset): the backtest (ml) and the load record (raw).
ALSO_CHANGED = """
update ml.forecast_metrics set mase = mase + 1;
update raw.load_batches set loaded_at = loaded_at + interval 1 day;
"""


def publish(
    target: Warehouse,
    value_offset: float = 0.0,
    *,
    then: str = "",
    reddit: bool = True,
    survey: bool = True,
) -> Path:
    """Build the working warehouse (see build_warehouse) and publish it exactly as the
    pipeline's last step does; return the generation published."""
    build_warehouse(target.working_path, value_offset, then, reddit=reddit, survey=survey)
    publish_warehouse(target.working_path, target.published_path)
    generation = current_generation(target.published_path)
    assert generation is not None
    return generation


def publish_old_layout(published: Path, value_offset: float = 0.0) -> None:
    """A published copy as the pipeline made it before generations: one file, swapped in."""
    staging = published.with_name(published.name + ".tmp")
    build_warehouse(staging, value_offset)
    os.replace(staging, published)
