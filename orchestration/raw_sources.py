"""The raw assets of every source: how each is extracted, and what replay loads.

Each source's raw asset is built by ``extract_assets.build_raw_asset`` from its contract, its
extract function (settings -> batch) and its rebuild-from-landing function. RAW_ASSETS lists
them for definitions.py and `make replay`.
"""

from datetime import datetime

import dagster as dg
import duckdb

from extract.batch import ExtractBatch
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.extract import batch_from_payload as rebuild_cdc_pulse
from extract.cdc_pulse.records import RAW_CONTRACT as CDC_PULSE_CONTRACT
from extract.google_trends import extract_google_trends
from extract.google_trends.extract import batch_from_payload as rebuild_google_trends
from extract.google_trends.records import RAW_CONTRACT as GOOGLE_TRENDS_CONTRACT
from extract.news import extract_news
from extract.news.extract import batch_from_payload as rebuild_news
from extract.news.records import RAW_CONTRACT as NEWS_CONTRACT
from extract.osmi_survey import extract_osmi_survey
from extract.osmi_survey.extract import batch_from_payload as rebuild_osmi_survey
from extract.osmi_survey.records import RAW_CONTRACT as OSMI_SURVEY_CONTRACT
from extract.raw_load import LoadResult
from extract.reddit import extract_reddit
from extract.reddit.extract import batch_from_payload as rebuild_reddit
from extract.reddit.live_source import RedditCredentials
from extract.reddit.prepare import author_key, expire_loaded_bodies
from extract.reddit.records import RAW_CONTRACT as REDDIT_CONTRACT
from extract.replay import LATEST
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.extract import batch_from_payload as rebuild_who_suicide
from extract.who_suicide.records import RAW_CONTRACT as WHO_SUICIDE_CONTRACT
from orchestration.extract_assets import build_raw_asset
from orchestration.settings import RAW_SCHEMA, Settings


