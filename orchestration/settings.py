"""The one place MindPulse reads its environment.

Every layer (extract assets, dbt, ML assets, dashboard) asks this module for paths, names and
modes; nothing else calls ``os.environ``. dbt reads the same variables through ``env_var`` in
``dbt_project/profiles.yml``, whose defaults must agree with the ones below (a test checks it).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

from ml_assets.gemini import DEFAULT_MAX_CALLS, DEFAULT_MODEL
from orchestration.cloud_settings import (
    LandingBucket,
    SnowflakeSettings,
    landing_bucket_from_env,
    snowflake_from_env,
)
from orchestration.env_values import (
    ConfigurationError,
    count_from_env,
    jobs_from_env,
    path_from_env,
    positive_int_from_env,
    share_from_env,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# Default locations, relative to the repository root (never to the working directory).
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
WAREHOUSE_FILE_NAME = "mindpulse.duckdb"
DEFAULT_DUCKDB_PATH = DEFAULT_DATA_DIR / "warehouse" / WAREHOUSE_FILE_NAME
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"
DEFAULT_LANDING_RETENTION_DAYS = 30
DEFAULT_WRITER_WAIT_SECONDS = 600
# Survey segments: respondents clustered on an exact Gower matrix (O(n²) memory: 5,000 take
# about 0.2 GB as float64); the others take their nearest clustered neighbour's segment.
DEFAULT_SEGMENT_MAX_EXACT = 5000

# Schemas are named identically in every warehouse.
RAW_SCHEMA = "raw"
STAGING_SCHEMA = "staging"
MARTS_SCHEMA = "marts"
ML_SCHEMA = "ml"

WAREHOUSES = ("duckdb", "snowflake")
SOURCE_MODES = ("sample", "live")

# Source name -> environment variable that switches it to `file` mode.
SOURCE_FILE_VARIABLES = {
    "cdc_pulse": "MINDPULSE_CDC_PULSE_FILE",
    "reddit": "MINDPULSE_REDDIT_FILE",
    "osmi_survey": "MINDPULSE_SURVEY_FILE",
    "news": "MINDPULSE_NEWS_FILE",
    "google_trends": "MINDPULSE_TRENDS_FILE",
    "who_suicide": "MINDPULSE_WHO_FILE",
}
# Sources whose file variable may also name a folder or a glob of export files.
MULTI_FILE_SOURCES = frozenset({"reddit", "osmi_survey", "news", "google_trends", "who_suicide"})

DEFAULT_NEWS_QUERIES = ("mental health", "anxiety", "depression")
# Cross-source lead/lag (ml_assets.relationships): weeks two series must share to be compared.
DEFAULT_RELATIONSHIP_MIN_WEEKS = 26

DEFAULT_REDDIT_SUBREDDITS = ("mentalhealth", "depression", "anxiety")
DEFAULT_REDDIT_USER_AGENT = "MindPulse/0.1 (public-health trends; contact via repository)"
DEFAULT_REDDIT_TEXT_RETENTION_DAYS = 365
_SUBREDDIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")

SOURCES = tuple(SOURCE_FILE_VARIABLES)
# The earliest MINDPULSE_SAMPLE_AS_OF: the CDC sample (the real survey calendar, from April
# 2020) then still holds about twenty collection windows, and the Reddit sample's trend stays
# positive. A test generates both samples on this day.
EARLIEST_SAMPLE_AS_OF = date(2021, 1, 1)
# The completeness guard's default: a batch needs this share of the previous one's rows.
DEFAULT_MIN_BATCH_SHARE = 0.9
_ALL_SOURCES = ("all", "1", "true", "yes")

# LLM summaries of Reddit themes: off (deterministic summaries) or gemini (needs a key).
LLM_MODES = ("off", "gemini")

Warehouse = Literal["duckdb", "snowflake"]
SourceMode = Literal["sample", "live", "file"]


@dataclass(frozen=True)
class Settings:
    warehouse: Warehouse
    duckdb_path: Path
    default_source_mode: Literal["sample", "live"]
    source_files: Mapping[str, Path] = field(default_factory=dict)
    sample_scale: float = 1.0
    # The day sample mode pretends it is (MINDPULSE_SAMPLE_AS_OF): the generated data ends
    # before it and sample posts' text ages from it. None: today, whenever a run asks.
    sample_as_of: date | None = None
    # Completeness guard (extract.completeness): the share of the previous batch's rows and
    # series a new batch needs, and the sources allowed to shrink on this run.
    min_batch_share: float = DEFAULT_MIN_BATCH_SHARE
    accept_shrink: frozenset[str] = frozenset()
    # repr=False: a token never appears when Settings is printed or logged.
    cdc_app_token: str | None = field(default=None, repr=False)
    # Reddit (extract.reddit): communities, API credentials, the author-hash key, text retention.
    reddit_subreddits: tuple[str, ...] = DEFAULT_REDDIT_SUBREDDITS
    reddit_client_id: str | None = field(default=None, repr=False)
    reddit_client_secret: str | None = field(default=None, repr=False)
    reddit_user_agent: str = DEFAULT_REDDIT_USER_AGENT
    reddit_author_key: str | None = field(default=None, repr=False)
    reddit_text_retention_days: int = DEFAULT_REDDIT_TEXT_RETENTION_DAYS
    # News (extract.news): the NewsAPI key (live mode) and the queries it searches.
    newsapi_key: str | None = field(default=None, repr=False)
    news_queries: tuple[str, ...] = DEFAULT_NEWS_QUERIES
    # Set exactly when warehouse == "snowflake" (orchestration/cloud_settings.py).
    snowflake: SnowflakeSettings | None = None
    # Landing files on S3 instead of <data_dir>/landing (MINDPULSE_LANDING_BUCKET).
    landing_bucket: LandingBucket | None = None
    dagster_home: Path = DEFAULT_DAGSTER_HOME
    # The one folder MindPulse writes to. Only the warehouse file may live elsewhere, when
    # MINDPULSE_DUCKDB_PATH names it explicitly.
    data_dir: Path = DEFAULT_DATA_DIR
    landing_retention_days: int = DEFAULT_LANDING_RETENTION_DAYS
    # How long a run waits for the writer slot before it gives up (orchestration/writer_slot.py).
    writer_wait_seconds: int = DEFAULT_WRITER_WAIT_SECONDS
    # Reddit insight summaries: 'gemini' calls Gemini (at most llm_max_calls new calls a run,
    # cached answers are free); 'off' writes deterministic summaries.
    llm: Literal["off", "gemini"] = "off"
    gemini_api_key: str | None = field(default=None, repr=False)
    gemini_model: str = DEFAULT_MODEL
    llm_max_calls: int = DEFAULT_MAX_CALLS
    # Worker processes for fitting forecasts; None: one per core (up to 4) when there are
    # enough series to repay starting them (ml_assets.forecast.default_jobs).
    forecast_jobs: int | None = None
    # Respondents clustered exactly (MINDPULSE_SEGMENT_MAX_EXACT); see ml_assets.segments.
    segment_max_exact: int = DEFAULT_SEGMENT_MAX_EXACT
    # Weeks two signals must share before their lead/lag is measured.
    relationship_min_weeks: int = DEFAULT_RELATIONSHIP_MIN_WEEKS

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def dbt_runs_dir(self) -> Path:
        """Where each dbt invocation of a run writes its artifacts and log (the newest kept)."""
        return self.data_dir / "dbt" / "runs"

    @property
    def dbt_parse_state_path(self) -> Path:
        """dbt's saved parse of the project for this data folder (dbt_parse_state.py)."""
        return self.data_dir / "dbt" / "partial_parse.msgpack"

    @property
    def published_duckdb_path(self) -> Path:
        """Copy of the warehouse the dashboard reads; swapped in atomically after a green build.

        It stays in the data folder even when the warehouse file is elsewhere, and is named
        after the warehouse file so two warehouses never share one published copy.
        """
        return self.data_dir / "warehouse" / "published" / self.duckdb_path.name

    def source_mode(self, source: str) -> SourceMode:
        """`file` when a real export is configured for the source, else the default mode."""
        if source in self.source_files:
            return "file"
        return self.default_source_mode

    def source_file(self, source: str) -> Path | None:
        return self.source_files.get(source)

    def accepts_shrink(self, source: str) -> bool:
        return source in self.accept_shrink


