"""What the load metadata says about a search-interest batch beyond its counts.

Everything here is read from the validated rows, so a replay of the landed payload reports the
same: the window borders of stitched series (``windows``), the '<1' values and the partial
rows. What only the reading of the files knows (duplicate dates dropped, borders that could not
be linked, the layouts of the files) is added by ``extract``, and a replay does not repeat it.
"""

from __future__ import annotations

import pandas as pd

_SERIES = ["term", "place", "granularity"]


def describe_rows(rows: pd.DataFrame) -> dict[str, object]:
    """{"series", "granularities", "window_borders", "below_one_values", "partial_rows"}."""
    series = rows.groupby(_SERIES, sort=True)
    borders = []
    for (term, place, granularity), group in series:
        windows = group.groupby("window_index").agg(
            start=("period_date", "min"), factor=("window_link_factor", "first")
        )
        for (index, window), (_, previous) in zip(
            windows.iloc[1:].iterrows(), windows.iloc[:-1].iterrows(), strict=True
        ):
            borders.append(
                {
                    "term": term,
                    "place": place,
                    "granularity": granularity,
                    "window_index": int(index),
                    "border_date": window["start"].isoformat(),
                    # This window's values times factor are on the previous window's scale.
                    "factor": round(float(window["factor"] / previous["factor"]), 6),
                }
            )
    granularities = rows.drop_duplicates(_SERIES)["granularity"].value_counts()
    return {
        "series": int(series.ngroups),
        "granularities": {str(k): int(v) for k, v in sorted(granularities.items())},
        "window_borders": borders,
        "below_one_values": int(rows["below_one"].sum()),
        "partial_rows": int(rows["is_partial"].sum()),
    }
