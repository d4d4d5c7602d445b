"""The completeness guard: a batch that looks cut short never replaces good data.

A truncated download, a filtered web export or an API whose paging stopped early parse without
a single bad record, so validation cannot catch them. What gives them away is the comparison
with what the warehouse already holds from the same source and mode: far fewer rows or series,
periods that were there and are gone, an older newest period.

The previous batch is read from the raw table itself (a snapshot table holds exactly the last
batch loaded; an incremental one holds the last load of every window), inside the load's
transaction, so the comparison and the replacement see the same state. A source loaded in
another mode before (sample data, then a real export) has nothing comparable and passes.

The guard runs before anything is written; when it refuses, the warehouse is untouched. A
person who knows the source really shrank accepts it once (``ShrinkPolicy.accept``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from extract.batch import ExtractBatch, ExtractError
from extract.contract import RawTableContract
from extract.warehouse import table_exists

DEFAULT_MIN_SHARE = 0.9  # a new batch needs 90 % of the previous one's rows and series
ACCEPT_SHRINK_HINT = (
    "If the source really shrank, load this batch deliberately, once: "
    "MINDPULSE_ACCEPT_SHRINK={source} make run (or, in the Dagster UI, materialize "
    "{asset} with the run config accept_shrink: true)."
)


class IncompleteBatchError(ExtractError):
    """A batch would replace more data than it brings; nothing was written."""

    def __init__(self, message: str, outcome: GuardOutcome):
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class ShrinkPolicy:
    min_share: float = DEFAULT_MIN_SHARE
    accept: bool = False  # load even when the batch fails the comparison (said in metadata)

    def __post_init__(self) -> None:
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], got {self.min_share!r}")


@dataclass(frozen=True)
class BatchProfile:
    """What the guard compares: sizes and the set of periods, for a batch or a loaded table."""

    rows: int
    series: int
    periods: frozenset[str]
    newest: date | None
    batch_id: str | None = None  # for a loaded batch: which one, and when it was loaded
    loaded_at: datetime | None = None


@dataclass(frozen=True)
class GuardOutcome:
    previous: BatchProfile | None  # None: nothing of this source and mode to compare with
    current: BatchProfile
    problems: tuple[str, ...] = ()
    accepted: bool = False

    @property
    def status(self) -> str:
        if self.previous is None:
            return "nothing to compare (first load of this source and mode)"
        if self.problems:
            return "shrink accepted" if self.accepted else "refused"
        return "passed"

    @property
    def row_change(self) -> str:
        before = "none" if self.previous is None else f"{self.previous.rows:,}"
        return f"{before} → {self.current.rows:,} rows"


def profile_rows(rows: pd.DataFrame, contract: RawTableContract) -> BatchProfile:
    """The profile of a batch's validated rows."""
    if rows.empty:
        return BatchProfile(0, 0, frozenset(), None)
    newest = pd.to_datetime(rows[contract.date_column]).max()
    return BatchProfile(
        rows=len(rows),
        series=len(rows[list(contract.series_columns)].drop_duplicates()),
        periods=frozenset(rows[contract.period_column].dropna().astype(str)),
        newest=None if pd.isna(newest) else newest.date(),
    )


def batch_window(
    rows: pd.DataFrame, contract: RawTableContract
) -> tuple[datetime, datetime] | None:
    """The span an incremental batch covers (and replaces), to the precision of its date
    column: a fetch of the posts newer than the last one loaded replaces from that post on,
    not the whole day."""
    moments = pd.to_datetime(rows[contract.date_column]).dropna()
    if moments.empty:
        return None
    return moments.min().to_pydatetime(), moments.max().to_pydatetime()


def profile_loaded(
    conn,  # DuckDB, or extract.warehouse.SnowflakeSession
    contract: RawTableContract,
    raw_schema: str,
    mode: str,
    window: tuple[datetime, datetime] | None = None,
) -> BatchProfile | None:
    """The profile of what raw.<table> holds from `mode` (within `window`), or None if nothing."""
    table = f"{raw_schema}.{contract.table}"
    if not table_exists(conn, raw_schema, contract.table):
        return None
    where, params = "_source_mode = ?", [mode]
    if window is not None:
        where += f" and {contract.date_column} between ? and ?"
        params += list(window)
    series = ", ".join(contract.series_columns)
    [(rows, newest, batch_id, loaded_at)] = conn.execute(
        f"select count(*), max({contract.date_column}), max(_batch_id), max(_loaded_at) "
        f"from {table} where {where}",
        params,
    ).fetchall()
    if rows == 0:
        return None
    [(series_count,)] = conn.execute(
        f"select count(*) from (select distinct {series} from {table} where {where})", params
    ).fetchall()
    periods = conn.execute(
        f"select distinct cast({contract.period_column} as varchar) from {table} where {where}",
        params,
    ).fetchall()
    if isinstance(newest, datetime):
        newest = newest.date()  # a TIMESTAMP date column: newest is a day, as in profile_rows
    return BatchProfile(
        rows=rows,
        series=series_count,
        periods=frozenset(value for (value,) in periods if value is not None),
        newest=newest,
        batch_id=batch_id,
        loaded_at=loaded_at,
    )


