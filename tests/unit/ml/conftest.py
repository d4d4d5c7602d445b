"""Build marts.fct_signals-shaped inputs on the real, irregular Household Pulse calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest

from extract.cdc_pulse.calendar import COLLECTION_WINDOWS
from tests.unit.ml.gemini_stub import GeminiStub, serve


def cadence_of_phase(phase: str) -> str:
    """Phase 1 weekly, Phases 2-3.x two-week windows, Phase 4.x four-week windows."""
    if phase == "1":
        return "weekly"
    return "four_weekly" if phase.startswith("4") else "biweekly"


def signal_rows(
    values: Callable[[np.ndarray], np.ndarray] | np.ndarray,
    *,
    source: str = "cdc_pulse",
    signal: str = "anxiety",
    group_type: str = "national",
    group_value: str = "United States",
    windows=COLLECTION_WINDOWS,
    unit: str = "percent",
) -> pd.DataFrame:
    """One series in fct_signals columns; ``values`` is an array or f(period index 0..n-1)."""
    index = np.arange(len(windows))
    y = np.asarray(values(index) if callable(values) else values, dtype=float)
    return pd.DataFrame(
        {
            "signal": signal,
            "source": source,
            "cadence": [cadence_of_phase(w.phase) for w in windows],
            "group_type": group_type,
            "group_value": group_value,
            "period_start": [w.start for w in windows],
            "period_end": [w.end for w in windows],
            "value": y,
            "ci_low": y - 1.0,
            "ci_high": y + 1.0,
            "unit": unit,
        }
    )


@pytest.fixture(scope="session")
def make_signals():
    return signal_rows


@pytest.fixture
def stub() -> Iterator[GeminiStub]:
    """The local Gemini API stub (tests/unit/ml/gemini_stub.py), running for one test."""
    stub = GeminiStub()
    server, stub.url = serve(stub)
    yield stub
    server.shutdown()
    server.server_close()
