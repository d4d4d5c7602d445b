"""Stand-ins for the project's own macros (macros/*.sql) when sqlfluff renders models.

They render SQL of the same shape, not the same logic: sqlfluff only needs to parse and lint
the model around them. The logic lives once, in the macros.
"""


def osmi_answer(column):
    return f"lower(trim({column}))"


def osmi_yes_no(column):
    return f"(lower(trim({column})) = 'yes')"
