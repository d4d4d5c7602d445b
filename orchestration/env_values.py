"""Parsers of one environment value each, for orchestration/settings.py.

Each takes the environment as a mapping (settings.py alone reads the process's
environment) and raises ConfigurationError with the value that was wrong and an example of
a right one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


class ConfigurationError(ValueError):
    """A MindPulse environment variable has a value we cannot use."""


def path_from_env(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw).expanduser()
    if not path.is_absolute():
        # dbt resolves paths against dbt_project/ and Dagster against the repository root;
        # only an absolute path means the same file to both.
        raise ConfigurationError(
            f"{name} must be an absolute path, got {raw!r}. "
            f'Use for example: export {name}="$PWD/{raw}"'
        )
    return path


def positive_int(raw: str) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def positive_int_from_env(env: Mapping[str, str], name: str, default: int, unit: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = positive_int(raw)
    if value is None:
        raise ConfigurationError(
            f"{name}={raw!r} must be a positive whole number of {unit}, such as {default}."
        )
    return value


def jobs_from_env(env: Mapping[str, str], name: str) -> int | None:
    """A number of worker processes, or None for `auto` (the default)."""
    raw = env.get(name, "").strip().lower()
    if raw in ("", "auto"):
        return None
    value = positive_int(raw)
    if value is None:
        raise ConfigurationError(
            f"{name}={raw!r} must be `auto` or a positive whole number of processes, such as 1."
        )
    return value


def count_from_env(env: Mapping[str, str], name: str, default: int, meaning: str) -> int:
    """A whole number >= 0."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(
            f"{name}={raw!r} must be a whole number of 0 or more, such as {default} ({meaning})."
        )
    return value


def share_from_env(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise ConfigurationError(
            f"{name}={raw!r} must be a share between 0 and 1, such as {default} "
            f"(a new batch needs at least {default:.0%} of the previous batch's rows)."
        )
    return value