def _sample_as_of_from_env(env: Mapping[str, str], today: date) -> date | None:
    """MINDPULSE_SAMPLE_AS_OF: a day from EARLIEST_SAMPLE_AS_OF to today (UTC), or None."""
    name = "MINDPULSE_SAMPLE_AS_OF"
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        # The regex first: fromisoformat also takes '20261126' and '2026-W48-4'.
        value = date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        value = None
    # A day after today would make sample posts from the future, which the Reddit staging
    # model's plausible_timestamp test rightly refuses.
    if value is None or not EARLIEST_SAMPLE_AS_OF <= value <= today:
        example = today - timedelta(days=7)
        raise ConfigurationError(
            f"{name}={raw!r} must be a date as YYYY-MM-DD from {EARLIEST_SAMPLE_AS_OF} to today "
            f"({today}), such as {name}={example} for the sample data of a week ago; unset it "
            "for today."
        )
    return value


def _llm_from_env(env: Mapping[str, str]) -> dict:
    """MINDPULSE_LLM and what it needs; the key is checked only when an LLM is asked for."""
    mode = env.get("MINDPULSE_LLM", "off").strip().lower() or "off"
    if mode not in LLM_MODES:
        raise ConfigurationError(
            f"MINDPULSE_LLM={mode!r} is not supported; use one of {LLM_MODES}."
        )
    key = env.get("GEMINI_API_KEY", "").strip() or None
    if mode == "gemini" and key is None:
        raise ConfigurationError(
            "MINDPULSE_LLM=gemini needs GEMINI_API_KEY (a Gemini API key from Google AI "
            "Studio); set it, or unset MINDPULSE_LLM for deterministic summaries."
        )
    return {
        "llm": mode,
        "gemini_api_key": key,
        "gemini_model": env.get("MINDPULSE_GEMINI_MODEL", "").strip() or DEFAULT_MODEL,
        "llm_max_calls": count_from_env(
            env,
            "MINDPULSE_LLM_MAX_CALLS",
            DEFAULT_MAX_CALLS,
            "new LLM calls per run; 0 uses cached answers only",
        ),
    }


