"""How the floors depend on each other, and what loading the code location costs."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib.metadata import version

import pytest
from dagster_dbt import DbtCliResource

from orchestration.resources import DBT_EXECUTABLE, LocalDbtCliResource
from orchestration.settings import PROJECT_ROOT

# Floors that must never import the orchestration layer (it imports them).
LOWER_FLOORS = ("extract", "ml_assets")


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("floor", LOWER_FLOORS)
def test_lower_floors_never_import_orchestration(floor):
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "orchestration"
        )
        for path in (PROJECT_ROOT / floor).rglob("*.py")
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_loading_the_code_location_imports_no_model_library():
    # A run that reuses every forecast, every score and every insight must not pay for
    # importing the model libraries: the forecasters, VADER, scikit-learn's themes, Gemini,
    # HDBSCAN (survey segments).
    libraries = ("prophet", "statsforecast", "cmdstanpy", "vaderSentiment", "sklearn",
                 "threadpoolctl", "google.genai", "hdbscan")  # fmt: skip
    code = (
        "import sys; from orchestration.definitions import defs; defs(); "
        f"print(sorted(m for m in {libraries!r} if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=300)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[]"


def test_the_dbt_resource_overrides_methods_dagster_dbt_still_has():
    # LocalDbtCliResource replaces two private methods of dagster-dbt; an upgrade that renames
    # them would silently bring back their cost (a `dbt --version` per run), so fail here.
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), name
        assert name in vars(LocalDbtCliResource), name
    resource = LocalDbtCliResource(
        project_dir=str(PROJECT_ROOT / "dbt_project"), dbt_executable=str(DBT_EXECUTABLE)
    )
    assert str(resource._cli_version) == version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None
