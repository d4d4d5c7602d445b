"""The Terraform of terraform/, parsed once with python-hcl2, for tests/deploy/test_terraform_*.py.

python-hcl2 keeps HCL's quotes: a block label or string literal arrives as '"RAW"', an
expression as '${var.x}'. `clean` strips the quotes of literals and drops the parser's own
bookkeeping keys, so tests compare against plain values: 'RAW', '${var.x}', 60, True.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO / "terraform"
MODULE_DIRS = {
    "snowflake": TERRAFORM_DIR / "snowflake",
    "aws": TERRAFORM_DIR / "aws",
    "prod": TERRAFORM_DIR / "environments" / "prod",
}


def tf_files() -> list[Path]:
    return sorted(TERRAFORM_DIR.rglob("*.tf"))


@functools.cache
def load(path: Path) -> dict:
    """python-hcl2's raw structure of one file (comments included under '__comments__')."""
    with path.open(encoding="utf-8") as handle:
        return hcl2.load(handle)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    return text


def clean(value: Any) -> Any:
    """The parsed value without literal quotes and without the parser's '__...__' keys."""
    if isinstance(value, dict):
        return {
            _unquote(key): clean(item)
            for key, item in value.items()
            if not (key.startswith("__") and key.endswith("__"))
        }
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


def is_expression(value: Any) -> bool:
    """True for a reference or template ('${var.x}', 'a-${b}'), False for a plain literal."""
    return isinstance(value, str) and "${" in value


def single(block_list: list[dict]) -> dict:
    """The one block of a nested block list (HCL's `rule { ... }` parses to a list of one)."""
    assert isinstance(block_list, list) and len(block_list) == 1, block_list
    return block_list[0]


@dataclass(frozen=True)
class Module:
    """The top-level blocks of one Terraform module folder, merged over its files."""

    path: Path
    resources: dict[str, dict[str, dict]]
    data: dict[str, dict[str, dict]]
    raw_resources: dict[str, dict[str, dict]]
    variables: dict[str, dict]
    outputs: dict[str, dict]
    locals: dict[str, Any]
    module_calls: dict[str, dict]
    terraform: list[dict]

    def resource(self, kind: str, name: str) -> dict:
        assert name in self.resources.get(kind, {}), f"{self.path.name}: no {kind}.{name}"
        return self.resources[kind][name]

    def resolve(self, value: Any) -> Any:
        """A '${var.x}' or '${local.x}' reference replaced by the variable's default or the
        local's value; anything else unchanged."""
        if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
            reference = value[2:-1]
            kind, _, name = reference.partition(".")
            if kind == "var" and name in self.variables:
                return self.variables[name].get("default")
            if kind == "local" and name in self.locals:
                return self.locals[name]
        return value


def _labelled_blocks(parsed: list[dict], target: dict[str, dict[str, dict]], *, raw: bool):
    for block in parsed:
        for kind, named in block.items():
            for name, body in named.items():
                key_kind, key_name = _unquote(kind), _unquote(name)
                target.setdefault(key_kind, {})[key_name] = body if raw else clean(body)


@functools.cache
def module(name: str) -> Module:
    folder = MODULE_DIRS[name]
    resources: dict[str, dict[str, dict]] = {}
    raw_resources: dict[str, dict[str, dict]] = {}
    data: dict[str, dict[str, dict]] = {}
    variables: dict[str, dict] = {}
    outputs: dict[str, dict] = {}
    local_values: dict[str, Any] = {}
    module_calls: dict[str, dict] = {}
    terraform: list[dict] = []
    for path in sorted(folder.glob("*.tf")):
        parsed = load(path)
        _labelled_blocks(parsed.get("resource", []), resources, raw=False)
        _labelled_blocks(parsed.get("resource", []), raw_resources, raw=True)
        _labelled_blocks(parsed.get("data", []), data, raw=False)
        for block in parsed.get("variable", []):
            variables.update(clean(block))
        for block in parsed.get("output", []):
            outputs.update(clean(block))
        for block in parsed.get("locals", []):
            local_values.update(clean(block))
        for block in parsed.get("module", []):
            module_calls.update(clean(block))
        terraform.extend(clean(block) for block in parsed.get("terraform", []))
    return Module(
        path=folder,
        resources=resources,
        data=data,
        raw_resources=raw_resources,
        variables=variables,
        outputs=outputs,
        locals=local_values,
        module_calls=module_calls,
        terraform=terraform,
    )


def walk(value: Any, path: tuple[str, ...] = ()):
    """Every (key path, leaf value) of a cleaned structure."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, str(index)))
    else:
        yield path, value