def find_problems(
    previous: BatchProfile,
    current: BatchProfile,
    min_share: float,
    load: str = "snapshot",
    rolling_window: bool = False,
) -> list[str]:
    """Why `current` looks incomplete next to `previous`; empty when it does not.

    `rolling_window`: periods older than the batch's oldest dropped off the window's start
    (ISO dates as text sort as dates), which is expected, not lost."""
    problems = []
    percent = f"{min_share * 100:g} %"
    if load == "incremental":
        # A window may gain records between loads, never lose them: the total must not shrink.
        if current.rows < previous.rows:
            problems.append("fewer rows than the same window held (the table would shrink)")
    elif current.rows < min_share * previous.rows:
        problems.append(f"fewer than {percent} of the rows")
    if current.series < min_share * previous.series:
        problems.append(f"series {previous.series:,} → {current.series:,} (fewer than {percent})")
    lost = previous.periods - current.periods
    if rolling_window and current.periods:
        lost = {period for period in lost if period >= min(current.periods)}
    if lost:
        problems.append(
            f"{len(lost):,} of {len(previous.periods):,} periods missing ({_some(lost)})"
        )
    if previous.newest and (current.newest is None or current.newest < previous.newest):
        problems.append(f"newest period {previous.newest} → {current.newest}")
    return problems


def check_completeness(
    conn,  # DuckDB, or extract.warehouse.SnowflakeSession
    batch: ExtractBatch,
    contract: RawTableContract,
    raw_schema: str,
    policy: ShrinkPolicy,
    asset: str,
) -> GuardOutcome:
    """Compare `batch` with what it would replace; raise IncompleteBatchError to refuse it.

    `asset` names the Dagster asset in the message, so the way to accept it is exact.
    """
    window = batch_window(batch.rows, contract) if contract.load == "incremental" else None
    current = profile_rows(batch.rows, contract)
    if contract.load == "incremental" and window is None:
        # No valid rows: the batch covers no span of dates and replaces nothing (a weekly fetch
        # that found no new posts).
        return GuardOutcome(None, current)
    previous = profile_loaded(conn, contract, raw_schema, batch.mode, window)
    if previous is None:
        return GuardOutcome(None, current)
    problems = find_problems(
        previous, current, policy.min_share, contract.load, contract.rolling_window
    )
    outcome = GuardOutcome(previous, current, tuple(problems), accepted=policy.accept)
    if problems and not policy.accept:
        raise IncompleteBatchError(_refusal(batch, previous, outcome, asset), outcome)
    return outcome


def _refusal(batch: ExtractBatch, previous: BatchProfile, outcome: GuardOutcome, asset) -> str:
    loaded_at = f"{previous.loaded_at:%Y-%m-%d %H:%M} UTC" if previous.loaded_at else "earlier"
    sample_hint = (
        " (in sample mode this follows a smaller MINDPULSE_SAMPLE_SCALE)"
        if batch.mode == "sample"
        else ""
    )
    return (
        f"The new {batch.source} {batch.mode} batch looks incomplete next to the one loaded "
        f"{loaded_at} ({previous.batch_id}; raw rows {previous.rows:,} → "
        f"{outcome.current.rows:,}): {'; '.join(outcome.problems)}{sample_hint}. "
        "Nothing was loaded: RAW, the marts, the forecasts and the published dashboard keep "
        "the previous data. "
        "Check the input (a download cut short, a filtered export, an API that stopped "
        "paging). " + ACCEPT_SHRINK_HINT.format(source=batch.source, asset=asset)
    )


def _some(values: Iterable[str], limit: int = 5) -> str:
    """A few of `values` in natural order ('2, 3, 10'), with how many more."""
    ordered = sorted(
        values, key=lambda v: (0, int(v), "") if v.lstrip("-").isdigit() else (1, 0, v)
    )
    shown = ", ".join(ordered[:limit])
    more = len(ordered) - limit
    return f"{shown} and {more:,} more" if more > 0 else shown
