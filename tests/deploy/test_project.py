"""Project-level promises: layout, exact pins, documented configuration, make targets."""

from __future__ import annotations

import re
import tomllib

from orchestration.settings import PROJECT_ROOT

EXPECTED_TOP_LEVEL = {
    "orchestration",
    "extract",
    "dbt_project",
    "ml_assets",
    "dashboard",
    "terraform",
    "tests",
    "pyproject.toml",
    "Makefile",
    "README.md",
    "uv.lock",
    ".gitignore",
    ".ci",
    "Dockerfile",
}
IGNORED = {
    ".git",
    ".venv",
    ".tools",
    "data",
    ".dagster_home",
    "artifacts",
    ".pytest_cache",
    ".ruff_cache",
    "logs",
}


def _pyproject():
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def test_top_level_layout_is_exactly_the_designed_one():
    present = {path.name for path in PROJECT_ROOT.iterdir()} - IGNORED
    assert present == EXPECTED_TOP_LEVEL


def test_core_stack_is_pinned_exactly_and_locked():
    pins = dict(
        re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==(.+)", dependency).groups()
        for dependency in _pyproject()["project"]["dependencies"]
        if "==" in dependency
    )
    assert pins["dagster"].startswith("1.13.")
    assert pins["dagster-dbt"].startswith("0.29.")
    assert pins["dbt-core"].startswith("1.11.")
    assert pins["dbt-duckdb"].startswith("1.11.")
    assert pins["duckdb"].startswith("2.0.")
    lock = (PROJECT_ROOT / "uv.lock").read_text()
    for name, version in pins.items():
        assert f'name = "{name}"\nversion = "{version}"' in lock, f"{name} not locked at {version}"
    assert 'name = "google-generativeai"' not in lock


def test_readme_documents_every_environment_variable():
    readme = (PROJECT_ROOT / "README.md").read_text()
    settings_source = "".join(
        (PROJECT_ROOT / "orchestration" / name).read_text()
        for name in ("settings.py", "cloud_settings.py")
    )
    variables = set(re.findall(r"\b(?:MINDPULSE|SNOWFLAKE)_[A-Z_]+\b", settings_source))
    assert variables
    missing = sorted(v for v in variables if v not in readme)
    assert missing == [], f"README configuration table lacks {missing}"
    assert "make run" in readme and "make test" in readme


def test_makefile_has_the_promised_targets():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    assert {"run", "test", "dev", "dashboard", "dbt-build", "bench", "lint"} <= targets


def test_ci_runs_the_readme_test_command():
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