def _sources_from_env(env: Mapping[str, str], name: str) -> frozenset[str]:
    """A comma-separated list of source names, or 'all'."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return frozenset()
    if raw in _ALL_SOURCES:
        return frozenset(SOURCES)
    names = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - set(SOURCES))
    if unknown:
        raise ConfigurationError(
            f"{name}={raw!r} names unknown source(s) {unknown}; use 'all' or a "
            f"comma-separated list of {', '.join(SOURCES)}."
        )
    return frozenset(names)


def _source_file(variable: str, value: str, source: str) -> Path:
    """The path a source's file variable names; a folder or a glob where the source reads
    several files. Checked here so a typo fails before the run starts."""
    path = Path(value).expanduser()
    if source in MULTI_FILE_SOURCES:
        if re.search(r"[*?[]", value):
            if not any(Path(match).is_file() for match in glob.glob(str(path))):
                raise ConfigurationError(
                    f"{variable}={value!r} matches no files; give a file, a folder or a glob "
                    f"of {source} exports, or unset {variable}."
                )
            return path
        if path.is_dir():
            return path.resolve()
    path = path.resolve()
    if not path.is_file():
        raise ConfigurationError(
            f"{variable}={value!r} does not point to a readable file; "
            f"give the path of the {source} export or unset {variable}."
        )
    return path


def _subreddits_from_env(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(name, "").strip()
    if not raw:
        return DEFAULT_REDDIT_SUBREDDITS
    names = tuple(
        dict.fromkeys(part.strip().removeprefix("r/") for part in raw.split(",") if part.strip())
    )
    wrong = [n for n in names if not _SUBREDDIT_NAME.fullmatch(n)]
    if wrong or not names:
        raise ConfigurationError(
            f"{name}={raw!r} must be a comma-separated list of subreddit names such as "
            f"{','.join(DEFAULT_REDDIT_SUBREDDITS)} (2-21 letters, digits or _); "
            f"not names: {wrong}."
        )
    return names


def _news_queries_from_env(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(name, "").strip()
    if not raw:
        return DEFAULT_NEWS_QUERIES
    queries = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    # NewsAPI refuses a q longer than 500 characters.
    too_long = [q for q in queries if len(q) > 500]
    if too_long or not queries:
        raise ConfigurationError(
            f"{name}={raw!r} must be a comma-separated list of search queries such as "
            f"{','.join(DEFAULT_NEWS_QUERIES)}, each at most 500 characters."
        )
    return queries


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every MindPulse variable; raise ConfigurationError with the fix."""
    env = os.environ if env is None else env

    warehouse = env.get("MINDPULSE_WAREHOUSE", "duckdb").strip().lower() or "duckdb"
    if warehouse not in WAREHOUSES:
        raise ConfigurationError(
            f"MINDPULSE_WAREHOUSE={warehouse!r} is not supported; use one of {WAREHOUSES}."
        )

    mode = env.get("MINDPULSE_SOURCES", "sample").strip().lower() or "sample"
    if mode not in SOURCE_MODES:
        raise ConfigurationError(
            f"MINDPULSE_SOURCES={mode!r} is not supported; use one of {SOURCE_MODES} "
            "(set MINDPULSE_<SOURCE>_FILE to import a real export instead)."
        )

    raw_scale = env.get("MINDPULSE_SAMPLE_SCALE", "1").strip() or "1"
    try:
        scale = float(raw_scale)
    except ValueError:
        scale = -1.0
    if not scale > 0:
        raise ConfigurationError(
            f"MINDPULSE_SAMPLE_SCALE={raw_scale!r} must be a positive number such as 1 or 10."
        )

    min_batch_share = share_from_env(env, "MINDPULSE_MIN_BATCH_SHARE", DEFAULT_MIN_BATCH_SHARE)
    accept_shrink = _sources_from_env(env, "MINDPULSE_ACCEPT_SHRINK")

    source_files: dict[str, Path] = {}
    for source, variable in SOURCE_FILE_VARIABLES.items():
        value = env.get(variable, "").strip()
        if not value:
            continue
        source_files[source] = _source_file(variable, value, source)

    snowflake = snowflake_from_env(env) if warehouse == "snowflake" else None

    data_dir = path_from_env(env, "MINDPULSE_DATA_DIR", DEFAULT_DATA_DIR)
    # dbt_project/profiles.yml derives the same default from the same two variables.
    default_duckdb_path = data_dir / "warehouse" / WAREHOUSE_FILE_NAME

    return Settings(
        warehouse=warehouse,  # type: ignore[arg-type]
        duckdb_path=path_from_env(env, "MINDPULSE_DUCKDB_PATH", default_duckdb_path),
        default_source_mode=mode,  # type: ignore[arg-type]
        source_files=source_files,
        sample_scale=scale,
        sample_as_of=_sample_as_of_from_env(env, datetime.now(UTC).date()),
        min_batch_share=min_batch_share,
        accept_shrink=accept_shrink,
        cdc_app_token=env.get("MINDPULSE_CDC_APP_TOKEN") or None,
        reddit_subreddits=_subreddits_from_env(env, "MINDPULSE_REDDIT_SUBREDDITS"),
        reddit_client_id=env.get("REDDIT_CLIENT_ID", "").strip() or None,
        reddit_client_secret=env.get("REDDIT_CLIENT_SECRET", "").strip() or None,
        reddit_user_agent=env.get("REDDIT_USER_AGENT", "").strip() or DEFAULT_REDDIT_USER_AGENT,
        reddit_author_key=env.get("MINDPULSE_REDDIT_AUTHOR_KEY", "").strip() or None,
        reddit_text_retention_days=positive_int_from_env(
            env,
            "MINDPULSE_REDDIT_TEXT_RETENTION_DAYS",
            DEFAULT_REDDIT_TEXT_RETENTION_DAYS,
            "days",
        ),
        newsapi_key=env.get("MINDPULSE_NEWSAPI_KEY", "").strip() or None,
        news_queries=_news_queries_from_env(env, "MINDPULSE_NEWS_QUERIES"),
        snowflake=snowflake,
        landing_bucket=landing_bucket_from_env(env),
        dagster_home=path_from_env(env, "DAGSTER_HOME", DEFAULT_DAGSTER_HOME),
        data_dir=data_dir,
        landing_retention_days=positive_int_from_env(
            env, "MINDPULSE_LANDING_RETENTION_DAYS", DEFAULT_LANDING_RETENTION_DAYS, "days"
        ),
        writer_wait_seconds=positive_int_from_env(
            env, "MINDPULSE_WRITER_WAIT_SECONDS", DEFAULT_WRITER_WAIT_SECONDS, "seconds"
        ),
        **_llm_from_env(env),
        forecast_jobs=jobs_from_env(env, "MINDPULSE_FORECAST_JOBS"),
        segment_max_exact=positive_int_from_env(
            env, "MINDPULSE_SEGMENT_MAX_EXACT", DEFAULT_SEGMENT_MAX_EXACT, "respondents"
        ),
        relationship_min_weeks=positive_int_from_env(
            env, "MINDPULSE_RELATIONSHIP_MIN_WEEKS", DEFAULT_RELATIONSHIP_MIN_WEEKS, "weeks"
        ),
    )
