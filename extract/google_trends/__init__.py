"""Google Trends: relative search interest (0..100) in mental-health terms, by place and week.

Modes: ``file`` (Google Trends CSV exports, or tables saved by pytrends-style libraries and
notebooks) and ``sample`` (generated in the export's format, offline, the default). 'live'
falls back to the sample: Google has no official Trends API, and the unofficial libraries that
scrape it are unmaintained and break without notice. See ``extract_google_trends``.
"""

from extract.google_trends.extract import batch_from_payload, extract_google_trends
from extract.google_trends.records import RAW_CONTRACT, RAW_TABLE, SOURCE

__all__ = ["RAW_CONTRACT", "RAW_TABLE", "SOURCE", "batch_from_payload", "extract_google_trends"]
