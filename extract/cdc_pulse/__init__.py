"""CDC / NCHS Household Pulse Survey: indicators of anxiety or depression (dataset 8pt5-q6wp).

Modes: ``sample`` (generated, offline, the default), ``live`` (the SODA API) and ``file`` (the
CSV export as published). See ``extract_cdc_pulse``.
"""

from extract.cdc_pulse.extract import extract_cdc_pulse
from extract.cdc_pulse.live_source import SODA_URL
from extract.cdc_pulse.records import RAW_TABLE, SOURCE
from extract.cdc_pulse.sample import generate_sample_csv

__all__ = ["RAW_TABLE", "SODA_URL", "SOURCE", "extract_cdc_pulse", "generate_sample_csv"]
