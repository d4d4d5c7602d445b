"""Stand-ins for dbt's cross-database macros when sqlfluff renders models without dbt.

sqlfluff's jinja templater knows ref/source/config (apply_dbt_builtins) but not the `dbt.`
namespace; these render the DuckDB form, the dialect sqlfluff lints. Only used by sqlfluff
(see .sqlfluff); dbt itself never imports this folder.
"""


def type_string():
    return "varchar"


def type_int():
    return "integer"


def type_timestamp():
    return "timestamp"


def type_float():
    return "double"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"
