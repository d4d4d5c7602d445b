"""OSMI "Mental Health in Tech" survey (osmihelp.org): workplace answers about mental health.

Modes: ``file`` (the survey CSVs as published, 2014 layout or the question-text layout of
2016 on) and ``sample`` (generated, offline, the default). See ``extract_osmi_survey``.
"""

from extract.osmi_survey.extract import extract_osmi_survey
from extract.osmi_survey.records import RAW_TABLE, SOURCE

__all__ = ["RAW_TABLE", "SOURCE", "extract_osmi_survey"]
