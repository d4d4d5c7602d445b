"""Jinja stand-ins for sqlfluff (see .sqlfluff); a package so nothing shadows the real dbt."""
