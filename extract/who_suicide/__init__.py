"""WHO suicide statistics (WHO Mortality Database): suicides and population per country, year,
sex and age band.

Modes: ``file`` (the CSV as republished, in the WHO layout or the 'suicide rates overview
1985-2016' layout) and ``sample`` (generated in the WHO layout, offline, the default; 'live'
falls back to it). See ``extract_who_suicide``.
"""

from extract.who_suicide.extract import extract_who_suicide
from extract.who_suicide.records import RAW_TABLE, SOURCE

__all__ = ["RAW_TABLE", "SOURCE", "extract_who_suicide"]