def _extract_cdc_pulse(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_cdc_pulse(
        settings.source_mode("cdc_pulse"),
        file_path=settings.source_file("cdc_pulse"),
        sample_scale=settings.sample_scale,
        app_token=settings.cdc_app_token,
        sample_as_of=settings.sample_as_of,
    )


cdc_pulse_indicators = build_raw_asset(
    CDC_PULSE_CONTRACT,
    _extract_cdc_pulse,
    rebuild_cdc_pulse,
    description=(
        "CDC/NCHS Household Pulse Survey: indicators of anxiety or depression (data.cdc.gov "
        "dataset 8pt5-q6wp). Mode per MINDPULSE_SOURCES / MINDPULSE_CDC_PULSE_FILE: generated "
        "sample, live SODA API or a CSV export. Bad records go to raw.quarantine; a batch much "
        "smaller than the last one is refused (run config accept_shrink)."
    ),
)
CDC_PULSE_KEY = cdc_pulse_indicators.key
CDC_PULSE_TABLE = CDC_PULSE_CONTRACT.table


def _extract_reddit(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_reddit(
        settings.source_mode("reddit"),
        author_key=author_key(settings.reddit_author_key, settings.data_dir),
        file_path=settings.source_file("reddit"),
        sample_scale=settings.sample_scale,
        subreddits=settings.reddit_subreddits,
        credentials=RedditCredentials(
            settings.reddit_client_id, settings.reddit_client_secret, settings.reddit_user_agent
        ),
        newest_loaded=newest,
        text_retention_days=settings.reddit_text_retention_days,
        sample_as_of=settings.sample_as_of,
    )


def _expire_reddit_bodies(
    conn: duckdb.DuckDBPyConnection, settings: Settings, loaded: LoadResult
) -> dict:
    """Bodies loaded by earlier runs expire too: a weekly live load keeps a post's text for the
    retention, not for ever. Stamped with this load's time, so the marts drop them this run."""
    expired = expire_loaded_bodies(
        conn,
        RAW_SCHEMA,
        settings.reddit_text_retention_days,
        sample_as_of=settings.sample_as_of,
        loaded_at=loaded.loaded_at,
    )
    return {"bodies_expired": expired}


reddit_posts = build_raw_asset(
    REDDIT_CONTRACT,
    _extract_reddit,
    rebuild_reddit,
    description=(
        "Posts of mental-health communities on Reddit (MINDPULSE_REDDIT_SUBREDDITS). Mode per "
        "MINDPULSE_SOURCES / MINDPULSE_REDDIT_FILE: generated sample, live API through praw "
        "(only posts newer than the newest loaded) or CSV / JSON lines exports. Authors are "
        "keyed hashes; personal data is scrubbed from the text before anything is landed."
    ),
    after_load=_expire_reddit_bodies,
)
REDDIT_KEY = reddit_posts.key


def _extract_osmi_survey(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_osmi_survey(
        settings.source_mode(OSMI_SURVEY_CONTRACT.source),
        file_path=settings.source_file(OSMI_SURVEY_CONTRACT.source),
        sample_scale=settings.sample_scale,
    )


osmi_survey_responses = build_raw_asset(
    OSMI_SURVEY_CONTRACT,
    _extract_osmi_survey,
    rebuild_osmi_survey,
    description=(
        "OSMI Mental Health in Tech survey responses, one row per respondent and survey year, "
        "answers as given (typed and cleaned in dbt). Mode per MINDPULSE_SURVEY_FILE: the "
        "survey CSVs as published (2014 layout or the question-text layout of 2016 on; a file "
        "or a folder of yearly files), else a generated sample in the 2014 layout. Comments "
        "and other free-text answers are dropped before landing."
    ),
)
OSMI_SURVEY_KEY = osmi_survey_responses.key


def _extract_news(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_news(
        settings.source_mode(NEWS_CONTRACT.source),
        file_path=settings.source_file(NEWS_CONTRACT.source),
        sample_scale=settings.sample_scale,
        api_key=settings.newsapi_key,
        queries=settings.news_queries,
        newest_loaded=newest,
        sample_as_of=settings.sample_as_of,
    )


news_articles = build_raw_asset(
    NEWS_CONTRACT,
    _extract_news,
    rebuild_news,
    description=(
        "News articles about mental health (MINDPULSE_NEWS_QUERIES). Mode per "
        "MINDPULSE_SOURCES / MINDPULSE_NEWS_FILE: generated sample, live NewsAPI /v2/everything "
        "(MINDPULSE_NEWSAPI_KEY; only articles newer than the newest loaded) or NewsAPI "
        "response JSON files. Authors, descriptions and contents are dropped before landing."
    ),
)


def _extract_google_trends(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_google_trends(
        settings.source_mode(GOOGLE_TRENDS_CONTRACT.source),
        file_path=settings.source_file(GOOGLE_TRENDS_CONTRACT.source),
        sample_scale=settings.sample_scale,
        sample_as_of=settings.sample_as_of,
    )


google_trends_interest = build_raw_asset(
    GOOGLE_TRENDS_CONTRACT,
    _extract_google_trends,
    rebuild_google_trends,
    description=(
        "Google Trends search interest per term, place and date. Mode per "
        "MINDPULSE_TRENDS_FILE: raw Trends CSV exports or the plain CSV that libraries save "
        "(a file or a folder), else a generated sample. '<1' is stored as 0.5 and flagged; "
        "window borders of daily series fetched in pieces are detected, chain-linked and "
        "listed in the load metadata."
    ),
)


def _extract_who_suicide(settings: Settings, newest: datetime | None) -> ExtractBatch:
    return extract_who_suicide(
        settings.source_mode(WHO_SUICIDE_CONTRACT.source),
        file_path=settings.source_file(WHO_SUICIDE_CONTRACT.source),
        sample_scale=settings.sample_scale,
    )


who_suicide_statistics = build_raw_asset(
    WHO_SUICIDE_CONTRACT,
    _extract_who_suicide,
    rebuild_who_suicide,
    description=(
        "WHO suicide statistics by country, year, sex and age band. Mode per "
        "MINDPULSE_WHO_FILE: the WHO layout or the 'suicide rates overview 1985-2016' layout "
        "(a file or a folder), else a generated sample. Blank counts stay null."
    ),
)

# Source -> its raw asset; definitions.py registers them and `make replay` configures them.
RAW_ASSETS: dict[str, dg.AssetsDefinition] = {
    CDC_PULSE_CONTRACT.source: cdc_pulse_indicators,
    REDDIT_CONTRACT.source: reddit_posts,
    OSMI_SURVEY_CONTRACT.source: osmi_survey_responses,
    NEWS_CONTRACT.source: news_articles,
    GOOGLE_TRENDS_CONTRACT.source: google_trends_interest,
    WHO_SUICIDE_CONTRACT.source: who_suicide_statistics,
}


def replay_run_config(choice: str) -> dict:
    """Run config that makes every raw asset load a landed batch instead of extracting.

    `choice` is 'latest' or a batch id; a batch id applies to its own source (batch ids start
    with the source name), and every other source replays its latest batch.
    """
    unknown = choice != LATEST and not any(choice.startswith(f"{s}-") for s in RAW_ASSETS)
    if unknown:
        raise ValueError(
            f"{choice!r} is not a batch id of a known source ({', '.join(RAW_ASSETS)}); batch "
            "ids are landing file names without the extension, e.g. cdc_pulse-file-<stamp>-<hash>."
        )
    return {
        "ops": {
            asset.op.name: {
                "config": {"replay": choice if choice.startswith(f"{source}-") else LATEST}
            }
            for source, asset in RAW_ASSETS.items()
        }
    }
