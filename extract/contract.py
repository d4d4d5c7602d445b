"""What a source declares about its raw table, so loading, guarding and replay need no own code.

Each source package defines one :class:`RawTableContract`: the table it owns, its record columns,
what identifies a series and a period in its records, and how a batch is loaded. Everything
generic (``extract.raw_load``, ``extract.completeness``, ``extract.replay``) reads the contract;
a new source that fills one in inherits the load, the completeness guard and replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LoadKind = Literal["snapshot", "incremental"]


@dataclass(frozen=True)
class RawTableContract:
    source: str  # e.g. 'cdc_pulse'; batch ids and landing folders start with it
    table: str  # raw.<table>, owned by this source alone
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type with constraints), record columns
    # Columns that together name one series (one line on a chart), e.g. indicator and group.
    series_columns: tuple[str, ...]
    # The column naming a period (a survey wave, a week); its distinct values are the periods.
    period_column: str
    # A date column: the newest period is its maximum, and an incremental batch's window is
    # its range.
    date_column: str
    # 'snapshot': every batch is the whole source and replaces the table (CDC, survey, WHO).
    # 'incremental': a batch covers a window of dates and replaces only that window (a week of
    # posts or articles).
    load: LoadKind = "snapshot"
    # A snapshot of the latest stretch of time (a Google Trends export of the past five years):
    # each new batch may start later than the last one, so periods older than the batch's
    # oldest are expected to drop off. Periods missing inside its span still count as lost.
    rolling_window: bool = False

    def __post_init__(self) -> None:
        names = {name for name, _ in self.columns}
        named = (*self.series_columns, self.period_column, self.date_column)
        unknown = [column for column in named if column not in names]
        if unknown:
            raise ValueError(
                f"The {self.source} raw contract names column(s) {unknown} that raw.{self.table} "
                "does not have."
            )

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)
