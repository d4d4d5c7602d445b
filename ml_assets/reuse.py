"""What a forecast was computed from, as one hash: the key under which its results are reused.

A series' forecast depends on its rows (dates, values, cadences), its unit, the model version,
the forecasting settings and the versions of the libraries that fit it. When none of those
changed, the stored result is the result, so a run takes it instead of fitting again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from ml_assets.series import Series

FITTING_LIBRARIES = ("prophet", "statsforecast", "cmdstanpy", "numpy")


@cache
def library_versions(names: tuple[str, ...] = FITTING_LIBRARIES) -> dict[str, str]:
    """Installed versions of the fitting libraries, read from package metadata (no import)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def input_hash(series: Series, *, model_version: str, settings: dict) -> str:
    """sha256 over everything the series' forecast is computed from."""
    digest = hashlib.sha256()
    header = {
        "key": series.key,
        "unit": series.unit,
        "model_version": model_version,
        "settings": settings,
        "libraries": library_versions(),
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    history = series.history
    digest.update(history["ds"].to_numpy("datetime64[ns]").tobytes())
    digest.update(history["y"].to_numpy("float64").tobytes())
    digest.update("\x1f".join(history["cadence"].astype(str)).encode())
    return digest.hexdigest()


def frame_input_hash(
    frame: pd.DataFrame,
    *,
    sort_by: Sequence[str],
    model_version: str,
    settings: dict,
    libraries: tuple[str, ...],
) -> str:
    """sha256 over a table's rows (in `sort_by` order, so row order does not matter), its
    columns, the model version, the settings and the libraries' versions: what a result
    computed from the whole table is reused under."""
    digest = hashlib.sha256()
    header = {
        "model_version": model_version,
        "settings": settings,
        "columns": list(frame.columns),
        "libraries": library_versions(libraries),
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    ordered = frame.sort_values(list(sort_by), ignore_index=True)
    digest.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def combined_hash(hashes: list[str]) -> str:
    """One hash over a set of input hashes: the data version of a table built from them."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()
